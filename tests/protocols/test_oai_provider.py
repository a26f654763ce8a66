"""The OAI-PMH provider: Sickle (a harvester nobody here wrote) against the live server, every verb and error
code, deletions, sets, date ranges and resumption tokens; responses checked by `oai_structure.validate`."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest
from lxml import etree
from sickle import Sickle

from tongwen.protocols.oai_provider import (
    OaiConfig,
    OaiProvider,
    oai_identifier,
    record_id_of,
    set_spec_value,
)
from tongwen.store import Store
from tongwen.web.app import create_app

from .conftest import DELETED_ID
from .oai_structure import OAI, validate

MARC = "{http://www.loc.gov/MARC21/slim}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONFIG = OaiConfig(base_url="http://tongwen.test/oai", page_size=40)


def provider(store, **changes) -> OaiProvider:
    clock = changes.pop("clock", time.time)
    return OaiProvider(store, dataclasses.replace(CONFIG, **changes), clock=clock)


def ask(store, *arguments: tuple[str, str], **changes) -> etree._Element:
    return validate(provider(store, **changes).respond(list(arguments)))


def error_code(root) -> str | None:
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def all_ids(store: Store) -> set[str]:
    return {change.record_id for change, _, _ in store.oai_page(0, 100_000, with_records=False)}


# --- a real harvester, a real server --------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_oai(protocol_settings, serve_app) -> Iterator[str]:
    small_pages = dataclasses.replace(protocol_settings, oai_page_size=25)
    with serve_app(create_app(small_pages)) as url:
        yield f"{url}/oai"




def test_sickle_harvests_every_record_through_every_resumption_page(live_oai, protocol_store):
    sickle = Sickle(live_oai, max_retries=0)
    harvested = {}
    for record in sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False):
        harvested[record.header.identifier] = record
    expected = {oai_identifier(CONFIG, record_id) for record_id in all_ids(protocol_store)}
    assert set(harvested) == expected and len(expected) > 25 * 4  # several pages
    deleted = harvested[oai_identifier(CONFIG, DELETED_ID)]
    assert deleted.header.deleted and not hasattr(deleted, "metadata")  # Sickle skips metadata of deletions
    genji = harvested[oai_identifier(CONFIG, "ndl-demo:ndl0001")]
    assert "源氏物語" in genji.metadata["title"] and "Genji monogatari" in genji.metadata["title"]


def test_sickle_reads_identify_sets_and_formats(live_oai):
    sickle = Sickle(live_oai, max_retries=0)
    identify = sickle.Identify()
    assert identify.deletedRecord == "persistent" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert {s.setSpec for s in sickle.ListSets()} >= {"institution:NDL", "source:ndl-demo", "institution", "source"}
    assert [f.metadataPrefix for f in sickle.ListMetadataFormats()] == ["oai_dc", "marcxml"]
    in_set = list(sickle.ListIdentifiers(metadataPrefix="marcxml", set="source:nlk-demo", ignore_deleted=False))
    assert len(in_set) == 45 and sum(h.deleted for h in in_set) == 1


# --- the protocol, verb by verb -------------------------------------------------------------------------


def test_identify_declares_granularity_deletions_and_the_identifier_scheme(protocol_store):
    root = ask(protocol_store, ("verb", "Identify"))
    identify = root.find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}baseURL") == CONFIG.base_url
    assert identify.findtext(f"{OAI}earliestDatestamp") == protocol_store.oai_earliest_datestamp()
    sample = root.findtext(".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier")
    assert sample.startswith("oai:tongwen.local:")


def test_list_records_pages_add_up_to_the_store_with_cursor_and_complete_list_size(protocol_store):
    seen, token, cursors = [], None, []
    while True:
        args = [("verb", "ListRecords"), ("resumptionToken", token)] if token else \
            [("verb", "ListRecords"), ("metadataPrefix", "oai_dc")]
        root = ask(protocol_store, *args)
        seen += [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
        element = root.find(f"{OAI}ListRecords/{OAI}resumptionToken")
        if element is None:
            break
        assert int(element.get("completeListSize")) == len(all_ids(protocol_store))
        cursors.append(int(element.get("cursor")))
        token = element.text
        if not token:
            break
    assert len(seen) == len(set(seen)) == len(all_ids(protocol_store))
    assert cursors == [40 * n for n in range(len(cursors))]


def test_get_record_in_marcxml_rebuilds_880_fields_for_every_script(protocol_store):
    root = ask(protocol_store, ("verb", "GetRecord"), ("metadataPrefix", "marcxml"),
               ("identifier", oai_identifier(CONFIG, "ndl-demo:ndl0001")))
    marc = root.find(f".//{MARC}record")
    field_245 = marc.find(f"{MARC}datafield[@tag='245']")
    link = field_245.findtext(f"{MARC}subfield[@code='6']")
    assert field_245.findtext(f"{MARC}subfield[@code='a']") == "Genji monogatari"
    partners = [f for f in marc.iterfind(f"{MARC}datafield[@tag='880']")
                if f.findtext(f"{MARC}subfield[@code='6']").startswith("245-" + link.split("-")[1])]
    assert [p.findtext(f"{MARC}subfield[@code='a']") for p in partners] == ["源氏物語"]


def test_deleted_records_are_reported_as_such(protocol_store):
    identifier = oai_identifier(CONFIG, DELETED_ID)
    root = ask(protocol_store, ("verb", "GetRecord"), ("metadataPrefix", "oai_dc"), ("identifier", identifier))
    header = root.find(f".//{OAI}header")
    assert header.get("status") == "deleted" and root.find(f".//{OAI}metadata") is None
    assert [s.text for s in header.iterfind(f"{OAI}setSpec")] == ["institution:NLK", "source:nlk-demo"]


def test_sets_select_their_records(protocol_store):
    root = ask(protocol_store, ("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("set", "institution:NDL"))
    specs = {s.text for s in root.iter(f"{OAI}setSpec")}
    assert "institution:NDL" in specs and not {s for s in specs if s.startswith("institution:") and s != "institution:NDL"}
    sets = ask(protocol_store, ("verb", "ListSets"))
    assert {set_spec_value(s.text.split(":", 1)[1]) for s in sets.iter(f"{OAI}setSpec") if s.text.startswith("source:")} \
        == set(protocol_store.oai_set_values()[1])


def test_from_and_until_are_inclusive_in_either_granularity(protocol_store):
    earliest = protocol_store.oai_earliest_datestamp()
    day = earliest[:10]
    whole_day = ask(protocol_store, ("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("from", day),
                    ("until", day), page_size=1000)
    assert len(whole_day.findall(f".//{OAI}header")) == protocol_store.oai_count(
        from_datestamp=f"{day}T00:00:00Z", until_datestamp=f"{day}T23:59:59Z")
    exact = ask(protocol_store, ("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("until", earliest))
    assert exact.find(f".//{OAI}header") is not None


def test_post_requests_are_answered_like_get(web):
    response = web.post("/oai", content="verb=ListMetadataFormats",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    assert validate(response.content).find(f"{OAI}ListMetadataFormats") is not None


def test_identifiers_round_trip_through_percent_encoding():
    assert record_id_of(CONFIG, oai_identifier(CONFIG, "src:a b/ç%")) == "src:a b/ç%"
    assert record_id_of(CONFIG, "oai:elsewhere.org:src:1") is None


# --- every error code -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("arguments", "code"), [
    ([], "badVerb"),
    ([("verb", "ListEverything")], "badVerb"),
    ([("verb", "Identify"), ("verb", "Identify")], "badVerb"),
    ([("verb", "Identify"), ("set", "x")], "badArgument"),
    ([("verb", "ListRecords")], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2024-13-01")], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2024-01-01"),
      ("until", "2024-02-01T00:00:00Z")], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2024-02-01"), ("until", "2024-01-01")],
     "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "shelf:3")], "badArgument"),
    ([("verb", "ListRecords"), ("resumptionToken", "x"), ("metadataPrefix", "oai_dc")], "badArgument"),
    ([("verb", "GetRecord"), ("identifier", "oai:tongwen.local:ndl-demo:ndl0001")], "badArgument"),
    ([("verb", "ListRecords"), ("resumptionToken", "bm90IGEgdG9rZW4.0000")], "badResumptionToken"),
    ([("verb", "ListSets"), ("resumptionToken", "anything")], "badResumptionToken"),
    ([("verb", "ListRecords"), ("metadataPrefix", "mods")], "cannotDisseminateFormat"),
    ([("verb", "GetRecord"), ("metadataPrefix", "oai_dc"), ("identifier", "oai:tongwen.local:nowhere:1")],
     "idDoesNotExist"),
    ([("verb", "ListMetadataFormats"), ("identifier", "oai:other.org:ndl-demo:ndl0001")], "idDoesNotExist"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2999-01-01")], "noRecordsMatch"),
    ([("verb", "ListMetadataFormats"), ("identifier", f"oai:tongwen.local:{DELETED_ID}")], "noMetadataFormats"),
])
def test_error_codes(protocol_store, arguments, code):
    root = ask(protocol_store, *arguments)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert not root.find(f"{OAI}request").attrib  # the spec: no attributes echoed for these


def test_no_set_hierarchy_in_an_empty_repository():
    with Store.open(":memory:") as empty:
        assert error_code(ask(empty, ("verb", "ListSets"))) == "noSetHierarchy"
        assert error_code(ask(empty, ("verb", "ListRecords"), ("metadataPrefix", "oai_dc"))) == "noRecordsMatch"


def test_tokens_expire_and_cannot_be_altered(protocol_store):
    now = [1_000_000.0]
    first = ask(protocol_store, ("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), clock=lambda: now[0])
    token = first.find(f".//{OAI}resumptionToken").text
    body, mac = token.split(".")
    tampered = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    assert error_code(ask(protocol_store, ("verb", "ListIdentifiers"), ("resumptionToken", tampered))) == \
        "badResumptionToken"
    assert error_code(ask(protocol_store, ("verb", "ListRecords"), ("resumptionToken", token),
                          clock=lambda: now[0])) == "badResumptionToken"  # a ListIdentifiers token
    ok = ask(protocol_store, ("verb", "ListIdentifiers"), ("resumptionToken", token), clock=lambda: now[0] + 60)
    assert error_code(ok) is None
    late = ask(protocol_store, ("verb", "ListIdentifiers"), ("resumptionToken", token),
               clock=lambda: now[0] + CONFIG.token_seconds + 1)
    assert error_code(late) == "badResumptionToken"


def forged(store, config: OaiConfig, **fields) -> str:
    """A token signed with the provider's own secret but carrying the given field values."""
    from tongwen.protocols.oai_provider import TokenCodec

    state = {"v": "ListRecords", "p": "oai_dc", "s": None, "f": None, "u": None, "a": 0, "c": 0, "n": 10,
             "e": int(time.time()) + 600} | fields
    return TokenCodec(config.secret).encode(state)


