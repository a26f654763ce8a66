"""`tongwen.cjk.clear_caches` empties every bounded cache the analysis fills — also the ones a module takes from
another (`romanize.detect_script` wraps `scripts.detect_script`) and pykakasi's per-word cache — so a works
rebuild's memory stays flat, while the loaded dictionaries stay loaded."""

from __future__ import annotations

from tongwen.cjk import clear_caches, japanese, korean, romanize
from tongwen.cjk.analysis import roman_tokens

TITLES = ["源氏物語", "춘향전", "紅樓夢"]  # Japanese, Korean, Chinese


def _pykakasi_words() -> int:
    return type(japanese._kakasi()._iconv).convert.cache_info().currsize


def test_clear_caches_empties_the_bounded_caches_and_keeps_the_tables():
    tokens = [roman_tokens(title, None) for title in TITLES]
    filled = [romanize.detect_script, korean._rr_word, japanese._convert]
    assert all(function.cache_info().currsize for function in filled) and _pykakasi_words()
    clear_caches()
    assert [function.cache_info().currsize for function in filled] == [0, 0, 0]
    assert _pykakasi_words() == 0
    assert japanese._kakasi.cache_info().currsize == 1  # the dictionaries are not loaded again
    assert [roman_tokens(title, None) for title in TITLES] == tokens  # the same from empty caches

