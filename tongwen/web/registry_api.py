"""The cooperation registry's JSON API under ``/api/registry/``, and who is acting on a request.

Anyone may read (GET). Writes (POST/PUT/DELETE) need an editor or admin, identified either by an API token
(``Authorization: Bearer tw_…``, for scripts) or by a staff login session *plus* its CSRF token in the
``X-CSRF-Token`` header (for pages). Anonymous writes get 401, viewers 403, a session without the right CSRF
token 403. Every accepted change is written to the registry's audit log by `Registry.save` / `delete`.

    curl -H "Authorization: Bearer tw_…" -X PUT --json @activity.json \\
         http://localhost:8000/api/registry/activities/nlc-ndl-2016-visit
"""

from __future__ import annotations

import io
import threading
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from tongwen.registry import stats
from tongwen.registry.auth import ANONYMOUS, CsrfError, PermissionDenied, SignInPolicy, User
from tongwen.registry.database import PLURAL, Registry, RegistryData
from tongwen.registry.exchange import export_csv, export_json, import_csv
from tongwen.registry.model import ENTITY_BY_NAME, entity_key, from_dict, to_dict
from tongwen.registry.validation import ValidationError

router = APIRouter(prefix="/api/registry", tags=["cooperation registry"])

SESSION_COOKIE = "tongwen_staff"
CSRF_HEADER = "X-CSRF-Token"
# URL segment ("activities") -> entity name ("activity")
KINDS: dict[str, str] = {plural: entity for entity, plural in PLURAL.items()}

# -- the registry and the acting user ---------------------------------------------------------------------------

_local = threading.local()


def registry_of(request: Request) -> Registry:
    """This thread's `Registry` on the portal's database (FastAPI runs plain handlers in a thread pool, and a
    SQLite connection must stay in the thread that opened it). Opened once per thread and database.

    Passwords use argon2-cffi's recommended parameters unless ``app.state.password_hasher`` holds another
    `argon2.PasswordHasher` (the tests set cheap ones: a login then takes milliseconds, not half a second)."""
    settings = request.app.state.catalog.settings
    path = settings.database.url
    opened: dict[str, Registry] = getattr(_local, "registries", None) or {}
    _local.registries = opened
    if path not in opened:
        registry = Registry.open(path, password_hasher=getattr(request.app.state, "password_hasher", None))
        registry.accounts.policy = SignInPolicy(delay=timedelta(seconds=settings.signin_delay))
        opened[path] = registry
    return opened[path]


def client_address(request: Request) -> str:
    """The client's IP address, for sign-in throttling and the audit log. Behind a reverse proxy uvicorn puts
    the address from X-Forwarded-For here when the proxy is trusted (``FORWARDED_ALLOW_IPS``)."""
    return request.client.host if request.client else "unknown"


def secure_cookies(request: Request) -> bool:
    """Whether staff cookies get ``Secure``: `Settings.secure_cookies`, or in auto mode the request's scheme
    (https directly, or through a trusted proxy's X-Forwarded-Proto via uvicorn's proxy headers)."""
    setting = request.app.state.catalog.settings.secure_cookies
    return request.url.scheme == "https" if setting is None else setting


