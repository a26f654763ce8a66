"""A rebuild holds nothing that grows with the collection: the key caches are emptied as it keys, and the
counts of works and editions are counted as the works are written, not by scanning the table after.

Both change nothing of what is formed: the works and editions, and the kept counts, are those of a rebuild
that never empties a cache and of `Works.stats` counting the rows.
"""

from __future__ import annotations

from tongwen.cjk import text
from tongwen.store import Store
from tongwen.works import keys
from tongwen.works import store as works_store
from tongwen.works.store import Works

from .conftest import load_demo_into


def _assignments(works: Works, store: Store) -> dict[str, tuple[str, str]]:
    ids = [record.id for record in store.iter_records(with_original=False)]
    return {record_id: (info.work_id, info.edition_id) for record_id, info in works.clusters_for(ids).items()}


def test_clearing_the_key_caches_empties_the_bounded_ones_and_keeps_the_dictionaries():
    keys.han_key("紅樓夢")
    text.fold("紅樓夢")
    keys.clear_key_caches()
    assert keys.han_key.cache_info().currsize == text.fold.cache_info().currsize == 0
    assert keys.han_key("紅樓夢") == "红楼梦"  # still keys the same once emptied


def test_a_rebuild_empties_the_key_caches_as_it_goes_and_counts_while_it_writes(database, monkeypatch):
    with Store.open(database) as store, Works.open(database) as works:
        load_demo_into(store)
        works.rebuild(store)
        never_emptied = _assignments(works, store)

        monkeypatch.setattr(works_store, "_PAGE", 40)
        monkeypatch.setattr(works_store, "_CLEAR_EVERY", 80)
        cleared = []
        monkeypatch.setattr(works_store, "clear_key_caches", lambda: cleared.append(keys.han_key.cache_info().currsize)
                            or keys.clear_key_caches())

        def no_scan(self):
            raise AssertionError("a rebuild counts its works as it writes them")

        with monkeypatch.context() as scans:
            scans.setattr(Works, "stats", no_scan)
            report = works.rebuild(store)
        records = len(never_emptied)
        assert len(cleared) == records // 80 + 1  # every 80 records keyed, and once keying is done
        assert max(cleared) > 0 and keys.han_key.cache_info().currsize == 0
        assert _assignments(works, store) == never_emptied
        counted = works.stats()
        assert (report.works, report.editions, report.multi_record_works) == \
            (counted["works"], counted["editions"], counted["multi_record_works"])
        assert counted["multi_record_works"] > 10 and counted["editions"] > counted["works"] > records // 10
