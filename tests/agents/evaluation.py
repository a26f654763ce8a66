"""Precision and recall of agent matching on real catalogue records, labelled by their own identifiers.

The labelled set: every name field in the real MARC, NDL and CiNii records of ``../shared/data`` (Princeton's
Alma MARCXML, Open Library's 880 fixtures, NDL Search / CiNii responses recorded by Project Next-L Enju) that
carries an authority identifier ($0/$1, a DC-NDL or CiNii agent URI). Two such mentions are the same agent
when their identifiers say so, and two agents when they carry different values of one scheme (two NDL
numbers); a pair with identifiers of different schemes only (CiNii DA16411536 beside NDL 01134501) is not
labelled either way. The matcher then runs on *every* name in those files — with the identifiers taken away,
so only names, dates and titles can speak — and each labelled pair is scored. Pairs between two copies of one
catalogue record (Enju keeps the same NDL response in two gems) are left out: they would be trivially right.

    PYTHONPATH=$PWD .venv/bin/python -m tests.agents.evaluation
"""

from __future__ import annotations

import dataclasses
import itertools
import tempfile
from pathlib import Path

from tongwen.agents.cluster import cluster_mentions
from tongwen.agents.keys import Mention, mentions
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store

FOLDERS = ("princeton-bibdata-alma", "openlibrary-marc-880", "enju-ndl-cinii-loc-api-responses")
SUFFIXES = (".xml", ".mrc", ".json", ".jsonl", ".marcxml")


def real_mentions(shared_data: Path) -> list[Mention]:
    with tempfile.TemporaryDirectory() as scratch, Store.open(Path(scratch) / "eval.sqlite") as store:
        for folder in FOLDERS:
            for path in sorted((shared_data / folder).rglob("*")):
                if path.is_file() and path.suffix in SUFFIXES:
                    source = f"{folder[:12]}-{path.parent.name[:12]}-{path.stem[:24]}"
                    import_files(store, [path], source=source)
        return [m for record in store.iter_records(with_original=False) for m in mentions(record)]


def _components(items: list[tuple[str, frozenset[str]]]) -> dict[str, int]:
    """mention id → gold agent number, identifiers joined transitively."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for mention_id, identifiers in items:
        for identifier in identifiers:
            parent[find(f"id:{identifier}")] = find(mention_id)
    roots: dict[str, int] = {}
    return {mention_id: roots.setdefault(find(mention_id), len(roots)) for mention_id, _ in items}


def _schemes(mention: Mention) -> set[str]:
    return {identifier.split(":", 1)[0] for identifier in mention.identifiers}


def _local_id(mention: Mention) -> str:
    return mention.record_id.split(":", 1)[1]


def evaluate(shared_data: Path) -> dict[str, float | int]:
    found = real_mentions(shared_data)
    labelled = [m for m in found if m.identifiers]
    gold = _components([(m.mention_id, m.identifiers) for m in labelled])
    blind = [dataclasses.replace(m, identifiers=frozenset()) for m in found]
    predicted: dict[str, int] = {}
    for number, group in enumerate(cluster_mentions(blind)):
        for mention in group:
            predicted[mention.mention_id] = number
    tp = fp = fn = negatives = 0
    for a, b in itertools.combinations(labelled, 2):
        if _local_id(a) == _local_id(b):
            continue  # two copies of one record
        same = gold[a.mention_id] == gold[b.mention_id]
        if not same and not _schemes(a) & _schemes(b):
            continue  # nothing says whether two authority files name one person
        linked = predicted[a.mention_id] == predicted[b.mention_id]
        negatives += not same
        tp += same and linked
        fp += linked and not same
        fn += same and not linked
    return {"mentions": len(found), "labelled": len(labelled), "gold_pairs": tp + fn, "different_pairs": negatives,
            "true_pos": tp,
            "false_pos": fp, "false_neg": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0}


if __name__ == "__main__":
    numbers = evaluate(Path(__file__).resolve().parents[2].parent / "shared" / "data")
    print("| " + " | ".join(numbers) + " |")
    print("|" + "---|" * len(numbers))
    print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in numbers.values()) + " |")
