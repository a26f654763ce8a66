"""A name in any form finds every record of the agent; the person page and its JSON list every form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tongwen.agents import Agents
from tongwen.config import Settings
from tongwen.derived import follow_store
from tongwen.index import SearchIndex
from tongwen.index.search_index import SearchRequest
from tongwen.model import Agent, Form, Record, Title
from tongwen.store import Store
from tongwen.web.app import create_app


def book(rid: str, title: str, institution: str, *names: Form, ids: list[str] | None = None) -> Record:
    source, local = rid.split(":")
    return Record(source, local, institution=institution, languages=["jpn"], titles=[Title([Form(title)])],
                  agents=[Agent(list(names), dates="1892-1956", identifiers=ids or [])])


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("agents-portal")).ensure()
    with Store.open(settings.database) as store:
        store.upsert(book("ndl:1", "心の研究", "NDL", Form("吉田一", "Hani")))
        store.upsert(book("pu:2", "Nihon bungaku shi", "Princeton", Form("Yoshida, Hajime", "Latn")))
        follow_store(settings, store)
        # The pair arrives later, on a third library's record: both earlier records are re-indexed with it.
        store.upsert(book("lc:3", "Kokoro no kenkyū", "LC", Form("Yoshida, Hajime", "Latn"),
                          Form("吉田, 一", "Hani"), ids=["http://id.ndl.go.jp/auth/entity/00054222"]))
        follow_store(settings, store)
    return settings


@pytest.mark.parametrize("query", ["吉田一", "Yoshida Hajime", "YOSHIDA, Hajime"])
def test_a_name_in_either_script_finds_the_records_of_every_form(settings, query):
    index = SearchIndex.open(settings.index_dir)
    try:
        found = {hit.id for hit in index.search(query).hits}
    finally:
        index.close()
    assert found == {"ndl:1", "pu:2", "lc:3"}


def test_person_page_and_api(settings):
    with Agents.open(settings.database) as agents:
        (person,) = agents.find("吉田一")
    with TestClient(create_app(settings)) as client:
        data = client.get(f"/api/agents/{person.agent_id}").json()
        assert {f["text"] for f in data["forms"]} == {"吉田一", "Yoshida, Hajime", "吉田, 一"}
        assert {"id": "ndl:00054222", "link": "https://id.ndl.go.jp/auth/ndlna/00054222"} in data["identifiers"]
        assert data["libraries"] == {"LC": 1, "NDL": 1, "Princeton": 1} and data["dates"] == "1892-1956"
        page = client.get(f"/agent/{person.agent_id}")
        assert page.status_code == 200
        assert '<span lang="ja">吉田一</span>' in page.text
        assert "https://id.ndl.go.jp/auth/ndlna/00054222" in page.text
        record_page = client.get("/record/pu:2").text
        assert f'/agent/{person.agent_id}"' in record_page
        assert client.get("/api/agents/anobody").status_code == 404


def test_the_creator_facet_has_one_entry_per_agent_in_the_readers_script(settings):
    index = SearchIndex.open(settings.index_dir)
    try:
        facet = index.search(SearchRequest("Yoshida", facets=["creator"])).facets["creator"]
    finally:
        index.close()
    with Agents.open(settings.database) as agents:
        (person,) = agents.find("吉田一")
    assert facet == [(person.agent_id, 3)]
    with TestClient(create_app(settings)) as client:
        japanese = client.get("/search", params={"q": "Yoshida", "lang": "ja"}).text
        english = client.get("/search", params={"q": "Yoshida", "lang": "en"}).text
    assert ">吉田, 一</a> (3)" in japanese  # the facet entry, in the Japanese reader's script
    assert ">Yoshida, Hajime</a> (3)" in english
