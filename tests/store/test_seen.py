"""The importer's "seen in this run" filter: never a false "not seen", few false "maybe"."""

from tongwen.store.seen import SeenFilter


def test_every_added_key_is_reported_and_few_others_are() -> None:
    seen = SeenFilter(bits=1 << 20)
    added = [f"7:ndl:{n:08d}" for n in range(20_000)]
    for key in added:
        seen.add(key)
    assert all(key in seen for key in added)
    strangers = sum(f"7:nlk:{n:08d}" in seen for n in range(20_000))
    assert strangers < 40  # ~0.1% expected at this fill; a filter saying "maybe" to all would fail


def test_check_and_add_answers_as_contains_then_add() -> None:
    seen, plain = SeenFilter(bits=1 << 20), SeenFilter(bits=1 << 20)
    keys = [f"7:ndl:{n:08d}" for n in range(5_000)] * 2  # every key a second time: then always "maybe"
    for key in keys:
        expected = key in plain
        plain.add(key)
        assert seen.check_and_add(key) == expected
    assert all(key in seen for key in keys)
