"""The cooperation registry's JSON API: anyone reads, only editors and admins write (API token, or a session with
its CSRF token), every change is audited, statistics are recomputed from the facts.

Runs against its own data directory holding only the registry seed, so the writes here cannot disturb the
other web tests (which share the demo collection)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from tongwen.config import Settings
from tongwen.registry import Registry, load_seed, system_user
from tongwen.web.app import create_app
from tongwen.web.registry_api import CSRF_HEADER, SESSION_COOKIE

PASSWORD = "a long enough password"
# Cheap argon2 parameters for the fixture's accounts: the default (~0.5 s a hash) is right for a server only.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)

NEW_VISIT = {
    "id": "nlc-ndl-2016-visit", "kind": "visit", "title": "NLC delegation visits the NDL", "date_start": "2016-05",
    "host": "NDL", "parties": [{"code": "NLC", "role": "participant", "participants": 4}],
    "sources": [{"source": "ndl-links"}],
}


@pytest.fixture(scope="module")
def registry_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("registry-api")).ensure()
    with Registry.open(settings.database, password_hasher=FAST_HASHER) as registry:
        load_seed(registry)
        for name, role in (("vera", "viewer"), ("eddie", "editor")):
            registry.accounts.create_user(system_user("test"), name, PASSWORD, role)
    return settings


@pytest.fixture(scope="module")
def tokens(registry_settings: Settings) -> dict[str, str]:
    with Registry.open(registry_settings.database) as registry:
        admin = system_user("test")
        return {name: registry.accounts.create_token(admin, name, "tests") for name in ("vera", "eddie")}


@pytest.fixture(scope="module")
def api(registry_settings: Settings):
    app = create_app(registry_settings)
    app.state.password_hasher = FAST_HASHER
    with TestClient(app) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client: TestClient, username: str) -> str:
    """Sign in through the form, as a browser does; returns the session's CSRF token."""
    client.cookies.clear()
    form = client.get("/staff/login").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/staff/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get("/cooperation").text
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_every_kind_of_fact_can_be_read_by_anyone(api):
    index = api.get("/api/registry").json()
    assert index["kinds"]["institutions"]["count"] >= 14
    nlk = api.get("/api/registry/institutions/NLK").json()
    assert nlk["country"] == "KR" and {"text": "국립중앙도서관", "lang": "kor", "script": "Hang"} in nlk["names"]
    for kind in ("organisations", "memberships", "agreements", "programmes", "activities", "sources"):
        assert api.get(f"/api/registry/{kind}").json(), kind
    with_nlb = api.get("/api/registry/activities", params={"institution": "NLB"}).json()
    assert with_nlb and all("NLB" in {a["host"], *(p["code"] for p in a["parties"])} for a in with_nlb)
    assert api.get("/api/registry/castles").status_code == 404
    assert "/api/registry/{kind}/{key}" in api.get("/openapi.json").json()["paths"]  # documented at /docs
    missing = api.get("/api/registry/activities/nowhere")
    assert missing.status_code == 404 and "nowhere" in missing.json()["error"]["message"]


def test_statistics_are_recomputed_from_the_seed_facts(api):
    pair = api.get("/api/registry/stats/pairs/NDL/NLC").json()
    meetings = pair["pair"]["by_kind"]["themed_business_meeting"]
    assert (meetings["events"], meetings["people"]) == (33, 166)  # "33 themed business meetings with 166 people"
    assert pair["per_year"]["spans"][0]["start"] == 1981
    nlb = api.get("/api/registry/stats/pairs/NLC/NLB").json()["pair"]["by_kind"]
    assert nlb["staff_attachment"]["people"] == 67 and nlb["visit"]["events"] == 11
    report = api.get("/api/registry/stats").json()
    assert report["per_kind"]["donation"]["items"] == 2273
    years = api.get("/api/registry/stats/years", params={"institution": "NLK"}).json()
    assert "2013" in years["years"] or years["spans"]
    network = api.get("/api/registry/network").json()
    assert any(e["type"] == "cooperation" and {e["source"], e["target"]} == {"NDL", "NLC"} for e in network["edges"])
    assert api.get("/api/registry/timeline", params={"institution": "NDL"}).json()[0]["date"]


