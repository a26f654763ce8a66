"""The OAI-PMH client and harvester against the Sickle project's recorded responses
(../shared/data/oai-pmh-sickle-samples), parsed directly and served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from oai_peers import Fault, Faults, recorded_app, serve

from tongwen.harvest import Fetcher, HarvestState, OAIError, Source, harvest
from tongwen.harvest.oai import DAY_GRANULARITY, MalformedResponse, OAIClient, parse_list_page
from tongwen.store import Store

SAMPLES = "oai-pmh-sickle-samples"


def _sample(shared_data: Path, name: str) -> bytes:
    return (shared_data / SAMPLES / name).read_bytes()


def test_a_list_page_gives_records_token_and_list_size(shared_data: Path) -> None:
    page = parse_list_page(_sample(shared_data, "ListRecords.xml"), number=1)
    assert (page.token, page.complete_list_size, page.cursor, len(page.records)) == (
        "ListRecords2.xml",
        8,
        0,
        2,
    )
    assert page.response_date == "2013-02-27T09:10:56Z"
    assert parse_list_page(_sample(shared_data, "ListRecords4.xml"), number=4).token is None


def test_no_records_match_is_an_empty_complete_list(shared_data: Path) -> None:
    page = parse_list_page(_sample(shared_data, "noRecordsMatch.xml"), number=1)
    assert (page.records, page.token) == ([], None)


@pytest.mark.parametrize(
    "name", ["badResumptionToken", "cannotDisseminateFormat", "badArgument", "noSetHierarchy"]
)
def test_protocol_errors_carry_their_code(shared_data: Path, name: str) -> None:
    with pytest.raises(OAIError) as raised:
        parse_list_page(_sample(shared_data, f"{name}.xml"), number=1)
    assert raised.value.code == name


def test_a_truncated_answer_is_malformed_not_empty(shared_data: Path) -> None:
    with pytest.raises(MalformedResponse, match="not well-formed XML"):
        parse_list_page(_sample(shared_data, "ListRecordsBroken.xml"), number=1)


def test_identify_reads_the_granularity(shared_data: Path, fetcher: Fetcher) -> None:
    with serve(recorded_app(shared_data / SAMPLES)) as url:
        identity = OAIClient(url, fetcher).identify()
    assert (identity.granularity, identity.deleted_record) == (DAY_GRANULARITY, "persistent")


def test_harvesting_the_recorded_list_follows_four_pages_and_applies_deletions(
    shared_data: Path, store: Store, fetcher: Fetcher
) -> None:
    faults = Faults(recorded_app(shared_data / SAMPLES))
    with serve(faults) as url:
        summary = harvest(store, Source("sickle", url=url), fetcher=fetcher)
    assert [q.get("resumptionToken") for q in faults.requests] == [
        None,
        "ListRecords2.xml",
        "ListRecords3.xml",
        "ListRecords4.xml",
    ]
    assert summary.pages == 4 and summary.records_read == 8
    assert store.get("sickle:oai:test.example.com:1585322").titles[0].text == "Sample Title"
    assert store.get("sickle:oai:test.example.com:1585310", include_deleted=True) is None
    # page 4's deleted header has neither identifier nor datestamp: reported, and the run goes on
    (problem,) = store.problems(summary.run_id)
    assert problem.position == "sickle page 4 record 1" and "without an identifier" in problem.message
    assert (
        summary.status == "problems"
        and HarvestState(store, "sickle").last()["started"] == "2013-02-27T09:10:56Z"
    )


def test_the_recorded_broken_page_is_asked_again_then_reported(
    shared_data: Path, store: Store, fetcher: Fetcher
) -> None:
    broken = _sample(shared_data, "ListRecordsBroken.xml")

    def app(environ, start_response):
        if "ListRecords3.xml" in environ.get("QUERY_STRING", ""):
            start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(broken)))])
            return [broken]
        return recorded_app(shared_data / SAMPLES)(environ, start_response)

    with serve(app) as url:
        summary = harvest(store, Source("sickle", url=url), fetcher=fetcher)
    assert summary.status == "problems" and summary.pages == 2
    assert HarvestState(store, "sickle").resume()["token"] == "ListRecords3.xml"
    messages = [p.message for p in store.problems(summary.run_id)]
    assert sum("retry" in m for m in messages) == fetcher.policy.attempts - 1
    assert "after 4 attempts; the harvest stopped here" in messages[-1]


def test_a_token_the_repository_rejects_twice_stops_the_run(
    shared_data: Path, store: Store, fetcher: Fetcher
) -> None:
    bad_after_first = Fault(
        lambda q: q.get("resumptionToken") == "ListRecords2.xml", "badResumptionToken", times=2
    )
    with serve(Faults(recorded_app(shared_data / SAMPLES), [bad_after_first])) as url:
        summary = harvest(store, Source("sickle", url=url), fetcher=fetcher)
    messages = [p.message for p in store.problems(summary.run_id)]
    assert "harvested again from the start" in messages[0] and "badResumptionToken" in messages[1]
    assert summary.status == "problems"
