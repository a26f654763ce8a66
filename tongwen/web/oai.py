"""/oai: the OAI-PMH 2.0 provider (GET and POST, as the protocol requires). The work is in
`tongwen.protocols.oai_provider`; this router only reads the request and picks the configuration.

Configuration from the environment until `Settings` carries it: ``TONGWEN_OAI_REPOSITORY_ID`` (a domain name
you control; identifiers depend on it), ``TONGWEN_OAI_ADMIN_EMAIL``, ``TONGWEN_SECRET_KEY`` (signs
resumption tokens), ``TONGWEN_OAI_PAGE_SIZE`` (records per response).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from tongwen.protocols.oai_provider import OaiConfig, OaiProvider

router = APIRouter(tags=["protocols"])
XML_MEDIA_TYPE = "text/xml; charset=utf-8"


def oai_config(request: Request) -> OaiConfig:
    catalog = request.app.state.catalog
    names = {code: info.name_en for code, info in catalog.directory.items() if getattr(info, "name_en", None)}
    defaults = OaiConfig(base_url="")
    return OaiConfig(
        base_url=str(request.url_for("oai_pmh")),
        repository_identifier=os.environ.get("TONGWEN_OAI_REPOSITORY_ID", defaults.repository_identifier),
        admin_emails=(os.environ.get("TONGWEN_OAI_ADMIN_EMAIL", defaults.admin_emails[0]),),
        secret=os.environ.get("TONGWEN_SECRET_KEY", "").encode() or defaults.secret,
        institution_names=names,
        page_size=int(os.environ.get("TONGWEN_OAI_PAGE_SIZE", defaults.page_size)),
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
