"""/iiif: IIIF Presentation 3 manifests per record and collections per institution (`tongwen.protocols.iiif`),
and IIIF Content Search 2.0 and 1.0 inside each digitised item (`tongwen.protocols.content_search`)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tongwen.model import Record
from tongwen.web.images import local_images
from tongwen.protocols.content_search import (
    IGNORED_PARAMETERS,
    SearchRequestError,
    annotation_list,
    annotation_page,
    find_hits,
)
from tongwen.protocols.iiif import (
    PRESENTATION_CONTEXT,
    SEARCH1_CONTEXT,
    has_manifest,
    institution_collection,
    manifest_redirect,
    record_manifest,
    top_collection,
)

router = APIRouter(prefix="/iiif", tags=["protocols"])
_PAGE = 1000
# The media type the Presentation API asks for, with its context as profile.
IIIF_MEDIA_TYPE = f'application/ld+json;profile="{PRESENTATION_CONTEXT}"'


def _json(data: dict, media_type: str = IIIF_MEDIA_TYPE) -> Response:
    # CORS for viewers on other sites comes from the app's CORS middleware (allow_origins=*).
    return JSONResponse(data, media_type=media_type)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/collection", summary="IIIF collection of the institutions' collections")
def iiif_top_collection(request: Request) -> Response:
    catalog = request.app.state.catalog
    codes = catalog.store.oai_set_values()[0] if catalog.has_data() else []
    return _json(top_collection(codes, _base(request), catalog.directory))


def _institution_records(store, code: str) -> Iterator[Record]:
    after = 0
    while True:
        page = store.oai_page(after, _PAGE, institution=code)
        for change, _, _ in page:
            if change.record is not None:
                yield change.record
        if len(page) < _PAGE:
            return
        after = page[-1][0].seq


@router.get("/collection/{code}", summary="IIIF collection of one institution's records with images")
def iiif_institution_collection(request: Request, code: str) -> Response:
    catalog = request.app.state.catalog
    if not catalog.has_data() or code not in catalog.store.oai_set_values()[0]:
        raise HTTPException(404, f"There is no institution {code!r} with records here.")
    return _json(institution_collection(code, _institution_records(catalog.store, code), _base(request),
                                        catalog.directory))


@router.get("/{record_id:path}/manifest", summary="IIIF Presentation 3 manifest of one record, labels in every script")
def iiif_manifest(request: Request, record_id: str) -> Response:
    catalog = request.app.state.catalog
    record = catalog.record(record_id)
    if record is None:
        raise HTTPException(404, f"There is no record with the id {record_id!r}.")
    if not has_manifest(record):
        raise HTTPException(404, f"The record {record_id!r} has no images or pages.")
    source = manifest_redirect(record)
    if source:
        return RedirectResponse(source, status_code=303)
    images = local_images(request)
    return _json(record_manifest(record, _base(request), catalog.directory,
                                 lambda page: images.service(record, page, _base(request))))


def _search_error(status: int, message: str) -> Response:
    """Errors of the search services are JSON like the API's: their clients are viewers, not people."""
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def _content_search(request: Request, record_id: str, q: str | None, page: str, version: int) -> Response:
    catalog = request.app.state.catalog
    record = catalog.record(record_id)
    if record is None:
        return _search_error(404, f"There is no record with the id {record_id!r}.")
    if not any(p.text for p in record.pages):
        return _search_error(404, f"The record {record_id!r} has no page text to search.")
    try:
        if not page.isdigit():
            raise SearchRequestError(f"page must be a whole number, not {page!r}")
        found = find_hits(catalog.fresh_index(), record, q or "", int(page), request.query_params.get("motivation"))
    except SearchRequestError as error:
        return _search_error(400, f"Content search in {record_id!r}: {error}.")
    ignored = [name for name in IGNORED_PARAMETERS if name in request.query_params]
    if version == 1:
        return _json(annotation_list(_base(request), record, q or "", found, ignored),
                     f'application/ld+json;profile="{SEARCH1_CONTEXT}"')
    return _json(annotation_page(_base(request), record, q or "", found, ignored))


@router.get("/{record_id:path}/search/v1", summary="IIIF Content Search 1.0 inside one item (Mirador 3)")
def iiif_content_search_v1(request: Request, record_id: str, q: str | None = None, page: str = "1") -> Response:
    return _content_search(request, record_id, q, page, 1)


@router.get("/{record_id:path}/search", summary="IIIF Content Search 2.0 inside one item: hits on the pages' canvases")
def iiif_content_search(request: Request, record_id: str, q: str | None = None, page: str = "1") -> Response:
    return _content_search(request, record_id, q, page, 2)
