"""The web application: portal pages, JSON API and protocol endpoints, assembled from small routers.

`create_app(settings)` is the only entry point (`tongwen serve` and the tests call it). Every response gets the
security headers; errors become a page or a JSON body with a clear message, never a stack trace.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from tongwen import __version__
from tongwen.config import Settings
from tongwen.web import agents, api, browse, pages
from tongwen.web.catalog import Catalog
from tongwen.web.rendering import render_error

log = logging.getLogger("tongwen.web")
STATIC_DIR = Path(__file__).parent / "static"

SECURITY_HEADERS = {
    # No inline scripts or styles anywhere in the portal, so the policy can be strict.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


class HeadLikeGet:
    """HEAD on every GET route, as HTTP asks (link checkers and harvesters use it): answered as the GET, headers
    only. FastAPI routes declare GET alone, and a 405 would tell a checker the link is dead."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class SecurityHeaders:
    """`SECURITY_HEADERS` on every response that does not set its own. Plain ASGI: Starlette's
    ``@app.middleware("http")`` runs each request in a task group and streams the body through a queue,
    about 0.5 ms of CPU a request on the search API's hot path."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def _following(settings: Settings, catalog: Catalog):
    """The lifespan of a node that follows its store: a follower thread from startup to shutdown."""
    from tongwen.derived import Follower

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = threading.Event()
        follower = Follower(settings, on_step=lambda step: catalog.refresh_soon())
        thread = threading.Thread(target=follower.run, args=(stop,), name="tongwen-follower", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=30)

    return lifespan


def create_app(settings: Settings, *, follow: bool = False) -> FastAPI:
    """``follow``: keep this node's index replica in step with the store from a background thread."""
    catalog = Catalog(settings)
    app = FastAPI(
        lifespan=_following(settings, catalog) if follow else None,
        title="Tongwen API",
        version=__version__,
        description="Search and read the records of the national libraries aggregated in Tongwen. "
        "The query language is the portal's: words, \"phrases\", AND/OR/NOT, title:, creator:, subject:, "
        "isbn:, publisher:, year:1900-1950.",
        docs_url=None,  # our own /docs page: Swagger UI would need a CDN and inline scripts
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.catalog = catalog
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"], allow_headers=["*"])
    app.add_middleware(HeadLikeGet)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    from tongwen.web import viewer  # before pages: /record/{id}/view is not a record id

    app.include_router(viewer.router)
    app.include_router(pages.router)
    app.include_router(browse.router)
    app.include_router(browse.api_router)
    app.include_router(agents.router)
    app.include_router(agents.api_router)
    from tongwen.web import registry_api, registry_pages  # the cooperation registry's API and pages

    app.include_router(registry_api.router)
    app.include_router(registry_pages.router)
    from tongwen.web import export as export_routes  # protocol endpoints and exports
    from tongwen.web import iiif, images, oai, sru

    app.include_router(oai.router)
    app.include_router(sru.router)
    app.include_router(images.router)  # before iiif's /iiif/{record_id:path}/… routes
    app.include_router(iiif.router)
    app.include_router(export_routes.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "The request could not be answered."
        if wants_json(request):
            return JSONResponse({"error": {"status": exc.status_code, "message": message}},
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return render_error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', [])[1:])}: {err.get('msg')}" for err in exc.errors()
        )
        message = f"Invalid request parameters — {problems}"
        if wants_json(request):
            return JSONResponse({"error": {"status": 422, "message": message}}, status_code=422)
        return render_error(request, 422, message)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        message = "Something went wrong on our side. The error has been logged."
        if wants_json(request):
            return JSONResponse({"error": {"status": 500, "message": message}}, status_code=500)
        return render_error(request, 500, message)

    return app


def app_from_environment() -> FastAPI:
    """Factory for multi-worker uvicorn, which imports the app by name in each worker: reads $TONGWEN_DATA."""
    return create_app(Settings.load())
