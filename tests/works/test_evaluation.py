"""Clustering quality measured on labelled sets built from real data and the demo collection.

Pairwise precision/recall at the work level: every pair of records placed in one work is a claim, checked
against the labels. Precision comes first (a wrong merge hides a record under someone else's work).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.works.evaluation import PairScores, pair_scores, pride_label, princeton_records
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store
from tongwen.works.store import Works

HERE = Path(__file__).parent


def _demo_truth(store: Store) -> dict[str, str]:
    labels = {}
    for line in (HERE / "demo_works.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            local_id, work, _ = line.split("\t", 2)
            labels[local_id] = work
    return {r.id: labels.get(r.id.rsplit(":", 1)[-1], r.id) for r in store.iter_records(with_original=False)}


def _predicted(works: Works, ids) -> dict[str, str]:
    return {record_id: info.work_id for record_id, info in works.clusters_for(ids).items()}


@pytest.fixture(scope="module")
def demo_scores(demo_works) -> PairScores:
    store, works = demo_works
    truth = _demo_truth(store)
    return pair_scores(_predicted(works, truth), truth)


@pytest.fixture(scope="module")
def princeton_scores(shared_data: Path, tmp_path_factory) -> PairScores:
    path = tmp_path_factory.mktemp("princeton") / "tongwen.sqlite"
    truth: dict[str, str] = {}
    with Store.open(path) as store:
        with open(shared_data / "princeton-orangelight-solr-cjk" / "title_pairs.tsv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                for record in princeton_records(row):
                    store.upsert(record)
                    truth[record.id] = row["id"]
        with Works.open(path) as works:
            works.rebuild(store)
            return pair_scores(_predicted(works, truth), truth)


@pytest.fixture(scope="module")
def pride_scores(shared_data: Path, tmp_path_factory) -> PairScores:
    path = tmp_path_factory.mktemp("pride") / "tongwen.sqlite"
    with Store.open(path) as store:
        import_files(store, [shared_data / "marc4j-test-resources" / "pride-and-prejudice-fixed.mrc"],
                     source="marc4j", institution="X")
        truth = {r.id: label for r in store.iter_records(with_original=False) if (label := pride_label(r))}
        with Works.open(path) as works:
            works.rebuild(store)
            return pair_scores(_predicted(works, truth), truth)


def test_demo_collection_precision_and_recall(demo_scores: PairScores):
    print("demo", demo_scores)
    assert demo_scores.precision >= 0.98
    assert demo_scores.recall >= 0.80  # measured 0.82: the misses are translations without shared evidence


def test_princeton_romanized_only_record_meets_its_vernacular_only_twin(princeton_scores: PairScores):
    print("princeton", princeton_scores)
    # Measured P=0.84 R=0.54: two different books both titled 臺灣/Taiwan with no creator merge; pykakasi
    # misreads kanji-only Japanese titles (言林 → "gen hayashi"), so those twins do not meet.
    assert princeton_scores.precision >= 0.80
    assert princeton_scores.recall >= 0.50


def test_pride_and_prejudice_records(pride_scores: PairScores):
    print("pride", pride_scores)
    assert pride_scores.precision >= 0.98
    # Measured P=0.994 R=0.971 since MARC 765 $t (original-language entry) is read as a variant title.
    assert pride_scores.recall >= 0.95


def test_all_sets_together_precision(demo_scores, princeton_scores, pride_scores):
    total = demo_scores + princeton_scores + pride_scores
    print("all", total)
    assert total.precision >= 0.98


def test_all_sets_together_recall_goal(demo_scores, princeton_scores, pride_scores):
    # Measured P=0.993 R=0.967 pooled (translations now meet their original through MARC 765 $t). The demo
    # (R=0.821) and Princeton (R=0.564) sets stay below on their own: short Han titles without a creator and
    # misread kanji readings; their floors are asserted in their own tests.
    assert (demo_scores + princeton_scores + pride_scores).recall >= 0.90
