"""The agents layer follows the record store: a pair learned later reaches records imported earlier."""

from __future__ import annotations

from tongwen.agents import Agents
from tongwen.model import Agent, Form, Record, Title
from tongwen.store import Store


def book(rid: str, title: str, *names: Form, dates: str | None = None, institution: str = "NDL") -> Record:
    source, local = rid.split(":")
    return Record(source, local, institution=institution, languages=["jpn"], titles=[Title([Form(title)])],
                  agents=[Agent(list(names), dates=dates)])


def test_a_pair_imported_later_reaches_the_records_that_had_one_form(tmp_path):
    path = tmp_path / "tongwen.sqlite"
    with Store.open(path) as store, Agents.open(path) as agents:
        store.upsert(book("ndl:1", "心の研究", Form("吉田一", "Hani")))
        store.upsert(book("pu:2", "Nihon bungaku", Form("Yoshida, Hajime", "Latn"), institution="Princeton"))
        agents.update(store)
        assert agents.forms_of_record("ndl:1")[0].agent_id != agents.forms_of_record("pu:2")[0].agent_id

        store.upsert(book("lc:3", "Kokoro", Form("Yoshida, Hajime", "Latn"), Form("吉田, 一", "Hani"),
                          institution="LC"))
        report = agents.update(store)
        assert {"ndl:1", "pu:2"} <= report.records_touched
        (kanji,) = agents.forms_of_record("ndl:1")
        assert [f.text for f in kanji.forms] == ["Yoshida, Hajime", "吉田, 一", "吉田一"]  # most catalogued first
        assert kanji.agent_id == agents.forms_of_record("pu:2")[0].agent_id
        person = agents.agent(kanji.agent_id)
        assert person.records == 3
        assert person.forms[0].seen == {"LC": 1, "Princeton": 1}
        assert [a.agent_id for a in agents.find("Yoshida Hajime")] == [kanji.agent_id]

        store.delete("lc:3")
        agents.update(store)
        assert agents.forms_of_record("ndl:1")[0].agent_id != agents.forms_of_record("pu:2")[0].agent_id


def test_authority_data_links_forms_no_record_pairs(tmp_path):
    path = tmp_path / "tongwen.sqlite"
    with Store.open(path) as store, Agents.open(path) as agents:
        store.upsert(book("nlk:1", "마케팅", Form("아커, 데이비드 A.", "Hang")))
        store.upsert(book("lc:2", "Marketing", Form("Aaker, David A.", "Latn"), dates="1938-"))
        agents.update(store)
        heading = Agent([Form("Aaker, David A.", "Latn"), Form("아커, 데이비드 A.", "Hang")], dates="1938-",
                        identifiers=["http://viaf.org/viaf/37004329"])
        report = agents.add_authorities([("authority:nlk:KAC199600018", heading)])
        assert {"nlk:1", "lc:2"} <= report.records_touched
        (found,) = agents.find("아커, 데이비드 A.")
        assert found.records == 2 and found.identifiers == ["viaf:37004329"]
