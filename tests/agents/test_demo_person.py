"""The demo's 沈從文: one person, whichever script or romanization a reader types, with every record of his
(the 1934 边城 catalogued by an NLC-like library in simplified characters, and Kinkley's English Border town
catalogued by an NLB-like library under "Shen, Congwen"): issue 13's acceptance case on the demo."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tongwen.agents import Agents
from tongwen.config import Settings
from tongwen.demo import load_demo
from tongwen.web.app import create_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo-person"))
    load_demo(settings)
    return settings


@pytest.mark.parametrize("name", ["沈從文", "沈从文", "Shen Congwen", "Shen, Congwen"])
def test_every_form_of_the_name_opens_one_person_page_with_all_his_records(demo, name):
    with Agents.open(demo.database) as agents:
        (person,) = agents.find(name)
    with TestClient(create_app(demo)) as client:
        data = client.get(f"/api/agents/{person.agent_id}").json()
        page = client.get(f"/agent/{person.agent_id}")
    assert {form["text"] for form in data["forms"]} >= {"沈从文", "Shen, Congwen"}
    assert data["libraries"] == {"NLB": 1, "NLC": 1}
    assert page.status_code == 200
    assert "nlc-demo:nlc0023" in page.text and "nlb-demo:nlb0054" in page.text
