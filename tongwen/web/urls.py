"""Links to the portal's own routes, as Starlette's ``request.url_for`` makes them, without its cost.

Starlette finds a route's URL by asking every route in turn whether it has that name: 0.15–0.3 ms a link here,
and a results page has some thirty (each hit, its other copies, the menu) — more than the search itself. So
each route's path is worked out once, with stand-ins for its parameters, and later links fill the stand-ins
in. Only parameters Starlette puts in the path as they are (``{name:path}``) are filled in here; any other kind
(``{id}`` refuses a "/", ``{n:int}`` converts), and values it would change (a leading "/" of a static path),
go to Starlette itself, so every link is the one it would make.

    >>> url_for(request, "record_page", record_id="nlc:001")   # doctest: +SKIP
    URL('http://127.0.0.1:8000/record/nlc:001')
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from starlette.datastructures import URL, URLPath
from starlette.requests import Request


def _stand_in(number: int) -> str:
    # No route or value has NUL; the "/" makes any converter that refuses slashes (plain {name}) fail.
    return f"\x00{number}/\x00"


_Template = tuple[str, str, str] | None
# Per router (an app's routes never change once it serves): id → (the router, weakly; its templates).
_by_router: dict[int, tuple[weakref.ref, dict[tuple[str, tuple[str, ...]], _Template]]] = {}
_lock = threading.Lock()


def _templates_of(router: Any) -> dict[tuple[str, tuple[str, ...]], _Template]:
    known = _by_router.get(id(router))
    if known is None or known[0]() is not router:
        with _lock:
            known = _by_router[id(router)] = (weakref.ref(router, lambda _, key=id(router): _by_router.pop(key, None)),
                                              {})
    return known[1]


def _path_template(router: Any, name: str, parameters: tuple[str, ...]) -> _Template:
    """The path of route ``name`` with stand-ins for ``parameters`` (and its protocol and host), or None when
    Starlette would not place them verbatim."""
    templates = _templates_of(router)
    key = (name, parameters)
    if key not in templates:
        templates[key] = _worked_out(router, name, parameters)
    return templates[key]


def _worked_out(router: Any, name: str, parameters: tuple[str, ...]) -> _Template:
    stand_ins = {parameter: _stand_in(number) for number, parameter in enumerate(parameters)}
    try:
        path = router.url_path_for(name, **stand_ins)
    except Exception:  # no such route (Starlette will say so), or a converter that is not verbatim text
        return None
    if any(path.count(stand_in) != 1 for stand_in in stand_ins.values()):
        return None
    return str(path), path.protocol, path.host


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """``request.url_for(name, **path_params)``, the same absolute URL."""
    router = request.scope.get("router") or request.scope.get("app")
    parameters = tuple(sorted(path_params))
    template = _path_template(router, name, parameters) if router is not None else None
    if template is None:
        return request.url_for(name, **path_params)
    path, protocol, host = template
    for number, parameter in enumerate(parameters):
        value = str(path_params[parameter])
        if value.startswith("/") or "\x00" in value:
            return request.url_for(name, **path_params)
        path = path.replace(_stand_in(number), value)
    # URLPath.make_absolute_url's own result, put together as a string (it parses and rebuilds URLs: ~60 µs).
    base = request.base_url
    if protocol == "http":
        scheme = "https" if base.is_secure else "http"
    elif protocol == "websocket":
        scheme = "wss" if base.is_secure else "ws"
    else:
        scheme = base.scheme
    return URL(f"{scheme}://{host or base.netloc}{base.path.rstrip('/')}{URLPath(path)}")
