"""/iiif: IIIF Presentation 3 manifests per record and collections per institution (`tongwen.protocols.iiif`)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tongwen.model import Record
from tongwen.protocols.iiif import (
    PRESENTATION_CONTEXT,
    has_images,
    institution_collection,
    manifest_redirect,
    record_manifest,
    top_collection,
)

router = APIRouter(prefix="/iiif", tags=["protocols"])
_PAGE = 1000
# The media type the Presentation API asks for, with its context as profile.
IIIF_MEDIA_TYPE = f'application/ld+json;profile="{PRESENTATION_CONTEXT}"'


def _json(data: dict) -> Response:
    # CORS for viewers on other sites comes from the app's CORS middleware (allow_origins=*).
    return JSONResponse(data, media_type=IIIF_MEDIA_TYPE)


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
    if not has_images(record):
        raise HTTPException(404, f"The record {record_id!r} has no images.")
    source = manifest_redirect(record)
    if source:
        return RedirectResponse(source, status_code=303)
    return _json(record_manifest(record, _base(request), catalog.directory))