def test_anonymous_writes_are_refused_with_401(api):
    api.cookies.clear()
    assert api.post("/api/registry/activities", json=NEW_VISIT).status_code == 401
    put = api.put(f"/api/registry/activities/{NEW_VISIT['id']}", json=NEW_VISIT)
    assert put.status_code == 401 and put.headers["www-authenticate"].startswith("Bearer")
    assert api.delete("/api/registry/institutions/NLC").status_code == 401
    assert api.post("/api/registry/import.csv", params={"kind": "sources"}, content=b"id,title\n").status_code == 401
    assert api.get(f"/api/registry/activities/{NEW_VISIT['id']}").status_code == 404


def test_viewers_and_unknown_tokens_cannot_write(api, tokens):
    api.cookies.clear()
    as_viewer = api.put(f"/api/registry/activities/{NEW_VISIT['id']}", json=NEW_VISIT, headers=bearer(tokens["vera"]))
    assert as_viewer.status_code == 403 and "editor" in as_viewer.json()["error"]["message"]
    assert api.delete("/api/registry/activities/ndl-visit-to-nlc-1981",
                      headers=bearer(tokens["vera"])).status_code == 403
    assert api.post("/api/registry/activities", json=NEW_VISIT, headers=bearer("tw_made-up")).status_code == 401
    assert api.post("/api/registry/activities", json=NEW_VISIT,
                    headers={"Authorization": f"Basic {tokens['eddie']}"}).status_code == 401


def test_an_editor_token_writes_and_the_change_is_audited(api, tokens):
    api.cookies.clear()
    before = api.get("/api/registry/stats/pairs/NDL/NLC").json()["pair"]["total"]
    created = api.put(f"/api/registry/activities/{NEW_VISIT['id']}", json=NEW_VISIT, headers=bearer(tokens["eddie"]))
    assert created.status_code == 201 and created.json()["action"] == "created"
    after = api.get("/api/registry/stats/pairs/NDL/NLC").json()
    assert after["pair"]["total"]["events"] == before["events"] + 1
    assert after["pair"]["total"]["people"] == before["people"] + 4
    assert after["per_year"]["years"]["2016"]["visit"]["events"] == 1

    again = api.post("/api/registry/activities", json=NEW_VISIT, headers=bearer(tokens["eddie"]))
    assert again.status_code == 409
    changed = dict(NEW_VISIT, title="NLC delegation visits the NDL in Tokyo")
    assert api.put(f"/api/registry/activities/{NEW_VISIT['id']}", json=changed,
                   headers=bearer(tokens["eddie"])).json()["action"] == "updated"

    assert api.get("/api/registry/audit").status_code == 401  # the audit log names staff: not public
    log = api.get("/api/registry/audit", params={"entity": "activity", "key": NEW_VISIT["id"]},
                  headers=bearer(tokens["vera"])).json()
    assert [e["action"] for e in log] == ["update", "create"]
    assert log[0]["actor"] == "eddie" and log[0]["before"]["title"] == NEW_VISIT["title"]
    assert log[0]["after"]["title"] == changed["title"] and log[1]["before"] is None

    assert api.delete(f"/api/registry/activities/{NEW_VISIT['id']}", headers=bearer(tokens["eddie"])).status_code == 204
    assert api.get(f"/api/registry/activities/{NEW_VISIT['id']}").status_code == 404


def test_a_session_writes_only_with_its_csrf_token(api):
    csrf = sign_in(api, "eddie")
    fact = dict(NEW_VISIT, id="nlc-ndl-2016-session-visit")
    url = f"/api/registry/activities/{fact['id']}"
    assert api.put(url, json=fact).status_code == 403  # no CSRF header
    assert api.put(url, json=fact, headers={CSRF_HEADER: "0" * 64}).status_code == 403
    assert api.put(url, json=fact, headers={CSRF_HEADER: csrf}).status_code == 201
    assert api.delete(url, headers={CSRF_HEADER: csrf}).status_code == 204

    viewer_csrf = sign_in(api, "vera")
    assert api.put(url, json=fact, headers={CSRF_HEADER: viewer_csrf}).status_code == 403
    api.cookies.clear()
    api.cookies.set(SESSION_COOKIE, "not-a-session")
    assert api.put(url, json=fact, headers={CSRF_HEADER: csrf}).status_code == 401
    api.cookies.clear()


