"""IIIF Presentation 3: a manifest for every record with images, a collection per holding institution.

    >>> from tongwen.model import Form, Link, Record, Title
    >>> rec = Record("demo", "1", titles=[Title([Form("源氏物語", "Jpan", "jpn"), Form("Genji monogatari", "Latn", "jpn")])],
    ...              languages=["jpn"], links=[Link("https://example.org/iiif/2/genji/full/200,300/0/default.jpg", "thumbnail")])
    >>> m = record_manifest(rec, "https://tongwen.example")
    >>> m["label"], m["items"][0]["width"], m["items"][0]["height"]
    ({'ja': ['源氏物語'], 'ja-Latn': ['Genji monogatari']}, 200, 300)

Every label and metadata value is a language map carrying each script form under its BCP 47 tag (``ja``,
``ja-Latn``, ``zh-Hant``, ``ko``…; ``none`` when the language is unknown). Where the images come from:

- the source's own manifest, kept verbatim as the record's original (``provenance.format == "iiif"``):
  its canvases are taken over (Presentation 2 canvases converted to 3), and so is its
  ``viewingDirection`` — the only place our sources state one (the common model has no field for it);
- else the record's thumbnail link: one canvas painted with it. Its size is read from a IIIF Image API
  URL (``…/full/200,300/0/default.jpg``) when the URL gives it, and the image service is declared so a
  viewer can ask for the real size; a plain image URL gives a canvas without a size;
- a record whose only image source is a link to the source's manifest gets no manifest of ours: its
  manifest URL here redirects there (`manifest_redirect`), with our multi-script label in the collection.

A digitised item (a record with `Page`s) has one canvas per page, in page order, labelled with the source's
own page label: the source's canvas when the page came from one (same id), else one of ours
(``…/iiif/{id}/canvas/{n}``) painted with the page's image when it has a IIIF service or a web address.
Each page's text is a ``supplementing`` annotation (a TextualBody with its language) on its canvas, and
the manifest advertises the item's IIIF Content Search services (`tongwen.protocols.content_search`)
whose hits target these canvases.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tongwen.cjk.scripts import lang_tag
from tongwen.export.common import display_date, form_tag
from tongwen.model import Form, Page, Record

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
SEARCH1_CONTEXT = "http://iiif.io/api/search/1/context.json"
SEARCH1_PROFILE = "http://iiif.io/api/search/1/search"
RIGHTS_HOSTS = ("creativecommons.org/", "rightsstatements.org/")
VIEWING_DIRECTIONS = ("left-to-right", "right-to-left", "top-to-bottom", "bottom-to-top")
# IIIF Image API request URL: {service}/{region}/{size}/{rotation}/{quality}.{format}
_IMAGE_API = re.compile(r"^(?P<service>https?://.+?)/(?:full|square|\d+,\d+,\d+,\d+|pct:[\d.,]+)/"
                        r"(?P<size>[^/]+)/!?\d+(?:\.\d+)?/(?:default|color|gray|bitonal|native)\.(?P<ext>jpg|png|webp|gif|tif)$")
_MEDIA_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
                "gif": "image/gif", "tif": "image/tiff"}


@dataclass(frozen=True, slots=True)
class LocalImageService:
    """Our IIIF Image API 3 level 0 service for a page's local image file: its base URI and full size."""

    id: str
    width: int
    height: int


def _en(text: str) -> dict[str, list[str]]:
    return {"en": [text]}


def language_map(forms: Iterable[Form], record: Record) -> dict[str, list[str]]:
    """``{"ja": ["源氏物語"], "ja-Latn": ["Genji monogatari"]}`` — every form under its language tag."""
    result: dict[str, list[str]] = {}
    for form in forms:
        text = form.text.strip()
        if text:
            values = result.setdefault(form_tag(form, record) or "none", [])
            if text not in values:
                values.append(text)
    return result


def _texts_map(texts: Iterable[tuple[str, str | None]], record: Record) -> dict[str, list[str]]:
    return language_map((Form(text, script) for text, script in texts), record)


