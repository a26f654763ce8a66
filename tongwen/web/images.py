"""/iiif/image: IIIF Image API 3.0 level 0 for the local page images, their static tiles made at import
(`tongwen.protocols.iiif_image`). Remote IIIF image services are used where they are and never pass here."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from tongwen.protocols.iiif_image import INFO_MEDIA_TYPE, LocalImages, service_url

router = APIRouter(prefix="/iiif/image", tags=["protocols"])
# Tiles of one identifier never change in place (a changed file is a new pyramid, renamed in whole), but the
# same identifier is reused when the file at that address is re-imported: a day's caching, not forever.
_CACHE = "public, max-age=86400"


def local_images(request: Request) -> LocalImages:
    return LocalImages(request.app.state.catalog.settings.images_dir)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/{identifier}/info.json", summary="IIIF Image API 3 information of a local page image (level 0)")
def image_information(request: Request, identifier: str) -> Response:
    info = local_images(request).info(identifier, service_url(_base(request), identifier))
    if info is None:
        raise HTTPException(404, f"There is no image {identifier!r} here.")
    # 3.0 §6.3: JSON-LD only when the client asks for it, else plain JSON.
    wants_ld = "application/ld+json" in request.headers.get("accept", "")
    return JSONResponse(info, media_type=INFO_MEDIA_TYPE if wants_ld else "application/json",
                        headers={"Cache-Control": _CACHE})


@router.get("/{identifier}", include_in_schema=False)
def image_base(request: Request, identifier: str) -> Response:
    """The base URI redirects to the image information, as the Image API asks (§2.2)."""
    if local_images(request).info(identifier, "") is None:
        raise HTTPException(404, f"There is no image {identifier!r} here.")
    return RedirectResponse(f"{service_url(_base(request), identifier)}/info.json", status_code=303)


@router.get("/{identifier}/{image_request:path}", summary="A size or tile of a local page image (level 0)")
def image_file(request: Request, identifier: str, image_request: str) -> Response:
    """``{region}/{size}/{rotation}/{quality}.{format}``: only the sizes and tiles info.json lists, in their
    canonical form (level 0 is a directory of files); anything else is 404."""
    path = local_images(request).file(identifier, image_request)
    if path is None:
        raise HTTPException(404, f"Image {identifier!r} has no {image_request!r}: this level 0 service offers "
                                 "only the sizes and tiles its info.json lists.")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": _CACHE})
