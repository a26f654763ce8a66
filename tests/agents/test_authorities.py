"""Authority data: MARC 21 Authority (LC) and NLK linked-data persons become agents that join record names."""

from __future__ import annotations

from pathlib import Path

from tongwen.agents import Agents
from tongwen.ingest.authorities import read_authorities
from tongwen.model import Agent, Form, Record, Title
from tongwen.store import Store

SHAKESPEARE = Path(__file__).parent / "data" / "lc-n78095332-shakespeare.marcxml"


def test_nlk_persons_keep_every_form_dates_and_identifiers(shared_data):
    problems: list[str] = []
    persons = dict(read_authorities(shared_data / "nlk-lod-jsonld-samples" / "Person_sample.json", problems))
    assert len(persons) == 100 and problems == []
    aaker = persons["authority:NLK:KAC199600018"]
    assert {"Aaker, David A.", "アーカー, デービッド A.", "아커, 데이비드 A."} <= {f.text for f in aaker.forms}
    assert aaker.dates == "1938-"
    assert {"http://viaf.org/viaf/37004329", "(isni)0000000122783868"} <= set(aaker.identifiers)


def test_an_lc_authority_joins_a_han_heading_to_a_romanized_one(tmp_path):
    path = tmp_path / "tongwen.sqlite"
    with Store.open(path) as store, Agents.open(path) as agents:
        store.upsert(Record("nlc", "1", institution="NLC", languages=["chi"], titles=[Title([Form("哈姆雷特")])],
                            agents=[Agent([Form("莎士比亞", "Hant")], dates="1564-1616")]))
        store.upsert(Record("lc", "2", institution="LC", languages=["eng"], titles=[Title([Form("Hamlet")])],
                            agents=[Agent([Form("Shakespeare, William", "Latn")], dates="1564-1616")]))
        agents.update(store)
        assert len({a.agent_id for r in ("nlc:1", "lc:2") for a in agents.forms_of_record(r)}) == 2
        problems: list[str] = []
        agents.add_authorities(read_authorities(SHAKESPEARE, problems))
        (han,), (latin,) = agents.forms_of_record("nlc:1"), agents.forms_of_record("lc:2")
        assert han.agent_id == latin.agent_id
        person = agents.agent(han.agent_id)
        assert person.identifiers == ["lcnaf:n78095332"] and person.records == 2
        assert person.forms[0].text == "Shakespeare, William"  # the authority's heading first


def test_a_broken_authority_record_is_a_problem_and_the_file_reads_on(tmp_path):
    broken = tmp_path / "two.xml"
    broken.write_text(
        '<collection xmlns="http://www.loc.gov/MARC21/slim">'
        '<record><leader>00000nz  a2200000n  4500</leader><datafield tag="100" ind1="1" ind2=" ">'
        '<subfield code="a">No number</subfield></datafield></record>'
        + SHAKESPEARE.read_text(encoding="utf-8").split("<marcxml:collection", 1)[1].split(">", 1)[1]
        .replace("</marcxml:collection>", "").replace("marcxml:", "") + "</collection>", encoding="utf-8")
    problems: list[str] = []
    found = list(read_authorities(broken, problems))
    assert [authority_id for authority_id, _ in found] == ["authority:DLC:n78095332"]
    assert problems == ["two.xml record 1: no 001 control number"]
