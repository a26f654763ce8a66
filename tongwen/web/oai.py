"""/oai: the OAI-PMH 2.0 provider (GET and POST, as the protocol requires). The work is in
`tongwen.protocols.oai_provider`; this router only reads the request and picks the configuration.

Its configuration (repository identifier, admin e-mail, page size, token secret) is in `tongwen.config.Settings`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from tongwen.protocols.oai_provider import OaiConfig, OaiProvider

router = APIRouter(tags=["protocols"])
XML_MEDIA_TYPE = "text/xml; charset=utf-8"


def oai_config(request: Request) -> OaiConfig:
    settings = request.app.state.settings
    catalog = request.app.state.catalog
    names = {code: info.name_en for code, info in catalog.directory.items() if getattr(info, "name_en", None)}
    return OaiConfig(
        base_url=str(request.url_for("oai_pmh")),
        repository_identifier=settings.oai_repository_id,
        admin_emails=(settings.oai_admin_email,),
        secret=settings.token_secret(),
        institution_names=names,
        page_size=settings.oai_page_size,
    )


def _respond(request: Request, arguments: list[tuple[str, str]]) -> Response:
    catalog = request.app.state.catalog
    store = catalog.store if catalog.has_data() else None
    body = OaiProvider(store, oai_config(request)).respond(arguments)
    return Response(body, media_type=XML_MEDIA_TYPE)


@router.get("/oai", name="oai_pmh", summary="OAI-PMH 2.0 provider: oai_dc and marcxml, sets per institution and source")
def oai_get(request: Request) -> Response:
    return _respond(request, list(request.query_params.multi_items()))


@router.post("/oai", summary="OAI-PMH 2.0 provider (POST, application/x-www-form-urlencoded)")
async def oai_post(request: Request) -> Response:
    body = (await request.body()).decode("utf-8", "replace")
    arguments = parse_qsl(body, keep_blank_values=True)
    return await run_in_threadpool(_respond, request, arguments)
