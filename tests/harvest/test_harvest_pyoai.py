"""Harvesting pyoai's OAI-PMH server (a real provider nobody here wrote) on loopback: full, incremental,
deletions, and faults — dropped connections, 503 + Retry-After, malformed pages, expired tokens, a kill."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from oai_peers import Fault, Faults, PyoaiRepository, pyoai_app, serve

from tongwen.harvest import Fetcher, HarvestProgress, HarvestState, Source, harvest
from tongwen.index import SearchIndex
from tongwen.store import Store

PAGE = 40  # records per page: the 400 Aozora works of the fixture come in 10 pages


def _source(url: str) -> Source:
    return Source("aozora", url=url, institution="AOZORA")


def _page_request(number: int):
    """The request for page `number` (2, 3…): pyoai's tokens carry the cursor of the page they ask for."""
    return lambda query: f"cursor%3D{(number - 1) * PAGE}" in query.get("resumptionToken", "")


def _assert_each_record_once(store: Store, aozora: PyoaiRepository) -> None:
    assert store.count("aozora") == len(aozora.items)
    added = sum(run.counts["added"] for run in store.runs() if run.kind == "harvest")
    assert added == len(aozora.items)


def test_full_harvest_stores_every_record_as_a_harvest_run(store: Store, fetcher: Fetcher, aozora) -> None:
    with serve(pyoai_app(aozora, PAGE)) as url:
        summary = harvest(store, _source(url), fetcher=fetcher)
    assert (summary.status, summary.pages, summary.records_read) == ("ok", 10, 400)
    assert summary.counts["added"] == 400 and summary.problem_count == 0
    run = store.runs()[0]
    assert (run.kind, run.source, run.format, run.status) == ("harvest", "aozora", "dc", "ok")
    record = store.get("aozora:oai:aozora.gr.jp:056078")  # 駅伝馬車 (Washington Irving)
    assert record.titles[0].text == "駅伝馬車" and record.institution == "AOZORA"
    assert record.agents[0].name == "アーヴィング ワシントン"
    assert record.provenance.position.startswith("aozora page ")


def test_incremental_harvest_asks_from_the_last_harvest_and_follows_changes_and_deletions(
    store: Store, fetcher: Fetcher, aozora, tmp_path: Path
) -> None:
    faults = Faults(pyoai_app(aozora, PAGE))
    index = SearchIndex.open(tmp_path / "index")
    with serve(faults) as url:
        harvest(store, _source(url), fetcher=fetcher)
        index.sync(store)
        first_started = HarvestState(store, "aozora").last()["started"]

        nothing_new = harvest(store, _source(url), fetcher=fetcher)
        assert (nothing_new.status, nothing_new.from_, nothing_new.records_read) == ("ok", first_started, 0)

        aozora.touch("oai:aozora.gr.jp:056078", title=["駅伝馬車（改訂）"])
        aozora.delete("oai:aozora.gr.jp:056033")
        changes = harvest(store, _source(url), fetcher=fetcher)
    # `from` in the repository's granularity (seconds here), from the responseDate of the last harvest
    from_arguments = [q["from"] for q in faults.requests if "from" in q]
    assert from_arguments[0] == first_started and len(from_arguments[0]) == 20
    assert changes.status == "ok" and changes.counts["updated"] == 1 and changes.counts["deleted"] == 1
    assert store.get("aozora:oai:aozora.gr.jp:056078").titles[0].text == "駅伝馬車（改訂）"
    assert store.get("aozora:oai:aozora.gr.jp:056033") is None
    report = index.sync(store)
    assert (report.added, report.deleted) == (1, 1)
    assert index.search("クリスマス・イーヴ").total == 0
    assert index.search("駅伝馬車").total == 1
    index.close()


def test_day_granularity_repositories_get_a_day_in_from(store: Store, fetcher: Fetcher, shared_data) -> None:
    repository = PyoaiRepository.from_aozora(shared_data, limit=150, granularity="YYYY-MM-DD")
    faults = Faults(pyoai_app(repository, PAGE))
    with serve(faults) as url:
        harvest(store, _source(url), fetcher=fetcher)
        again = harvest(store, _source(url), fetcher=fetcher)
    assert len(again.from_) == 10 and again.from_ == HarvestState(store, "aozora").last()["started"][:10]
    # a day is inclusive, so the records of that day come again: unchanged, never twice in the store
    assert again.status == "ok" and again.counts["added"] == 0
    assert store.count("aozora") == 150


