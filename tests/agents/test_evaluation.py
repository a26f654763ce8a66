"""Agent matching on real records, scored against the records' own authority identifiers (`evaluation`)."""

from __future__ import annotations

from tests.agents.evaluation import evaluate


def test_precision_and_recall_on_real_records(shared_data):
    numbers = evaluate(shared_data)
    print(numbers)
    assert numbers["labelled"] >= 100 and numbers["gold_pairs"] >= 40 and numbers["different_pairs"] >= 1000
    assert numbers["precision"] >= 0.98
    assert numbers["recall"] >= 0.95
