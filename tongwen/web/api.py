"""The JSON API under /api/: search, records, institutions and statistics. Described at /openapi.json."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from tongwen.federation.search import search_all
from tongwen.web.catalog import Catalog
from tongwen.web.searching import MAX_PAGE_SIZE, BadSearch, SearchParams, parse_params
from tongwen.works.keys import features

router = APIRouter(prefix="/api", tags=["records"])


def catalog_of(request: Request) -> Catalog:
    return request.app.state.catalog


@router.get("/search", summary="Search the records of every member library, in any script")
def api_search(
    request: Request,
    q: str = Query("", description='The query: words, "phrases", AND/OR/NOT, (…), title:, creator:, subject:, '
                                   "isbn:, publisher:, year:1900-1950"),
    filter: list[str] = Query([], description="Facet filters as facet:value, repeatable "
                                              "(institution, country, language, script, type, year, subject)"),
    sort: str = Query("relevance", description="relevance, year (oldest first), -year (newest first) or title"),
    page: int = Query(1, ge=1, description="Result page, from 1"),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE, description=f"Hits per page, at most {MAX_PAGE_SIZE}"),
    scope: str = Query("local", description="local: this portal; all: this portal and its peers (`tongwen peers`), "
                                            "each hit naming its node, with `peers: [{name, status, ms, total}]`"),
    match_keys: bool = Query(False, description="Give each hit's work match keys (what a federated search "
                                                "groups copies of one work across portals by)"),
) -> JSONResponse:
    try:
        params = parse_params(q, filter, sort, page, page_size, scope)
        if params.scope == "all":
            result = search_all(request, params, partial(search_body, catalog_of(request), params, match_keys=True))
            body = result.to_dict(params.page, params.page_size)
        else:
            body = search_body(catalog_of(request), params, match_keys=match_keys)
    except BadSearch as error:
        raise HTTPException(400, str(error)) from error
    if query_error := body.pop("query_error", None):
        raise HTTPException(400, query_error)
    body["query"] = params.query
    body["filters"] = [f"{name}:{value}" for name, value in params.filters]
    body["sort"] = params.sort
    # Plain JSON values already: handed over as a response, FastAPI's jsonable_encoder (a walk over every
    # value, ~1.3 ms of the ~5 ms a search costs at 1M records) is skipped.
    return JSONResponse(body)


def search_body(catalog: Catalog, params: SearchParams, *, match_keys: bool = False) -> dict[str, Any]:
    """This node's answer to `params`, ``query_error`` included (None when the query was read)."""
    result = catalog.search(params.request())
    body = result.to_dict()
    if result.query_error:
        return body
    ids = [hit["id"] for hit in body["hits"]]
    clusters = catalog.clusters_for(ids)
    records = {record.id: record for record in catalog.records(ids)} if match_keys else {}
    for hit in body["hits"]:
        hit["work"] = work_summary(clusters.get(hit["id"]))
        if match_keys:
            record = records.get(hit["id"])
            hit["match_keys"] = features(record).to_dict() if record else None
    return body


@router.get("/records/{record_id:path}", summary="One record in the common model, all scripts included")
def api_record(request: Request, record_id: str, original: bool = Query(
        False, description="Include the original record as received (MARCXML, XML or CSV row)")) -> dict[str, Any]:
    record = catalog_of(request).record(record_id)
    if record is None:
        raise HTTPException(404, f"There is no record with the id {record_id!r}.")
    body = record.to_dict(with_original=original)
    body["work"] = work_summary(catalog_of(request).cluster_of(record_id))
    return body


@router.get("/works/{work_id:path}", summary="A work: every library's record of it, in every script")
def api_work(request: Request, work_id: str) -> dict[str, Any]:
    catalog = catalog_of(request)
    members = catalog.works.work_members(work_id)
    if not members:
        raise HTTPException(404, f"There is no work with the id {work_id!r}.")
    clusters = catalog.clusters_for(members)
    return {
        "id": work_id,
        "records": [
            {"id": record.id, "institution": record.institution, "edition": clusters[record.id].edition_id,
             "titles": [t.text for t in record.titles], "year": record.year_from}
            for record in catalog.records(members)
        ],
    }


def work_summary(cluster) -> dict[str, Any] | None:
    """How a record's work appears in API answers: the work, its edition, and who holds copies."""
    if cluster is None:
        return None
    return {"id": cluster.work_id, "edition": cluster.edition_id, "copies": len(cluster.members),
            "institutions": cluster.institutions, "held_by": cluster.held_by, "members": cluster.members}


@router.get("/institutions", summary="Holding institutions with their record counts")
def api_institutions(request: Request) -> dict[str, Any]:
    catalog = catalog_of(request)
    counts = catalog.institution_counts()
    codes = list(dict.fromkeys([*counts, *catalog.directory]))
    items = []
    for code in codes:
        info = catalog.directory.get(code)
        items.append({
            "code": code,
            "name_en": info.name_en if info else None,
            "names": [{"text": f.text, "lang": f.lang, "script": f.script} for f in info.names] if info else [],
            "country": info.country if info else None,
            "city": info.city if info else None,
            "website": info.website if info else None,
            "records": counts.get(code, 0),
        })
    return {"institutions": items}


@router.get("/stats", summary="Records per source, institution, language and script")
def api_stats(request: Request) -> dict[str, Any]:
    return catalog_of(request).stats()