def _merge(maps: Iterable[dict[str, list[str]]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for one in maps:
        for tag, values in one.items():
            merged.setdefault(tag, []).extend(v for v in values if v not in merged.get(tag, []))
    return merged


def source_manifest(record: Record) -> dict[str, Any] | None:
    """The source's IIIF manifest when the record was read from one (kept as its original)."""
    provenance = record.provenance
    if provenance is None or provenance.format != "iiif" or not provenance.original:
        return None
    try:
        data = json.loads(provenance.original)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def links(record: Record, kind: str) -> list[str]:
    return [link.url for link in record.links if link.kind == kind]


def has_images(record: Record) -> bool:
    """A record has images when it links a IIIF manifest or a thumbnail, or was read from a manifest."""
    return bool(links(record, "iiif_manifest") or links(record, "thumbnail") or source_manifest(record))


def has_manifest(record: Record) -> bool:
    """Whether the record has a manifest URL here: it has images, or it is a digitised item with pages."""
    return bool(record.pages) or has_images(record)


def has_own_manifest(record: Record) -> bool:
    """Whether we can build canvases for it (else we point at the source's manifest)."""
    original = source_manifest(record)
    return bool(record.pages or links(record, "thumbnail") or (original and _source_canvases(original)))


def manifest_url(base_url: str, record_id: str) -> str:
    return f"{base_url.rstrip('/')}/iiif/{quote(record_id, safe=':')}/manifest"


def item_url(base_url: str, record_id: str) -> str:
    """The root of one record's IIIF resources: its manifest, canvases and search services are below it."""
    return f"{base_url.rstrip('/')}/iiif/{quote(record_id, safe=':')}"


def canvas_id(base_url: str, record: Record, ordinal: int) -> str:
    """The canvas of page ``ordinal``: the source's canvas when the page came from one, else ours."""
    page_id = record.pages[ordinal].id or ""
    if page_id.startswith(("http://", "https://")):
        return page_id
    return f"{item_url(base_url, record.id)}/canvas/{ordinal + 1}"


def search_url(base_url: str, record_id: str, version: int = 2) -> str:
    """The item's IIIF Content Search service: ``…/search`` speaks 2.0, ``…/search/v1`` 1.0 (Mirador 3)."""
    return f"{item_url(base_url, record_id)}/search" + ("/v1" if version == 1 else "")


def search_services(base_url: str, record_id: str) -> list[dict[str, Any]]:
    """The manifest's ``service`` entries for both versions; a 1.0 service is described as in 1.0 (``@id``,
    ``profile``), the form Presentation 3 keeps for services of earlier versions and Mirador 3 looks for."""
    return [
        {"id": search_url(base_url, record_id), "type": "SearchService2"},
        {"@context": SEARCH1_CONTEXT, "@id": search_url(base_url, record_id, 1), "@type": "SearchService1",
         "profile": SEARCH1_PROFILE},
    ]


def collection_url(base_url: str, code: str | None = None) -> str:
    base = f"{base_url.rstrip('/')}/iiif/collection"
    return base if code is None else f"{base}/{quote(code, safe='')}"


def manifest_redirect(record: Record) -> str | None:
    """The source's manifest, for a record that has one but nothing we can paint canvases with."""
    manifests = links(record, "iiif_manifest")
    return manifests[0] if manifests and not has_own_manifest(record) else None


# --- the manifest -----------------------------------------------------------------------------------------


def record_manifest(record: Record, base_url: str, directory: Mapping[str, Any] | None = None,
                    local_image: Callable[[Page], LocalImageService | None] | None = None) -> dict[str, Any]:
    """The Presentation 3 manifest of one record (call only when `has_own_manifest`). ``local_image`` says
    which IIIF image service (ours, level 0 tiles made at import) serves a page whose image is a file."""
    base_url = base_url.rstrip("/")
    url = manifest_url(base_url, record.id)
    original = source_manifest(record)
    main = record.main_title
    manifest: dict[str, Any] = {
        "@context": PRESENTATION_CONTEXT,
        "id": url,
        "type": "Manifest",
        "label": language_map(main.forms, record) if main and main.forms else {"none": [record.id]},
    }
    metadata = _metadata(record, directory)
    if metadata:
        manifest["metadata"] = metadata
    if record.notes:
        manifest["summary"] = _texts_map(((note, None) for note in record.notes), record)
    attribution = _institution_names(record.institution, directory)
    if attribution or record.rights:
        value = _merge([attribution or {}, _texts_map([(record.rights, None)], record) if record.rights else {}])
        manifest["requiredStatement"] = {"label": _en("Attribution"), "value": value}
    if record.license and any(host in record.license for host in RIGHTS_HOSTS):
        manifest["rights"] = record.license.replace("https://", "http://", 1)  # the registered form
    direction = (original or {}).get("viewingDirection") or record.viewing_direction
    if direction in VIEWING_DIRECTIONS:
        manifest["viewingDirection"] = direction
    homepage = [{"id": f"{base_url}/record/{quote(record.id, safe=':')}", "type": "Text",
                 "label": _en("Record in Tongwen"), "format": "text/html"}]
    homepage += [{"id": link, "type": "Text", "label": _en("At the holding library"), "format": "text/html"}
                 for link in links(record, "landing")]
    manifest["homepage"] = homepage
    thumbnails = [_image(link) for link in links(record, "thumbnail")]
    if thumbnails:
        manifest["thumbnail"] = thumbnails
    manifest["seeAlso"] = [{"id": f"{base_url}/api/export/records/{quote(record.id, safe=':')}?format=jsonld",
                            "type": "Dataset", "format": "application/ld+json", "profile": "https://schema.org/",
                            "label": _en("Catalogue record (schema.org JSON-LD)")}]
    manifest["seeAlso"] += [{"id": link, "type": "Manifest", "label": _en("Manifest at the holding library")}
                            for link in links(record, "iiif_manifest")]
    provider = _provider(record.institution, directory)
    if provider:
        manifest["provider"] = [provider]
    if record.institution:
        manifest["partOf"] = [{"id": collection_url(base_url, record.institution), "type": "Collection"}]
    canvases = _source_canvases(original) if original else []
    if record.pages:
        canvases = _page_canvases(record, base_url, {canvas["id"]: canvas for canvas in canvases}, local_image)
    manifest["items"] = canvases or [_thumbnail_canvas(url, link) for link in links(record, "thumbnail")[:1]]
    if "thumbnail" not in manifest and manifest["items"] and manifest["items"][0].get("thumbnail"):
        manifest["thumbnail"] = manifest["items"][0]["thumbnail"]  # the first page's, when it has one of ours
    if any(page.text for page in record.pages):
        manifest["service"] = search_services(base_url, record.id)
    return manifest


def _page_canvases(record: Record, base_url: str, source: dict[str, dict[str, Any]],
                   local_image: Callable[[Page], LocalImageService | None] | None = None) -> list[dict[str, Any]]:
    """One canvas per page: the source's canvas with that id when there is one, else built from the page."""
    canvases = []
    for ordinal, page in enumerate(record.pages):
        identifier = canvas_id(base_url, record, ordinal)
        service = local_image(page) if local_image is not None and identifier not in source else None
        canvas = dict(source.get(identifier) or _canvas_from_page(identifier, page, service))
        canvas["label"] = {"none": [page.label]}
        if page.text:
            canvas["annotations"] = [_text_page(identifier, page, record)]
        canvases.append(canvas)
    return canvases


THUMBNAIL_WIDTH = 120  # a canvas' thumbnail: the smallest listed size of its local image at least this wide


def _local_thumbnail(service: LocalImageService) -> dict[str, Any] | None:
    """A small size of a local image, as its level 0 service lists them (viewers show it in page strips)."""
    from tongwen.protocols.iiif_image import image_sizes  # late: that module builds on this one

    sizes = image_sizes(service.width, service.height)
    if not sizes:
        return None
    width, height = next((size for size in sizes if size[0] >= THUMBNAIL_WIDTH), sizes[-1])
    return {"id": f"{service.id}/full/{width},{height}/0/default.jpg", "type": "Image", "format": "image/jpeg",
            "width": width, "height": height,
            "service": [{"id": service.id, "type": "ImageService3", "profile": "level0"}]}


def _canvas_from_page(identifier: str, page: Page, service: LocalImageService | None = None) -> dict[str, Any]:
    """A canvas of our own for a page. A local image file is painted through its IIIF service (``service``:
    our level 0 tiles), at the image's size; a page without a picture we can show (no image, or a file not
    tiled) is a canvas with its text only; its size is the page's when known."""
    canvas: dict[str, Any] = {"id": identifier, "type": "Canvas"}
    if page.width and page.height:
        canvas["width"], canvas["height"] = page.width, page.height
    image = page.image
    body: dict[str, Any] | None = None
    if service is not None:
        canvas["width"], canvas["height"] = service.width, service.height
        body = {"id": f"{service.id}/full/max/0/default.jpg", "type": "Image", "format": "image/jpeg",
                "service": [{"id": service.id, "type": "ImageService3", "profile": "level0"}]}
        thumbnail = _local_thumbnail(service)
        if thumbnail:
            canvas["thumbnail"] = [thumbnail]
    elif image is not None and image.kind == "iiif":
        body = {"id": f"{image.url.rstrip('/')}/full/max/0/default.jpg", "type": "Image", "format": "image/jpeg",
                "service": [{"id": image.url.rstrip("/"), "type": "ImageService2",
                             "profile": "http://iiif.io/api/image/2/level0.json"}]}
    elif image is not None and image.url.startswith(("http://", "https://")):
        body = {"id": image.url, "type": "Image"}
        if image.format:
            body["format"] = image.format
    if body is not None and "width" in canvas:
        body["width"], body["height"] = canvas["width"], canvas["height"]
    canvas["items"] = [_painting_page(identifier, body)] if body is not None else []
    return canvas


def text_annotation_id(canvas: str) -> str:
    return f"{canvas}/text/1"


def _text_page(canvas: str, page: Page, record: Record) -> dict[str, Any]:
    """The page's text as a supplementing annotation on its canvas (what the viewer shows beside the image
    and what the content search finds)."""
    body: dict[str, Any] = {"type": "TextualBody", "value": page.text, "format": "text/plain"}
    language = text_language(page, record)
    if language:
        body["language"] = language
    return {"id": f"{canvas}/text", "type": "AnnotationPage", "items": [{
        "id": text_annotation_id(canvas), "type": "Annotation", "motivation": "supplementing",
        "body": body, "target": canvas}]}


def text_language(page: Page, record: Record) -> str | None:
    """The BCP 47 tag of a page's text (its script read from the start of the text when not given)."""
    return form_tag(Form((page.text or "")[:200], page.script, page.lang), record)


def _metadata(record: Record, directory: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    entries: list[tuple[str, dict[str, list[str]]]] = []
    for title in record.titles:
        label = {"main": "Title", "parallel": "Parallel title", "variant": "Other title", "uniform": "Uniform title",
                 "series": "Series"}.get(title.role, "Title")
        entries.append((label, language_map(title.forms, record)))
    for agent in record.agents:
        entries.append(("Creator" if agent.role == "creator" else agent.role.capitalize(),
                        language_map(agent.forms, record)))
    publications = [form for publication in record.publications for form in publication.forms]
    publisher = _texts_map(((", ".join(filter(None, (f.place, f.publisher))), f.script) for f in publications), record)
    if publisher:
        entries.append(("Publisher", publisher))
    if display_date(record):
        entries.append(("Date", {"none": [display_date(record)]}))
    if record.languages:
        entries.append(("Language", {"none": list(record.languages)}))
    if record.subjects:
        entries.append(("Subject", _texts_map(((s.term, s.script) for s in record.subjects), record)))
    if record.extent:
        entries.append(("Extent", _texts_map([(record.extent, None)], record)))
    for identifier in record.identifiers:
        entries.append((identifier.scheme.upper(), {"none": [identifier.value]}))
    if record.license:
        entries.append(("License", {"none": [record.license]}))
    names = _institution_names(record.institution, directory)
    if names:
        entries.append(("Holding institution", names))
    return [{"label": _en(label), "value": value} for label, value in entries if value]


def _institution_names(code: str | None, directory: Mapping[str, Any] | None) -> dict[str, list[str]] | None:
    if not code:
        return None
    info = (directory or {}).get(code)
    if info is None:
        return {"none": [code]}
    names = {"en": [info.name_en]} if getattr(info, "name_en", None) else {}
    for form in getattr(info, "names", ()) or ():
        tag = lang_tag(form.script, form.lang, form.text) or "none"
        names.setdefault(tag, []).append(form.text)
    return names or {"none": [code]}


def _provider(code: str | None, directory: Mapping[str, Any] | None) -> dict[str, Any] | None:
    info = (directory or {}).get(code) if code else None
    website = getattr(info, "website", None) if info is not None else None
    if not website:
        return None
    return {"id": website, "type": "Agent", "label": _institution_names(code, directory),
            "homepage": [{"id": website, "type": "Text", "label": _institution_names(code, directory),
                          "format": "text/html"}]}


def _image(url: str) -> dict[str, Any]:
    image: dict[str, Any] = {"id": url, "type": "Image"}
    match = _IMAGE_API.match(url)
    extension = match.group("ext") if match else url.rsplit(".", 1)[-1].lower()
    if extension in _MEDIA_TYPES:
        image["format"] = _MEDIA_TYPES[extension]
    if match:
        width, height = _size(match.group("size"))
        if width and height:
            image["width"], image["height"] = width, height
        image["service"] = [{"id": match.group("service"), "type": "ImageService2",
                             "profile": "http://iiif.io/api/image/2/level1.json"}]
    return image


def _size(size: str) -> tuple[int | None, int | None]:
    match = re.fullmatch(r"!?(\d*),(\d*)", size)
    if not match:
        return None, None
    return (int(match.group(1)) if match.group(1) else None, int(match.group(2)) if match.group(2) else None)


def _thumbnail_canvas(manifest: str, url: str) -> dict[str, Any]:
    canvas_id = f"{manifest.removesuffix('/manifest')}/canvas/1"
    body = _image(url)
    canvas: dict[str, Any] = {"id": canvas_id, "type": "Canvas", "label": _en("Image")}
    if "width" in body:
        canvas["width"], canvas["height"] = body["width"], body["height"]
    canvas["items"] = [_painting_page(canvas_id, body)]
    return canvas


def _painting_page(canvas_id: str, body: dict[str, Any], annotation_id: str | None = None) -> dict[str, Any]:
    return {"id": f"{canvas_id}/page", "type": "AnnotationPage", "items": [{
        "id": annotation_id or f"{canvas_id}/painting", "type": "Annotation", "motivation": "painting",
        "body": body, "target": canvas_id}]}


def _source_canvases(original: dict[str, Any]) -> list[dict[str, Any]]:
    """Canvases of the source's manifest as Presentation 3 (version 3 taken as is, version 2 converted)."""
    if original.get("type") == "Manifest" and isinstance(original.get("items"), list):
        return [c for c in original["items"] if isinstance(c, dict) and c.get("type") == "Canvas"]
    canvases = []
    for sequence in original.get("sequences", [])[:1]:
        for canvas in sequence.get("canvases", []):
            converted = _canvas_from_v2(canvas)
            if converted:
                canvases.append(converted)
    return canvases


def _canvas_from_v2(canvas: dict[str, Any]) -> dict[str, Any] | None:
    canvas_id = canvas.get("@id")
    if not canvas_id:
        return None
    result: dict[str, Any] = {"id": canvas_id, "type": "Canvas"}
    label = canvas.get("label")
    if isinstance(label, str) and label.strip():
        result["label"] = {"none": [label.strip()]}
    if isinstance(canvas.get("width"), int) and isinstance(canvas.get("height"), int):
        result["width"], result["height"] = canvas["width"], canvas["height"]
    pages = []
    for number, annotation in enumerate(canvas.get("images", [])):
        resource = annotation.get("resource") or {}
        if not resource.get("@id"):
            continue
        body: dict[str, Any] = {"id": resource["@id"], "type": "Image"}
        if resource.get("format"):
            body["format"] = resource["format"]
        if isinstance(resource.get("width"), int) and isinstance(resource.get("height"), int):
            body["width"], body["height"] = resource["width"], resource["height"]
        service = resource.get("service")
        if isinstance(service, dict) and service.get("@id"):
            body["service"] = [{"id": service["@id"], "type": "ImageService2",
                                "profile": service.get("profile", "http://iiif.io/api/image/2/level1.json")}]
        pages.append((annotation.get("@id") or f"{canvas_id}/painting/{number}", body))
    if not pages:
        return None
    result["items"] = [{"id": f"{canvas_id}/page", "type": "AnnotationPage", "items": [
        {"id": annotation_id, "type": "Annotation", "motivation": "painting", "body": body, "target": canvas_id}
        for annotation_id, body in pages]}]
    return result


# --- collections ------------------------------------------------------------------------------------------


def collection_item(record: Record, base_url: str) -> dict[str, Any]:
    """A collection's reference to the record's manifest URL here (which redirects to the source's manifest
    when we have no canvases of our own)."""
    main = record.main_title
    item: dict[str, Any] = {
        "id": manifest_url(base_url, record.id),
        "type": "Manifest",
        "label": language_map(main.forms, record) if main and main.forms else {"none": [record.id]},
    }
    thumbnails = links(record, "thumbnail")
    if thumbnails:
        item["thumbnail"] = [_image(thumbnails[0])]
    return item


def institution_collection(code: str, records: Iterable[Record], base_url: str,
                           directory: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The collection of one institution's records with a manifest (``records`` may be all of its records)."""
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": collection_url(base_url, code),
        "type": "Collection",
        "label": _institution_names(code, directory) or {"none": [code]},
        "items": [collection_item(record, base_url) for record in records if has_manifest(record)],
    }


def top_collection(codes: Iterable[str], base_url: str, directory: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": collection_url(base_url),
        "type": "Collection",
        "label": {"en": ["Tongwen: images of the member libraries"], "zh": ["同文"], "ja": ["同文"]},
        "items": [{"id": collection_url(base_url, code), "type": "Collection",
                   "label": _institution_names(code, directory) or {"none": [code]}} for code in codes],
    }
