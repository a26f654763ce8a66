"""/api/export: one record or a whole search in JSON-LD, MARCXML, DC, RIS, BibTeX or CSV (`tongwen.export`)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from tongwen.export import FORMATS, export_chunks, get_format
from tongwen.index import SearchRequest
from tongwen.model import Record
from tongwen.web.searching import BadSearch, parse_params

router = APIRouter(prefix="/api/export", tags=["export"])
FORMAT_HELP = f"One of: {', '.join(FORMATS)}"
MAX_SEARCH_EXPORT = 10_000
_PAGE = 100


def _format(name: str):
    try:
        return get_format(name)
    except ValueError as error:
        raise HTTPException(400, str(error)) from error


def _disposition(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get("/records/{record_id:path}", summary="One record in an export format")
def export_one(request: Request, record_id: str, format: str = Query("jsonld", description=FORMAT_HELP)) -> Response:
    fmt = _format(format)
    record = request.app.state.catalog.record(record_id)
    if record is None:
        raise HTTPException(404, f"There is no record with the id {record_id!r}.")
    body = "".join(export_chunks(fmt, [record], base_url=str(request.base_url).rstrip("/")))
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in record_id)
    return Response(body, media_type=f"{fmt.media_type}; charset=utf-8",
                    headers=_disposition(f"{safe_name}.{fmt.extension}"))


@router.get("/search", summary=f"The records a search finds (at most {MAX_SEARCH_EXPORT:,}) in an export format")
def export_search(
    request: Request,
    q: str = Query("", description="The query, as for /api/search"),
    filter: list[str] = Query([], description="Facet filters as facet:value, repeatable"),
    format: str = Query("jsonld", description=FORMAT_HELP),
    limit: int = Query(1000, ge=1, le=MAX_SEARCH_EXPORT, description="How many records at most"),
) -> Response:
    fmt = _format(format)
    try:
        params = parse_params(q, filter, "relevance", 1, _PAGE)
    except BadSearch as error:
        raise HTTPException(400, str(error)) from error
    catalog = request.app.state.catalog
    first = catalog.search(SearchRequest(params.query, params.request().filters, facets=(), page=1, page_size=_PAGE))
    if first.query_error:
        raise HTTPException(400, first.query_error)

    def records() -> Iterator[Record]:
        # A page of hits at a time, so memory stays flat however large the export.
        result, page, sent = first, 1, 0
        while result.hits and sent < limit:
            ids = [hit.id for hit in result.hits][: limit - sent]
            yield from catalog.records(ids)
            sent += len(ids)
            page += 1
            result = catalog.search(SearchRequest(params.query, params.request().filters, facets=(), page=page,
                                                  page_size=_PAGE))

    chunks = export_chunks(fmt, records(), base_url=str(request.base_url).rstrip("/"))
    return StreamingResponse(chunks, media_type=f"{fmt.media_type}; charset=utf-8",
                             headers=_disposition(f"tongwen-search.{fmt.extension}"))