@pytest.mark.parametrize("fields", [
    {"a": 10**30}, {"a": -1}, {"c": -5}, {"n": "many"}, {"e": 1.5}, {"p": "nosuchformat"}, {"v": "GetRecord"},
    {"s": ["institution:NDL"]}, {"f": 12}, {"a": True},
])
def test_every_field_of_a_token_is_checked(protocol_store, fields):
    token = forged(protocol_store, CONFIG, **fields)
    root = ask(protocol_store, ("verb", "ListRecords"), ("resumptionToken", token))
    assert error_code(root) == "badResumptionToken"


def test_a_token_signed_with_the_old_public_constant_is_refused(protocol_store):
    from tongwen.protocols.oai_provider import TokenCodec

    state = {"v": "ListRecords", "p": "oai_dc", "s": None, "f": None, "u": None, "a": 0, "c": 0, "n": 1,
             "e": int(time.time()) + 600}
    token = TokenCodec(b"tongwen-oai-resumption").encode(state)
    assert error_code(ask(protocol_store, ("verb", "ListRecords"), ("resumptionToken", token))) == \
        "badResumptionToken"


def test_the_node_makes_its_own_secret_once_and_keeps_it(tmp_path):
    from tongwen.config import SECRET_FILE, Settings

    settings = Settings(data_dir=tmp_path / "node")
    secret = settings.token_secret()
    assert len(secret) == 64 and (tmp_path / "node" / SECRET_FILE).stat().st_mode & 0o077 == 0
    assert Settings(data_dir=tmp_path / "node").token_secret() == secret  # the same after a restart
    assert Settings(data_dir=tmp_path / "other").token_secret() != secret
    assert Settings(data_dir=tmp_path / "node", secret_key="configured").token_secret() == b"configured"
