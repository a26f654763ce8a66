"""/sru: SRU 2.0 (and 1.2 for clients that send version=1.2) over the search index and the store.
The work is in `tongwen.protocols.sru`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tongwen.protocols.sru import SruConfig, SruServer

router = APIRouter(tags=["protocols"])


@router.get("/sru", name="sru", summary="SRU 2.0 / 1.2: explain and searchRetrieve with CQL, records in DC or MARCXML")
def sru(request: Request) -> Response:
    catalog = request.app.state.catalog
    has_data = catalog.has_data()
    server = SruServer(
        search=catalog.search if has_data else None,
        records=catalog.records if has_data else None,
        config=SruConfig(base_url=str(request.url_for("sru"))),
    )
    legacy = request.query_params.get("version") in ("1.1", "1.2")
    body = server.respond(list(request.query_params.multi_items()))
    # SRU 2.0 names its own media type; 1.2 clients expect plain XML.
    return Response(body, media_type="text/xml; charset=utf-8" if legacy else "application/sru+xml; charset=utf-8")
