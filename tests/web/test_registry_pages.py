"""The cooperation registry's pages over HTTP: the recomputed seed figures, names tagged with their language,
the network picture and its table, and the rules for staff forms (sign-in, CSRF, roles, audit log).

Runs against its own data directory holding only the registry seed (the forms here write to it)."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from lxml import html

from tongwen.config import Settings
from tongwen.registry import Registry, load_seed, system_user
from tongwen.web.app import create_app
from tongwen.web.registry_pages import LOGIN_CSRF_COOKIE

PASSWORD = "a long enough password"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.fixture(scope="module")
def registry_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("registry-pages")).ensure()
    with Registry.open(settings.database, password_hasher=FAST_HASHER) as registry:
        load_seed(registry)
        for name, role in (("vera", "viewer"), ("eddie", "editor")):
            registry.accounts.create_user(system_user("test"), name, PASSWORD, role)
    return settings


@pytest.fixture(scope="module")
def site(registry_settings: Settings):
    app = create_app(registry_settings)
    app.state.password_hasher = FAST_HASHER
    with TestClient(app) as client:
        yield client


def rows(page: str, table_class: str) -> dict[str, list[str]]:
    """A figures table as {first cell text: [other cells' text]}."""
    tree = html.fromstring(page)
    table = tree.xpath(f'//table[contains(@class, "{table_class}")]')[0]
    return {" ".join(tr[0].text_content().split()): [" ".join(td.text_content().split()) for td in tr[1:]]
            for tr in table.xpath("./tbody/tr")}


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next_url: str = "/cooperation"):
    client.cookies.clear()
    token = csrf_of(client.get("/staff/login").text)
    return client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token,
                                             "next": next_url}, follow_redirects=False)


def test_pair_page_shows_the_figures_of_the_source_recomputed(site):
    page = site.get("/cooperation/pair/NLC/NDL", headers={"Accept-Language": "en"}).text
    assert rows(page, "per-kind")["Themed business meeting"][:2] == ["33", "166"]  # 33 meetings, 166 people
    spans = rows(page, "spans")
    assert spans["1981–2013"][:3] == ["Themed business meeting", "33", "166"]
    assert 'lang="zh-Hans">中国国家图书馆' in page and 'lang="ja">国立国会図書館' in page
    nlb = site.get("/cooperation/pair/NLB/NLC").text
    assert rows(nlb, "per-kind")["Staff attachment"][1] == "67"
    nlk = site.get("/cooperation/pair/NLC/NLK").text
    assert rows(nlk, "per-kind")["Donation"][2] == "2,273"
    assert site.get("/cooperation/pair/NLC/NOWHERE").status_code == 404


def test_overview_and_institution_page_show_who_the_nlc_worked_with(site):
    overview = site.get("/cooperation").text
    pairs = rows(overview, "per-pair")
    assert any("NDL" in k and "NLC" in k for k in pairs)
    assert '/cooperation/pair/NDL/NLC' in overview and "/api/registry/export.json" in overview
    nlc = site.get("/cooperation/institutions/NLC").text
    for partner in ("NDL", "NLK", "NLB"):
        assert re.search(rf'/cooperation/pair/(NLC/{partner}|{partner}/NLC)"', nlc), partner
    assert "Cooperation" in html.fromstring(nlc).xpath("//h2/text()")
    assert site.get("/cooperation/institutions/NOWHERE").status_code == 404


def test_the_institution_page_joins_collections_and_cooperation(site):
    page = site.get("/institution/NDL").text
    tree = html.fromstring(page)
    assert tree.xpath("//h1")[0].text_content().strip() == "国立国会図書館"
    assert "Records in Tongwen" in page  # the collections half, from institution.html
    assert tree.xpath('//section[@class="cooperation"]//a[contains(@href, "/cooperation/pair/")]')


def test_every_kind_has_a_list_and_detail_page_with_its_sources(site):
    for path, detail in (("institutions", "NLK"), ("organisations", "CDNLAO"), ("agreements", "nlc-ndl-agreement"),
                         ("programmes", "nlc-ndl-exchange"), ("activities", "nlc-ndl-meetings-1981-2013")):
        listing = site.get(f"/cooperation/{path}")
        assert listing.status_code == 200 and f"/cooperation/{path}/{detail}" in listing.text
        page = site.get(f"/cooperation/{path}/{detail}").text
        assert "/cooperation/sources/" in page, path
    meetings = site.get("/cooperation/activities/nlc-ndl-meetings-1981-2013").text
    assert "33 themed business meetings with 166 people" in meetings  # the source's own sentence
    assert "/cooperation/activities/ndl-visit-to-nlc-1981" in meetings  # the single event it counts
    assert site.get("/cooperation/sources/cdnlao-82").status_code == 200
    assert site.get("/cooperation/agreements/nothing").status_code == 404


def test_network_is_an_accessible_svg_with_a_table_alternative(site):
    page = site.get("/cooperation/network").text
    tree = html.fromstring(page)
    svg = tree.xpath("//figure//svg[@aria-labelledby]")[0]
    assert svg.xpath("./title")[0].text == "Cooperation network" and svg.xpath("./desc")[0].text
    assert svg.xpath('.//a[@href="/cooperation/institutions/NLC"]/title')
    assert len(svg.xpath(".//line")) >= 10
    edges = rows(page, "network-edges")
    assert edges["NDL – NLC"][:2] == ["35", "173"]