def test_invalid_facts_are_refused_naming_the_field(api, tokens):
    api.cookies.clear()
    bad = dict(NEW_VISIT, id="bad-visit", kind="picnic", date_start="May 2016",
               parties=[{"code": "NLX", "role": "participant"}])
    response = api.put("/api/registry/activities/bad-visit", json=bad, headers=bearer(tokens["eddie"]))
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["error"]["problems"]}
    assert {"kind", "date_start", "parties[0]"} <= fields
    unknown = api.put("/api/registry/activities/bad-visit", json=dict(NEW_VISIT, id="bad-visit", colour="red"),
                      headers=bearer(tokens["eddie"]))
    assert unknown.status_code == 422 and "colour" in unknown.json()["error"]["message"]
    mismatch = api.put("/api/registry/activities/other-id", json=NEW_VISIT, headers=bearer(tokens["eddie"]))
    assert mismatch.status_code == 422
    still_used = api.delete("/api/registry/institutions/NDL", headers=bearer(tokens["eddie"]))
    assert still_used.status_code == 409 and "referred to" in still_used.json()["error"]["message"]


def test_exports_and_csv_import_with_line_and_column_messages(api, tokens):
    api.cookies.clear()
    document = api.get("/api/registry/export.json").json()
    assert document["format"] == "tongwen-registry" and len(document["institutions"]) >= 14
    csv_text = api.get("/api/registry/export.csv", params={"kind": "activities"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert csv_text.text.splitlines()[0].startswith("id,kind,title,date_start")
    assert "nlc-ndl-meetings-1981-2013" in csv_text.text
    assert api.get("/api/registry/export.csv").status_code == 422  # which table? (kind is required)

    rows = ("id,kind,title,date_start,host,parties,sources\n"
            "nlc-nlk-2017-visit,visit,NLK visit to the NLC,2017,NLC,NLK:participant,cdnlao-82\n"
            "nlc-nlk-2017-bad,visit,Broken row,sometime,NLC,NLK,cdnlao-82\n")
    report = api.post("/api/registry/import.csv", params={"kind": "activities"}, content=rows.encode(),
                      headers={**bearer(tokens["eddie"]), "Content-Type": "text/csv"}).json()
    assert report["created"] == 1 and report["rejected"] == 1
    problem = report["problems"][0]
    assert problem["where"] == "activities.csv line 3" and problem["column"] == "date_start"
    assert api.get("/api/registry/activities/nlc-nlk-2017-visit").status_code == 200
    refused = api.post("/api/registry/import.csv", params={"kind": "activities"}, content=rows.encode(),
                       headers={**bearer(tokens["vera"]), "Content-Type": "text/csv"})
    assert refused.status_code == 403


def test_staff_create_and_revoke_their_own_api_tokens(api):
    api.cookies.clear()
    assert api.get("/staff/tokens", follow_redirects=False).status_code == 303  # sign in first
    assert api.post("/staff/tokens", data={"csrf_token": "", "label": "x"}).status_code == 401
    csrf = sign_in(api, "eddie")
    assert api.post("/staff/tokens", data={"csrf_token": "wrong", "label": "x"}).status_code == 403
    page = api.post("/staff/tokens", data={"csrf_token": csrf, "label": "nightly import"}).text
    token = page.split('<code class="token">', 1)[1].split("<", 1)[0]
    api.cookies.clear()
    fact = dict(NEW_VISIT, id="nlc-ndl-2016-token-visit")
    url = f"/api/registry/activities/{fact['id']}"
    assert api.put(url, json=fact, headers=bearer(token)).status_code == 201
    csrf = sign_in(api, "eddie")
    revoked = api.post("/staff/tokens", data={"csrf_token": csrf, "action": "revoke", "token": token})
    assert revoked.status_code == 200
    api.cookies.clear()
    assert api.delete(url, headers=bearer(token)).status_code == 401