def session_id_of(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def signed_in_user(request: Request) -> User:
    """The staff member whose login session the request carries, else `ANONYMOUS` (for showing, not writing)."""
    return registry_of(request).accounts.session_user(session_id_of(request)) or ANONYMOUS


def api_writer(request: Request) -> User:
    """The user behind an API write: the owner of the bearer token, or the session user when the request has
    the session's CSRF token. Raises 401 when nobody is identified, 403 on a CSRF failure."""
    accounts = registry_of(request).accounts
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        user = accounts.token_user(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise HTTPException(401, "The API token is unknown, revoked, or its account is disabled.",
                                headers={"WWW-Authenticate": 'Bearer realm="tongwen"'})
        return user
    session_id = session_id_of(request)
    if accounts.session_user(session_id) is not None:
        try:
            return accounts.form_user(session_id, request.headers.get(CSRF_HEADER))
        except CsrfError as error:
            raise HTTPException(403, str(error)) from error
    raise HTTPException(401, "Changing the registry needs a staff account: send an API token "
                             "(Authorization: Bearer tw_…) or sign in at /staff/login.",
                        headers={"WWW-Authenticate": 'Bearer realm="tongwen"'})


def entity_class(kind: str) -> type:
    entity = KINDS.get(kind)
    if entity is None:
        raise HTTPException(404, f"There is no kind of registry fact called {kind!r}; "
                                 f"choose one of {', '.join(KINDS)}.")
    return ENTITY_BY_NAME[entity]


def refused(error: ValidationError) -> JSONResponse:
    """422 with every problem by field, so a script can point at the wrong field."""
    return JSONResponse({"error": {"status": 422, "message": str(error), "problems": [
        {"field": p.field, "message": p.message} for p in error.problems]}}, status_code=422)


def pair_data(data: RegistryData, a: str, b: str) -> RegistryData:
    """The snapshot narrowed to the activities both ``a`` and ``b`` took part in, so the library's statistics
    (per_year, per_kind, timeline) can be reused for one partner pair."""
    narrowed = RegistryData(**{name: list(getattr(data, name)) for name in PLURAL.values()})
    narrowed.activities = [x for x in data.activities if {a, b} <= set(x.party_codes())]
    narrowed.agreements = [g for g in data.agreements if {a, b} <= {p.code for p in g.parties}]
    narrowed.programmes = [p for p in data.programmes if {a, b} <= {q.code for q in p.parties}]
    narrowed.memberships, narrowed.organisations = [], []
    return narrowed


def year_stats_json(years: stats.YearStats) -> dict[str, Any]:
    return {
        "years": {str(y): {k: asdict(t) for k, t in kinds.items()} for y, kinds in years.years.items()},
        "spans": [asdict(s) for s in years.spans],
        "undated": {k: asdict(t) for k, t in years.undated.items()},
    }


# -- statistics, timeline, network --------------------------------------------------------------------------------


@router.get("", summary="What the registry holds: counts per kind of fact, and where to find them")
def api_registry_index(request: Request) -> dict[str, Any]:
    counts = registry_of(request).counts()
    return {"kinds": {plural: {"count": counts[entity], "url": f"/api/registry/{plural}"}
                      for plural, entity in KINDS.items()},
            "stats": "/api/registry/stats", "timeline": "/api/registry/timeline",
            "network": "/api/registry/network", "export": "/api/registry/export.json"}


@router.get("/stats", summary="Every statistic, recomputed from the facts: per pair, per kind, per year")
def api_stats(request: Request) -> dict[str, Any]:
    report = stats.report(registry_of(request).snapshot())
    report.pop("timeline"), report.pop("network")  # they have their own endpoints
    return report


@router.get("/stats/pairs/{a}/{b}", summary="How two institutions worked together: totals, per kind, per year")
def api_pair(request: Request, a: str, b: str) -> dict[str, Any]:
    data = registry_of(request).snapshot()
    narrowed = pair_data(data, a, b)
    return {"pair": asdict(stats.partner_pair(data, a, b)),
            "per_year": year_stats_json(stats.per_year(narrowed)),
            "timeline": [asdict(e) for e in stats.timeline(narrowed)]}


@router.get("/stats/kinds", summary="Totals per activity kind")
def api_per_kind(request: Request, institution: str | None = Query(
        None, description="Only activities this institution or organisation took part in")) -> dict[str, Any]:
    data = registry_of(request).snapshot()
    return {k: asdict(t) for k, t in stats.per_kind(data, institution).items()}


@router.get("/stats/years", summary="Counts per year and kind; multi-year totals as spans")
def api_per_year(request: Request, institution: str | None = Query(
        None, description="Only activities this institution or organisation took part in")) -> dict[str, Any]:
    return year_stats_json(stats.per_year(registry_of(request).snapshot(), institution))


@router.get("/timeline", summary="Activities, agreements, programmes and memberships in date order")
def api_timeline(request: Request, institution: str | None = Query(
        None, description="Only facts involving this institution or organisation")) -> list[dict[str, Any]]:
    return [asdict(e) for e in stats.timeline(registry_of(request).snapshot(), institution)]


@router.get("/network", summary="The cooperation network: institutions, organisations, agreements and links")
def api_network(request: Request) -> dict[str, Any]:
    return stats.network(registry_of(request).snapshot())


# -- exports and imports --------------------------------------------------------------------------------------------


@router.get("/export.json", summary="Every fact in one JSON document (re-importable)")
def api_export_json(request: Request) -> JSONResponse:
    return JSONResponse(export_json(registry_of(request).snapshot()),
                        headers={"Content-Disposition": 'attachment; filename="tongwen-registry.json"'})


@router.get("/export.csv", summary="One kind of fact as CSV (one column per field)")
def api_export_csv(request: Request, kind: str = Query(
        ..., description=f"Which facts: {', '.join(KINDS)}")) -> Response:
    cls = entity_class(kind)
    text = export_csv(registry_of(request).snapshot(), cls.entity)
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})


@router.post("/import.csv", summary="Import one kind of fact from CSV (editors); bad rows are reported, "
                                    "the others saved")
