"""The portal's own links: `tongwen.web.urls.url_for` makes the very URLs Starlette's ``request.url_for`` makes."""

import pytest
from starlette.requests import Request
from starlette.routing import NoMatchFound

from tongwen.config import Settings
from tongwen.web.app import create_app
from tongwen.web.urls import url_for


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("data")))


@pytest.fixture(params=[("https", ""), ("http", "/portal")], ids=["https", "under-a-prefix"])
def request_(app, request):
    scheme, root_path = request.param
    scope = {"type": "http", "method": "GET", "path": "/search", "query_string": b"", "root_path": root_path,
             "headers": [(b"host", b"portal.example:8000")], "scheme": scheme, "server": ("portal.example", 8000),
             "app": app, "router": app.router}
    return Request(scope)


@pytest.mark.parametrize("name, params", [
    ("home", {}),
    ("search_page", {}),
    ("static", {"path": "style.css"}),
    ("static", {"path": "/vendor/x.js"}),  # Starlette drops the leading "/": left to it
    ("record_page", {"record_id": "nlc:001"}),
    ("record_page", {"record_id": "kanripo:KR1h0001/juan 1 ü\\x"}),  # slashes, a space, a backslash
    ("record_page", {"record_id": 7}),
    ("viewer_page", {"record_id": "ndl:123"}),
    ("institution_page", {"code": "NLK"}),  # a plain {code}: Starlette's own converter
])
def test_the_same_links_as_starlette(request_, name, params):
    assert url_for(request_, name, **params) == request_.url_for(name, **params)
    assert str(url_for(request_, name, **params)).startswith(f"{request_.url.scheme}://portal.example:8000/")


def test_each_link_to_a_route_gets_its_own_values(request_):
    assert str(url_for(request_, "record_page", record_id="a")).endswith("/record/a")
    assert str(url_for(request_, "record_page", record_id="b")).endswith("/record/b")


def test_unknown_routes_and_parameters_fail_as_in_starlette(request_):
    with pytest.raises(NoMatchFound):
        url_for(request_, "no_such_page")
    with pytest.raises(NoMatchFound):
        url_for(request_, "record_page", id="x")
