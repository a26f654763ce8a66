"""Server-side pages: one Jinja2 environment, autoescaping on, the request's interface language active."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from tongwen.web import i18n, urls

TEMPLATES_DIR = Path(__file__).parent / "templates"
MAX_QUERY_LENGTH = 500
COOKIE_MAX_AGE = 365 * 24 * 3600

templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, extensions=["jinja2.ext.i18n"]
))
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n.gettext, ngettext=lambda s, p, n: i18n.gettext(s if n == 1 else p), newstyle=True
)


def format_number(value: int | float | None) -> str:
    if value is None:
        return "—"
    return _formatted(value, i18n.current_language().babel)


@lru_cache(maxsize=8192, typed=True)
def _formatted(value: int | float, locale: str) -> str:
    # Babel takes ~30 µs a number, and a results page shows some twenty counts, most of them the same each time.
    return format_decimal(value, locale=locale)


@jinja2.pass_context
def _url_for(context: Any, name: str, /, **path_params: Any):
    return urls.url_for(context["request"], name, **path_params)


templates.env.globals["format_number"] = format_number
templates.env.globals["url_for"] = _url_for  # Starlette's, the same links, a tenth of the time (`urls`)


def choose_language(request: Request) -> i18n.UILanguage:
    language = i18n.negotiate(
        request.query_params.get("lang"), request.cookies.get(i18n.COOKIE), request.headers.get("accept-language")
    )
    i18n.activate(language)
    return language


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    language = choose_language(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "ui": language,
            "ui_languages": i18n.LANGUAGES,
            "max_query_length": MAX_QUERY_LENGTH,
            "has_registry": any(getattr(route, "name", None) == "cooperation" for route in request.app.routes),
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in i18n.BY_CODE:
        response.set_cookie(i18n.COOKIE, language.code, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)
    return response


def render_error(request: Request, status_code: int, message: str) -> HTMLResponse:
    choose_language(request)
    headings = {404: i18n.gettext("Not found"), 422: i18n.gettext("Invalid request"),
                500: i18n.gettext("Server error")}
    heading = headings.get(status_code, i18n.gettext("Something went wrong"))
    return render(request, "error.html", {"heading": heading, "message": message}, status_code=status_code)