def test_pages_are_usable_without_script_style_or_skipped_headings(site):
    sign_in(site, "eddie")
    for path in ("/cooperation", "/cooperation/timeline", "/cooperation/network", "/cooperation/pair/NLC/NDL",
                 "/cooperation/institutions/NLC", "/cooperation/activities/new", "/staff/audit", "/staff/tokens", "/staff/login"):
        page = site.get(path).text
        tree = html.fromstring(page)
        assert not tree.xpath("//*[@style]") and not tree.xpath("//script"), path
        levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)
        labelled = {label.get("for") for label in tree.xpath("//label")}
        for control in tree.xpath('//input[not(@type="hidden")] | //select | //textarea'):
            assert control.get("id") in labelled, (path, control.get("name"))
        for form in tree.xpath('//form[@method="post"]'):
            assert form.xpath('.//input[@name="csrf_token"]/@value')[0], path
    site.cookies.clear()


def test_five_interface_languages(site):
    for code, tag in (("en", "en"), ("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("ja", "ja"), ("ko", "ko")):
        page = site.get("/cooperation/pair/NLC/NDL", params={"lang": code}).text
        assert f'<html lang="{tag}">' in page and ">33<" in page


def test_sign_in_sets_a_protected_session_cookie(site):
    site.cookies.clear()
    form = site.get("/staff/login")
    assert LOGIN_CSRF_COOKIE in form.cookies
    no_token = site.post("/staff/login", data={"username": "eddie", "password": PASSWORD, "csrf_token": ""})
    assert no_token.status_code == 403
    wrong = sign_in(site, "eddie", "not the password")
    assert wrong.status_code == 401 and "wrong" in wrong.text
    good = sign_in(site, "eddie", next_url="https://evil.example/")
    cookie = next(c for c in good.headers.get_list("set-cookie") if c.startswith("tongwen_staff="))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Secure" not in cookie  # plain http
    assert good.headers["location"] == "/cooperation"  # never a redirect off the site
    assert "Signed in as eddie" in site.get("/cooperation").text
    out = site.post("/staff/logout", data={"csrf_token": "wrong"})
    assert out.status_code == 403
    page = site.get("/cooperation").text
    assert site.post("/staff/logout", data={"csrf_token": csrf_of(page)}, follow_redirects=False).status_code == 303
    assert "Staff sign-in" in site.get("/cooperation").text


def activity_form(csrf: str, title: str, date: str = "2016") -> dict:
    return {"csrf_token": csrf, "kind": "visit", "title": title, "date_start": date, "host": "NDL",
            "partners": ["NLC"], "people": "5", "source": "", "new_source_title": "NDL annual report 2016",
            "new_source_url": "https://www.ndl.go.jp/"}


def test_only_editors_add_activities_and_every_form_needs_its_csrf_token(site):
    site.cookies.clear()
    assert site.get("/cooperation/activities/new", follow_redirects=False).status_code == 303  # to sign-in
    assert site.post("/cooperation/activities", data=activity_form("", "Anonymous visit")).status_code == 401

    sign_in(site, "vera")
    viewer_csrf = csrf_of(site.get("/cooperation").text)
    assert site.get("/cooperation/activities/new").status_code == 403
    assert site.post("/cooperation/activities", data=activity_form(viewer_csrf, "Viewer visit")).status_code == 403

    sign_in(site, "eddie")
    csrf = csrf_of(site.get("/cooperation/activities/new").text)
    assert site.post("/cooperation/activities", data=activity_form("", "No token")).status_code == 403
    assert site.post("/cooperation/activities", data=activity_form(viewer_csrf, "Other token")).status_code == 403
    before = rows(site.get("/cooperation/pair/NDL/NLC").text, "per-year")
    assert "2016" not in before

    added = site.post("/cooperation/activities", data=activity_form(csrf, "NDL hosts an NLC delegation"),
                      follow_redirects=False)
    assert added.status_code == 303
    detail = site.get(added.headers["location"]).text
    assert "NDL hosts an NLC delegation" in detail and "NDL annual report 2016" in detail
    after = rows(site.get("/cooperation/pair/NDL/NLC").text, "per-year")
    assert after["2016"][:2] == ["1", "5"]
    assert "NDL hosts an NLC delegation" in site.get("/cooperation/timeline").text

    audit = site.get("/staff/audit").text
    first = html.fromstring(audit).xpath('//table[@class="audit"]/tbody/tr')[0]
    cells = [" ".join(td.text_content().split()) for td in first]
    assert cells[1] == "eddie" and cells[2] == "create" and cells[3].startswith("activity ")
    assert "Anonymous visit" not in site.get("/cooperation/activities").text
    site.cookies.clear()
    assert site.get("/staff/audit", follow_redirects=False).status_code == 303


def test_the_form_explains_what_is_wrong_and_keeps_the_input(site):
    sign_in(site, "eddie")
    csrf = csrf_of(site.get("/cooperation/activities/new").text)
    data = activity_form(csrf, "A visit with a bad date", date="next spring")
    data.update(partners=[], host="", new_source_title="")
    response = site.post("/cooperation/activities", data=data)
    assert response.status_code == 422
    problems = html.fromstring(response.text).xpath('//*[@id="problems"]//li')
    text = " ".join(p.text_content() for p in problems)
    assert "date_start" in text and "source" in text and "parties" in text
    assert 'value="A visit with a bad date"' in response.text
    assert "A visit with a bad date" not in site.get("/cooperation/activities").text
    site.cookies.clear()
