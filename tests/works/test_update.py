"""`Works.update` after changes touching a work of many copies gives the works and editions a rebuild gives.

The copies are NLC's 红楼梦 (demo collection) held by other libraries: more than `cluster.WINDOW` of them, so
its blocks are matched by sorted neighbourhood, and a bridge record joins it to copies of 石头记 (its other
title), and five copies of 金瓶梅 make a work of their own. The update corrects years (editions change, works
do not), adds copies, deletes the copy the work is
named after, moves one copy to another work, and removes the bridge's 石头记: the work must split.
"""

from __future__ import annotations

from dataclasses import replace

from tongwen.model import Form, Record, Title
from tongwen.store import Store
from tongwen.works.cluster import WINDOW
from tongwen.works.store import Works

from .conftest import load_demo_into

HONGLOUMENG = "nlc-demo:oai:nlc-demo:nlc0001"
LIBRARIES = ["NDL", "NLK", "NLB", "NLV", "NLM"]


def _title(*texts: str, role: str = "main") -> Title:
    return Title([Form(text, "Hani" if not text.isascii() else "Latn", "chi") for text in texts], role)


def _copy(template: Record, number: int, **changes) -> Record:
    changes.setdefault("year_from", 1980 + number % 4)  # four years: editions of several copies each
    changes.setdefault("institution", LIBRARIES[number % len(LIBRARIES)])
    return replace(template, source="copy", local_id=f"{number:03d}", identifiers=[], provenance=None, **changes)


def _assignments(works: Works, store: Store) -> dict[str, tuple[str, str]]:
    ids = [record.id for record in store.iter_records(with_original=False)]
    return {record_id: (info.work_id, info.edition_id) for record_id, info in works.clusters_for(ids).items()}


def test_an_update_touching_a_large_work_gives_the_works_of_a_rebuild(database):
    with Store.open(database) as store, Works.open(database) as works:
        load_demo_into(store)
        template = store.get(HONGLOUMENG)
        with store.batch():
            for number in range(1, 61):
                store.upsert(_copy(template, number))
            for number in range(61, 71):
                store.upsert(_copy(template, number, titles=[_title("石头记", "Shi tou ji")]))
            store.upsert(_copy(template, 71, titles=[_title("红楼梦"), _title("石头记", role="variant")]))
            for number in range(91, 96):  # a work the update only corrects a year in
                store.upsert(_copy(template, number, titles=[_title("金瓶梅", "Jin ping mei")]))
        works.update(store)
        big = works.cluster_of("copy:001")
        assert len(big.members) > WINDOW + 10 and "copy:065" in big.members  # 石头记 joined through copy:071
        assert works.cluster_of("copy:091").edition_id == works.cluster_of("copy:095").edition_id  # both 1983

        with store.batch():
            for number in (2, 3, 7, 11, 13):  # a corrected year: another edition, the same work
                store.upsert(_copy(template, number, year_from=1990))
            store.upsert(_copy(template, 95, titles=[_title("金瓶梅", "Jin ping mei")], year_from=1990))
            for number in (81, 82, 83):  # more copies
                store.upsert(_copy(template, number))
            store.delete("copy:001")  # the record the work is named after
            store.delete(HONGLOUMENG)
            store.upsert(_copy(template, 5, titles=[_title("西游记", "Xi you ji")]))  # now another work's title
            store.upsert(_copy(template, 71, titles=[_title("红楼梦")]))  # the bridge to 石头记 is gone
        report = works.update(store)
        assert (report.changed, report.deleted) == (11, 2)
        updated = _assignments(works, store)
        assert report.reclustered < len(updated)  # the rest of the collection was not matched again
        counted = works.stats()  # the report's counts are kept up to date by each write, not counted again
        assert (report.works, report.editions, report.multi_record_works) == \
            (counted["works"], counted["editions"], counted["multi_record_works"])

        works.rebuild(store)
        assert updated == _assignments(works, store)
        assert updated["copy:002"][0] == updated["copy:004"][0] != updated["copy:065"][0]  # split at the bridge
        assert updated["copy:002"][1] != updated["copy:006"][1]  # 1990 is an edition of its own
        assert updated["copy:002"][1] == updated["copy:003"][1]
        assert updated["copy:091"][0] == updated["copy:095"][0] and updated["copy:091"][1] != updated["copy:095"][1]


def test_a_key_growing_into_a_stop_key_and_back_is_matched_as_a_rebuild_would(database, monkeypatch):
    """A key shared by more than MAX_BLOCK records is no evidence: once a new record takes it past that, the
    records it alone joined fall apart; once deletions bring it back, they join again."""
    from tongwen.works import store as works_store

    monkeypatch.setattr(works_store, "MAX_BLOCK", 5)
    hongloumeng = [Title([Form("红楼梦", "Hans", "chi")])]
    with Store.open(database) as store, Works.open(database) as works:
        for number in range(5):
            store.upsert(Record("lib", str(number), languages=["chi"], content_type="book", titles=hongloumeng))
        works.update(store)
        assert len(works.cluster_of("lib:0").members) == 5
        for change in ("grow", "shrink"):
            if change == "grow":
                store.upsert(Record("lib", "5", languages=["chi"], content_type="book", titles=hongloumeng))
            else:
                store.delete("lib:0")
                store.delete("lib:1")
            works.update(store)
            updated = _assignments(works, store)
            works.rebuild(store)
            assert updated == _assignments(works, store), change
            assert len({work for work, _ in updated.values()}) == (6 if change == "grow" else 1)