def test_dropped_connection_503_and_malformed_page_are_retried_and_nothing_is_lost(
    store: Store, fetcher: Fetcher, aozora
) -> None:
    faults = Faults(
        pyoai_app(aozora, PAGE),
        [
            Fault(_page_request(3), "drop"),
            Fault(_page_request(5), "503", retry_after="1"),
            Fault(_page_request(8), "malformed"),
        ],
    )
    with serve(faults) as url:
        started = time.monotonic()
        summary = harvest(store, _source(url), fetcher=fetcher)
    assert faults.injected == ["drop", "503", "malformed"]
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured
    assert summary.status == "ok" and summary.pages == 10
    _assert_each_record_once(store, aozora)
    warnings = [p.message for p in store.problems(summary.run_id)]
    assert any(
        "connection failed" in w and "aozora page 3" in p.position
        for w, p in zip(warnings, store.problems(summary.run_id), strict=True)
    )
    assert any("HTTP 503" in w and "retry 1 after 1 s" in w for w in warnings)
    assert any("not well-formed XML" in w for w in warnings)


def test_expired_resumption_token_restarts_the_list_without_duplicates(
    store: Store, fetcher: Fetcher, aozora
) -> None:
    faults = Faults(pyoai_app(aozora, PAGE), [Fault(_page_request(6), "badResumptionToken")])
    with serve(faults) as url:
        summary = harvest(store, _source(url), fetcher=fetcher)
    assert summary.status == "ok"
    assert summary.counts["added"] == 400 and summary.counts["unchanged"] == 5 * PAGE  # pages 1-5 came again
    assert sum("metadataPrefix" in q for q in faults.requests) == 2  # the list was asked for twice
    assert "badResumptionToken" in store.problems(summary.run_id)[0].message
    _assert_each_record_once(store, aozora)


def test_killed_harvest_resumes_at_the_stored_token(store: Store, fetcher: Fetcher, aozora) -> None:
    faults = Faults(pyoai_app(aozora, PAGE))

    def stop_after_page_4(state: HarvestProgress) -> None:
        if state.page == 4:
            raise KeyboardInterrupt

    with serve(faults) as url:
        with pytest.raises(KeyboardInterrupt):
            harvest(store, _source(url), fetcher=fetcher, progress=stop_after_page_4)
        assert store.runs()[0].status == "interrupted" and store.count("aozora") == 4 * PAGE
        requests_before = len(faults.requests)
        resumed = harvest(store, _source(url), fetcher=fetcher)
    assert resumed.resumed and resumed.status == "ok" and resumed.records_read == 6 * PAGE
    first_request = faults.requests[requests_before]
    assert f"cursor%3D{4 * PAGE}" in first_request["resumptionToken"]
    assert HarvestState(store, "aozora").resume() is None
    _assert_each_record_once(store, aozora)


def test_a_page_that_stays_broken_stops_the_run_and_the_next_harvest_resumes_there(
    store: Store, fetcher: Fetcher, aozora
) -> None:
    faults = Faults(pyoai_app(aozora, PAGE), [Fault(_page_request(7), "malformed", times=4)])
    with serve(faults) as url:
        stopped = harvest(store, _source(url), fetcher=fetcher)
        assert stopped.status == "problems" and stopped.records_read == 6 * PAGE
        error = next(p for p in store.problems(stopped.run_id) if p.severity == "error")
        assert error.position == "aozora page 7" and "resumes from this page" in error.message
        assert HarvestState(store, "aozora").last() is None  # not complete: no new `from` yet
        finished = harvest(store, _source(url), fetcher=fetcher)
    assert finished.resumed and finished.status == "ok" and finished.records_read == 4 * PAGE
    _assert_each_record_once(store, aozora)


def test_a_format_the_repository_does_not_offer_fails_with_the_protocol_error(
    store: Store, fetcher: Fetcher, aozora
) -> None:
    with serve(pyoai_app(aozora, PAGE)) as url:
        summary = harvest(store, Source("aozora", url=url, metadata_prefix="mods"), fetcher=fetcher)
    assert summary.status == "failed" and store.count("aozora") == 0
    assert "cannotDisseminateFormat" in summary.first_problems[0].message
    assert "metadata_prefix" in summary.first_problems[0].message
