"""The pages of a IIIF manifest (Presentation 2 and 3): its canvases, their images and their text.

`tongwen.ingest.iiif` hands the canvases it streams past to `pages_from_canvases`; the manifest mapper calls
`apply`. Per canvas:

- label: the canvas ``label`` as written (the first value of a language map), else its number in order;
  id: the canvas id; size: ``width`` × ``height``;
- image: the painting annotation's body — its IIIF Image service (``service`` id, kind ``iiif``) when it has
  one, else the image itself (kind ``file``); 2.x: ``images[0].resource``;
- text: annotations with ``motivation: supplementing`` (3.0) whose body is a ``TextualBody`` (its ``value``
  and ``language``), and in 2.x embedded ``otherContent`` / ``resources`` with ``cnt:ContentAsText``
  ``chars``; the text is a transcription unless the annotation says OCR (a ``label`` or ``textGranularity``
  naming it);
- ``seeAlso`` / ``rendering`` links to ALTO or hOCR (by ``format`` / ``profile``) are kept with the page
  (`Page.links`), to be fetched by a harvester; nothing is fetched while reading a file.

The manifest's ``viewingDirection`` becomes `Record.viewing_direction` (one of the IIIF values, else a
warning).
"""

from __future__ import annotations

from typing import Any

from tongwen.ingest.base import Diagnostic
from tongwen.ingest.common_rules import parse_lang_tag
from tongwen.ingest.pages import finish_page, unique_labels
from tongwen.model import VIEWING_DIRECTIONS, Link, Page, PageImage, Record

PAGES_KEY = "_tongwen_pages"  # where the reader leaves the pages in the manifest payload (not in the original)
_OCR_FORMATS = ("alto", "hocr", "vnd.hocr")


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _type(value: dict[str, Any]) -> str:
    kind = value.get("type") or value.get("@type") or ""
    return kind if isinstance(kind, str) else ""


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first_text(value: Any) -> tuple[str | None, str | None]:
    """(text, language) of the first value of a IIIF text value (string, language map, 2.x @value)."""
    from tongwen.ingest.iiif import language_values  # imported here: iiif imports this module

    pairs = language_values(value)
    return (pairs[0][1], pairs[0][0]) if pairs else (None, None)


def canvases_of(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The canvases embedded in a manifest dict: 2.x ``sequences[0].canvases``, 3.0 ``items``."""
    found = [c for c in _list(manifest.get("items")) if isinstance(c, dict) and _type(c) == "Canvas"]
    for sequence in _list(manifest.get("sequences"))[:1]:
        if isinstance(sequence, dict):
            found += [c for c in _list(sequence.get("canvases")) if isinstance(c, dict)]
    return found


def canvases_in_sequences(sequences: Any) -> list[dict[str, Any]]:
    return canvases_of({"sequences": sequences})


def _image(canvas: dict[str, Any]) -> PageImage | None:
    bodies: list[Any] = [image.get("resource") for image in _list(canvas.get("images")) if isinstance(image, dict)]
    for page in _list(canvas.get("items")):  # 3.0: AnnotationPage → painting Annotation → body
        for annotation in _list(page.get("items") if isinstance(page, dict) else None):
            if isinstance(annotation, dict) and annotation.get("motivation") in ("painting", None):
                bodies.extend(_list(annotation.get("body")))
    for body in bodies:
        if not isinstance(body, dict):
            continue
        service = next((_id(s) for s in _list(body.get("service")) if _id(s)), None)
        if service:
            return PageImage(service.removesuffix("/info.json"), "iiif")
        if _id(body):
            return PageImage(_id(body), "file", body.get("format") if isinstance(body.get("format"), str) else None)
    return None


def _texts(canvas: dict[str, Any]) -> tuple[list[str], str | None, bool]:
    """The canvas' embedded text annotations: their texts, the first language, whether they say OCR."""
    texts: list[str] = []
    lang: str | None = None
    ocr = False
    annotations: list[Any] = []
    for page in _list(canvas.get("annotations")) + _list(canvas.get("otherContent")):
        if isinstance(page, dict):
            annotations += _list(page.get("items")) + _list(page.get("resources"))
    for annotation in annotations:
        if not isinstance(annotation, dict):
            continue
        motivation = " ".join(str(m) for m in _list(annotation.get("motivation")))
        described = f"{annotation.get('label') or ''} {annotation.get('textGranularity') or ''}".lower()
        for body in _list(annotation.get("body")) + _list(annotation.get("resource")):
            if not isinstance(body, dict):
                continue
            if _type(body) == "TextualBody" and "supplementing" in motivation:
                value = body.get("value")
            elif _type(body) == "cnt:ContentAsText":
                value = body.get("chars")
            else:
                continue
            if isinstance(value, str) and value.strip():
                texts.append(value)
                lang = lang or (body.get("language") if isinstance(body.get("language"), str) else None)
                lang = lang or (body.get("@language") if isinstance(body.get("@language"), str) else None)
                ocr = ocr or "ocr" in described
    return texts, lang, ocr


def _ocr_links(canvas: dict[str, Any]) -> list[Link]:
    links = []
    for key in ("seeAlso", "rendering"):
        for item in _list(canvas.get(key)):
            if not isinstance(item, dict) or not _id(item):
                continue
            described = f"{item.get('format') or ''} {item.get('profile') or ''}".lower()
            if any(name in described for name in _OCR_FORMATS):
                kind = "hOCR" if "hocr" in described else "ALTO"
                links.append(Link(_id(item), "fulltext", kind))
    return links


def pages_from_canvases(canvases: list[dict[str, Any]]) -> tuple[list[Page], list[Diagnostic]]:
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for number, canvas in enumerate(canvases, start=1):
        label, _ = _first_text(canvas.get("label"))
        page = Page(label or str(number), id=_id(canvas), image=_image(canvas), links=_ocr_links(canvas))
        for key in ("width", "height"):
            value = canvas.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                setattr(page, key, value)
        texts, lang, ocr = _texts(canvas)
        if texts:
            page.text = "\n".join(texts)
        _, found = finish_page(page, lang=parse_lang_tag(lang).lang, source="ocr" if ocr else "transcription")
        problems.extend(found)
        if page.image is None and page.text is None:
            problems.append(Diagnostic(f"canvas {page.label!r} has neither an image nor text", "canvas", "info"))
        pages.append(page)
    return pages, problems + unique_labels(pages)


def apply(record: Record, manifest: dict[str, Any], diagnostics: list[Diagnostic]) -> None:
    """The pages the reader found, and the viewing direction, onto the mapped record."""
    record.pages = manifest.get(PAGES_KEY) or []
    direction = manifest.get("viewingDirection")
    if isinstance(direction, str) and direction.strip():
        direction = direction.strip().removeprefix("sc:")
        if direction in VIEWING_DIRECTIONS:
            record.viewing_direction = direction
        else:
            diagnostics.append(
                Diagnostic(f"{direction!r} is not a IIIF viewing direction; ignored", "viewingDirection")
            )