def api_import_csv(request: Request, kind: str = Query(..., description=f"Which facts: {', '.join(KINDS)}"),
                   body: bytes = Body(..., media_type="text/csv")) -> dict[str, Any]:
    user = api_writer(request)
    cls = entity_class(kind)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"The CSV is not UTF-8 (byte {error.start}).") from error
    try:
        report = import_csv(registry_of(request), user, io.StringIO(text, newline=""), cls.entity,
                            label=f"{kind}.csv")
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "rejected": report.rejected,
            "problems": [{"where": p.where, "column": p.column, "message": p.message} for p in report.problems]}


# -- audit log ------------------------------------------------------------------------------------------------------


@router.get("/audit", summary="Changes, newest first (staff only: viewer, editor or admin)")
def api_audit(request: Request, entity: str | None = None, key: str | None = None,
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> list[dict[str, Any]]:
    user = _reader_of_audit(request)
    try:
        entries = registry_of(request).audit_log(user, entity=entity, key=key, limit=limit, offset=offset)
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    return [asdict(e) for e in entries]


def _reader_of_audit(request: Request) -> User:
    # Reading is not a change, so a session needs no CSRF token here; a token works too.
    if request.headers.get("authorization"):
        return api_writer(request)
    user = signed_in_user(request)
    if user.is_anonymous:
        raise HTTPException(401, "The audit log is for staff: sign in or send an API token.",
                            headers={"WWW-Authenticate": 'Bearer realm="tongwen"'})
    return user


# -- facts of every kind --------------------------------------------------------------------------------------------


@router.get("/{kind}", summary="Every fact of one kind (institutions, organisations, memberships, agreements, "
                               "programmes, activities, sources)")
def api_list(request: Request, kind: str, institution: str | None = Query(
        None, description="Only facts this institution or organisation takes part in")) -> list[dict[str, Any]]:
    cls = entity_class(kind)
    facts = registry_of(request).all(cls)
    if institution is not None:
        facts = [f for f in facts if institution in _codes_of(f)]
    return [to_dict(f) for f in facts]


def _codes_of(fact: Any) -> set[str]:
    codes = {p.code for p in getattr(fact, "parties", ())}
    for name in ("host", "member", "organisation", "code"):
        value = getattr(fact, name, None)
        if value:
            codes.add(value)
    return codes


@router.get("/{kind}/{key}", summary="One fact by its key (code or id)")
def api_get(request: Request, kind: str, key: str) -> dict[str, Any]:
    cls = entity_class(kind)
    fact = registry_of(request).get(cls, key)
    if fact is None:
        raise HTTPException(404, f"There is no {cls.entity} {key!r}.")
    return to_dict(fact)


def _save(request: Request, kind: str, body: dict[str, Any], *, key: str | None, create_only: bool):
    user = api_writer(request)
    cls = entity_class(kind)
    try:
        fact = from_dict(cls, body)
    except (TypeError, ValueError) as error:
        raise HTTPException(422, f"{cls.entity}: {error}") from error
    if key is not None and entity_key(fact) != key:
        raise HTTPException(422, f"The {cls.key_field} in the body ({entity_key(fact)!r}) differs from the "
                                 f"address ({key!r}).")
    registry = registry_of(request)
    if create_only and registry.get(cls, entity_key(fact)) is not None:
        raise HTTPException(409, f"There is already a {cls.entity} {entity_key(fact)!r}; use PUT to change it.")
    try:
        action = registry.save(user, fact)
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    except ValidationError as error:
        return refused(error)
    return JSONResponse({"action": action, "fact": to_dict(fact)},
                        status_code=201 if action == "created" else 200)


@router.post("/{kind}", status_code=201, summary="Add a fact (editors and admins)")
def api_create(request: Request, kind: str, body: Annotated[dict[str, Any], Body()]):
    return _save(request, kind, body, key=None, create_only=True)


@router.put("/{kind}/{key}", summary="Add or replace a fact (editors and admins)")
def api_put(request: Request, kind: str, key: str, body: Annotated[dict[str, Any], Body()]):
    return _save(request, kind, body, key=key, create_only=False)


@router.delete("/{kind}/{key}", status_code=204, summary="Delete a fact no other fact refers to (editors and "
                                                         "admins)")
def api_delete(request: Request, kind: str, key: str):
    user = api_writer(request)
    cls = entity_class(kind)
    try:
        deleted = registry_of(request).delete(user, cls, key)
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    except ValidationError as error:
        raise HTTPException(409, str(error)) from error
    if not deleted:
        raise HTTPException(404, f"There is no {cls.entity} {key!r}.")
    return Response(status_code=204)
