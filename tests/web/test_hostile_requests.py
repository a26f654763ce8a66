"""No request can take the portal down: a real server (uvicorn on loopback) gets extreme and malformed values
in every parameter of every GET route, and must answer each one below 500 — a 4xx with a message — and keep
answering afterwards. Once, `/api/search?page=99999999` made tantivy allocate 32 GB and the process abort."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongwen.index.search_index import RESULT_WINDOW
from tongwen.web import api, export, iiif, oai, pages, registry_api, registry_pages, sru

# Parameters read from the request itself rather than declared, and names any handler might look at.
UNDECLARED = {
    "/oai": ("verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken"),
    "/sru": ("operation", "version", "query", "startRecord", "maximumRecords", "recordSchema", "recordPacking",
             "recordXMLEscaping", "scanClause"),
}
COMMON = ("page", "page_size", "q", "limit", "offset", "sort", "lang", "institution")

EXTREME = st.sampled_from([
    "", "0", "-1", "-99999999999999999999", "99999999", "1" * 30, "1" * 5000, "1e308", "NaN", "inf", "0x10",
    "\x00", "%00", "a" * 20_000, "(" * 5000 + "a" + ")" * 5000, " and ".join(["a"] * 3000),
    "NOT " * 2000 + "a", "-" * 3000 + "a", 'title:"', "nosuchfield:foo", "year:99999999999-", "\ud7ff" * 100,
    "<script>", "../../etc/passwd", "institution:NDL", "ListRecords", "oai_dc", "a.b.c", "*:*", "dc.title=(",
])
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
VALUES = st.one_of(EXTREME, TEXT, st.integers().map(str))


def get_routes() -> list[tuple[str, tuple[str, ...]]]:
    """Every GET route of the app: its path and the query parameters it takes (declared or read directly)."""
    found = []
    for module in (api, pages, registry_api, registry_pages, oai, sru, iiif, export):
        for route in module.router.routes:
            if isinstance(route, APIRoute) and "GET" in route.methods:
                path = re.sub(r":path}", "}", route.path)
                declared = tuple(param.alias for param in route.dependant.query_params)
                found.append((path, (*declared, *UNDECLARED.get(path, ()), *COMMON)))
    return found


ROUTES = get_routes()


def fill_path(path: str, value: str) -> str:
    return re.sub(r"{[^}]+}", lambda _: quote(value, safe="") or "x", path)


@pytest.fixture(scope="module")
def http(live_server):
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


def test_the_routes_under_test_include_every_endpoint_family():
    paths = {path for path, _ in ROUTES}
    assert {"/api/search", "/search", "/sru", "/oai", "/api/export/search", "/iiif/{record_id}/manifest",
            "/cooperation", "/api/registry/audit"} <= paths


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(route=st.sampled_from(ROUTES), data=st.data())
def test_no_value_in_any_parameter_makes_a_server_error(http, route, data):
    path, names = route
    url = fill_path(path, data.draw(VALUES, label="path value"))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True), label="params")
    params = [(name, data.draw(VALUES, label=name)) for name in chosen]
    response = http.get(url, params=params)
    assert response.status_code < 500, (url, params, response.text[:500])
    if response.status_code >= 400 and response.status_code != 404:
        assert response.text.strip(), (url, params)


def test_the_server_is_still_answering_after_the_storm(http):
    assert http.get("/").status_code == 200
    assert http.get("/api/search", params={"q": "源氏物語"}).json()["total"] > 0


def test_a_page_past_the_result_window_is_refused_with_the_limit_and_what_to_use(http):
    for url in ("/api/search", "/search"):
        response = http.get(url, params={"q": "the", "page": 99999999})
        assert response.status_code == 400
        assert f"{RESULT_WINDOW:,}" in response.text
        assert "/api/export/search" in response.text and "/oai" in response.text
    deepest = RESULT_WINDOW // 100
    assert http.get("/api/search", params={"page": deepest, "page_size": 100}).status_code == 200
    assert http.get("/api/search", params={"page": deepest + 1, "page_size": 100}).status_code == 400
    assert http.get("/").status_code == 200


def test_head_answers_every_kind_of_get_route_with_headers_only(http):
    for url in ("/", "/search?q=紅樓夢", "/api/search?q=紅樓夢", "/oai?verb=Identify", "/sru",
                "/static/style.css", "/openapi.json", "/cooperation"):
        head, get = http.head(url), http.get(url)
        assert head.status_code == get.status_code, url
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"], url


def test_an_unknown_field_says_which_fields_exist(http):
    response = http.get("/api/search", params={"q": "nosuchfield:foo"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "nosuchfield" in message and "title:" in message and "creator:" in message
    page = http.get("/search", params={"q": "nosuchfield:foo"})
    assert "nosuchfield" in page.text and "publisher:" in page.text


def test_control_characters_in_protocol_arguments_are_a_protocol_error(http):
    """Found by the fuzz test above: SRU echoed operation=\\x08 into its XML answer and lxml refused it (500)."""
    sru = http.get("/sru", params={"operation": "\x08"})
    assert sru.status_code == 200 and "info:srw/diagnostic/1/6" in sru.text and "control characters" in sru.text
    oai = http.get("/oai", params={"verb": "GetRecord", "identifier": "a\x01b", "metadataPrefix": "oai_dc"})
    assert oai.status_code == 200 and 'code="badArgument"' in oai.text and "control characters" in oai.text
