"""A rebuild's `CompactUnionFind` forms the works `GuardedUnionFind` forms, on real records.

The rebuild keeps its union-find in two arrays (memory flat in collection size) while updates and federated
search keep the dict-based one: both must take the same decisions, guards included. The records are the demo
collection and marc4j's Pride and Prejudice file (hundreds of records of one novel: blocks far larger than
`WINDOW`, translations, retellings whose creators disagree), each also copied without its creators and without
its content type: such copies are the bridges the guards exist for.
"""

from __future__ import annotations

from dataclasses import replace

from tongwen.ingest.pipeline import import_files
from tongwen.store import Store
from tongwen.works.cluster import CompactUnionFind, GuardedUnionFind, link_works
from tongwen.works.keys import Features, features
from tongwen.works.store import MAX_BLOCK

from .conftest import load_demo_into


def _blocks(items: list[tuple[int, Features]]) -> list[list[tuple[int, Features]]]:
    """Every blocking key's items, in key order, as a rebuild reads them."""
    members: dict[str, list[tuple[int, Features]]] = {}
    for rid, feats in items:
        for key in feats.blocking_keys():
            members.setdefault(key, []).append((rid, feats))
    return [members[key] for key in sorted(members) if 1 < len(members[key]) <= MAX_BLOCK]


def _works_of(uf: GuardedUnionFind | CompactUnionFind) -> set[tuple[int, ...]]:
    groups = uf.works() if isinstance(uf, CompactUnionFind) else uf.components().values()
    return {tuple(members) for members in groups if len(members) > 1}


def test_compact_union_find_forms_the_same_works(tmp_path, shared_data):
    with Store.open(tmp_path / "tongwen.sqlite") as store:
        load_demo_into(store)
        import_files(store, [shared_data / "marc4j-test-resources" / "pride-and-prejudice-fixed.mrc"],
                     source="marc4j", institution="X")
        records = list(store.iter_records(with_original=False))
    copies = [replace(r, local_id=f"{r.local_id}-{how}", **change) for r in records
              for how, change in (("anonymous", {"agents": []}), ("untyped", {"content_type": None}))]
    items = [(rid, features(record)) for rid, record in enumerate(records + copies, start=1)]
    blocks = _blocks(items)
    guarded, compact = GuardedUnionFind(), _Counting(1, len(items))
    assert link_works(blocks, guarded) == link_works(blocks, compact)
    works = _works_of(compact)
    assert works == _works_of(guarded)
    assert len(works) > 100 and max(map(len, works)) > 100  # many works, and a big one
    assert compact.refused > 0  # the guards kept some pairs that scored as one work apart


class _Counting(CompactUnionFind):
    refused = 0

    def union(self, a, b, features_a, features_b):
        joined = super().union(a, b, features_a, features_b)
        self.refused += not joined
        return joined
