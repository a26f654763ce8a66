"""The search caches' LRU on its own: bounded, least recently used first out."""

from tongwen.config import Settings
from tongwen.index.search_cache import DEFAULT_ENTRIES, LRU


def test_keeps_at_most_its_size_dropping_the_least_recently_used():
    cache = LRU(3)
    for key in "abc":
        cache.put(key, (1, {}))
    assert cache.get("a") == (1, {})  # "a" is now the most recent
    cache.put("d", (2, {}))
    assert len(cache) == 3 and cache.get("b") is None and cache.get("a") is not None
    assert (cache.hits, cache.misses) == (2, 1)


def test_the_setting_defaults_to_the_cache_default(tmp_path, monkeypatch):
    assert Settings(data_dir=tmp_path).search_cache_entries == DEFAULT_ENTRIES
    monkeypatch.setenv("TONGWEN_SEARCH_CACHE_ENTRIES", "0")
    assert Settings.load(tmp_path).search_cache_entries == 0
