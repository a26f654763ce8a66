"""The page viewer: ``/record/{id}/view?page=LABEL&q=WORDS`` — one page of a digitised item, its image and
its text side by side, the query's words marked in both.

Why OpenSeadragon with our own navigation rather than Mirador or the Universal Viewer: OpenSeadragon is one
file (vendored by ``make assets``, served from /static, so it works offline), needs no React or webpack build,
and does the one thing we need from a library — deep zoom over IIIF tiles, local level 0 or remote. Page
turning, the page list, the text beside the image, vertical reading and highlighting are small and ours, in
the portal's own markup, languages and accessibility (real links and buttons, keyboard, ARIA), and the same
page works without JavaScript: the server renders the text, a picture of the page, and links to the
previous, next and every other page; the script only turns pages in place and lets you zoom.

Highlights come from the index's own analysis (`tongwen.index.highlight.match_spans`): 学而 typed in
simplified characters marks 學而 in the text, and on the image the boxes of the words it covers (ALTO, hOCR),
as the item's IIIF Content Search service finds them (`tongwen.protocols.content_search.page_hits`).
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from tongwen.cjk.layout import reads_vertically
from tongwen.index.highlight import match_spans
from tongwen.index.query import QuerySyntaxError, parse_query
from tongwen.model import Page, Record
from tongwen.protocols.content_search import page_hits
from tongwen.protocols.iiif import text_language
from tongwen.protocols.iiif_image import LocalImages, service_url
from tongwen.web.i18n import gettext as _
from tongwen.web.images import local_images
from tongwen.web.record_actions import thumbnail_of
from tongwen.web.rendering import choose_language, render
from tongwen.web.views import display_title

router = APIRouter(include_in_schema=False)

THUMBNAIL_WIDTH = 120  # the smallest listed size at least this wide is a page's thumbnail
PICTURE_WIDTH = 1000  # the picture shown without JavaScript: the largest listed size up to this wide
PAGES_ON_RECORD_PAGE = 48  # thumbnails on the record page (lazily loaded); the viewer lists every page
EXCERPT_CHARS = 40  # of a text-only page, shown in place of a thumbnail


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class PageImages:
    """Where each page's picture comes from, for the browser: a thumbnail, a picture of readable size (no
    JavaScript) and OpenSeadragon's tile source — our level 0 tiles for a local file, the source's IIIF
    image service as it is, or a plain image address."""

    def __init__(self, record: Record, images: LocalImages, base_url: str) -> None:
        self.record, self.images, self.base_url = record, images, base_url

    def of(self, page: Page) -> dict[str, Any] | None:
        image = page.image
        if image is None:
            return None
        if image.kind == "file":
            identifier = self.images.identifier(self.record, page)
            info = self.images.info(identifier, "") if identifier else None
            if info is None:
                return _plain_image(image.url) if image.url.startswith(("http://", "https://")) else None
            service = service_url(self.base_url, identifier)
            sizes = [(size["width"], size["height"]) for size in info.get("sizes", [])]
            small = next((s for s in sizes if s[0] >= THUMBNAIL_WIDTH), sizes[-1] if sizes else None)
            readable = [s for s in sizes if s[0] <= PICTURE_WIDTH]
            return {
                "thumbnail": f"{service}/full/{small[0]},{small[1]}/0/default.jpg" if small
                else f"{service}/full/max/0/default.jpg",
                "picture": f"{service}/full/{readable[-1][0]},{readable[-1][1]}/0/default.jpg" if readable
                else f"{service}/full/max/0/default.jpg",
                "tiles": f"{service}/info.json",
                "width": info["width"], "height": info["height"],
            }
        service = image.url.rstrip("/")
        # Sizes by height alone (",240") are level 1 in Image API 2 and 3 alike.
        return {"thumbnail": f"{service}/full/,240/0/default.jpg", "picture": f"{service}/full/,1200/0/default.jpg",
                "tiles": f"{service}/info.json", "width": page.width, "height": page.height}


def first_page_thumbnail(record: Record, images: LocalImages) -> str | None:
    """The picture that shows what a record is: its own thumbnail link (`thumbnail_of`), else a small size of
    its first page's local tiles, as a same-origin path (the home page's and the hit list's thumbnails)."""
    linked = thumbnail_of(record)
    if linked or not record.pages:
        return linked
    picture = PageImages(record, images, "").of(record.pages[0])
    return picture["thumbnail"] if picture and picture["thumbnail"].startswith("/iiif/image/") else None


def text_hits_view(record_id: str, in_text: dict[str, Any] | None, query: str | None) -> dict[str, Any] | None:
    """A record hit's pages where the full text matched (the index's ``in_text``: count and the first pages,
    each with its highlighted snippet), each opening the viewer at that page with the query's words marked:
    ``url`` is the query string to add to /record/{id}/view."""
    if not in_text or not in_text.get("count"):
        return None
    pages = [{"label": page["label"], "snippet": Markup(page["snippet"]) if page.get("snippet") else None,
              "params": urlencode({"page": page["label"], **({"q": query} if query else {})})}
             for page in in_text.get("pages", [])]
    return {"count": in_text["count"], "pages": pages, "more": in_text["count"] > len(pages)}


def _plain_image(url: str) -> dict[str, Any]:
    return {"thumbnail": url, "picture": url, "tiles": {"type": "image", "url": url}, "width": None, "height": None}


def viewer_path(request: Request, record_id: str) -> str:
    return str(request.url_for("viewer_page", record_id=record_id).path)


def view_url(base: str, label: str | None = None, query: str | None = None) -> str:
    """The viewer at page ``label`` with ``query`` marked; ``base`` is the item's `viewer_path`, asked for once
    (the router's url_for costs 0.2 ms, and an item may have thousands of pages to link)."""
    parameters = {key: value for key, value in (("page", label), ("q", query)) if value}
    return f"{base}?{urlencode(parameters)}" if parameters else base


def page_strip(request: Request, record: Record) -> dict[str, Any] | None:
    """The record page's pages: a thumbnail (or, for a text page, its first words) per page, each opening
    the viewer there, labelled with the source's own page label."""
    if not record.pages:
        return None
    images = PageImages(record, local_images(request), _base(request))
    base = viewer_path(request, record.id)
    entries = []
    for page in record.pages[:PAGES_ON_RECORD_PAGE]:
        picture = images.of(page)
        entries.append({
            "label": page.label,
            "url": view_url(base, page.label),
            "thumbnail": picture["thumbnail"] if picture else None,
            "excerpt": " ".join((page.text or "")[:EXCERPT_CHARS].split()) if not picture else None,
            "lang": text_language(page, record) if page.text else None,
        })
    return {"pages": entries, "count": len(record.pages), "more": max(0, len(record.pages) - len(entries)),
            "read_url": base,
            "has_images": any(entry["thumbnail"] for entry in entries)}


def marked_text(text: str, spans: list[tuple[int, int]]) -> Markup:
    """The page's text, escaped, with ``<mark>`` around each span (overlapping spans merged)."""
    out, position = [], 0
    for start, end in spans:
        if start < position:
            start = position
        if end <= start:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return Markup("".join(out))


def query_words(index, query: str | None) -> tuple[str, ...]:
    """The words of a search the page text is searched for (``text:`` words and plain words), as typed."""
    if not query or not query.strip():
        return ()
    try:
        return index.compiler.compile(parse_query(query)).text_words
    except QuerySyntaxError:
        return ()


def _year(record: Record) -> int | None:
    return record.year_to if record.year_to is not None else record.year_from


def text_source_label(code: str | None) -> str | None:
    """Where the page's text came from (`tongwen.model.TEXT_SOURCES`), in the interface language."""
    labels = {"ocr": _("Text read by OCR"), "transcription": _("Text transcribed"),
              "born-digital": _("Text born digital")}
    return labels.get(code or "", code)


def vertical_by_default(record: Record, page: Page) -> bool:
    """Whether the page's text is shown vertically at first (`tongwen.cjk.layout.reads_vertically`): by the
    shape of its lines when it has their boxes, else by its script and the record's date or page order."""
    return reads_vertically(page.text, page.script, _year(record), record.viewing_direction,
                            [(word.w, word.h) for word in page.words])


@router.get("/record/{record_id:path}/view", response_class=HTMLResponse, name="viewer_page")
def viewer_page(request: Request, record_id: str, page: str | None = None, q: str | None = None):
    choose_language(request)
    catalog = request.app.state.catalog
    record = catalog.record(record_id)
    if record is None:
        raise HTTPException(404, _("There is no record with the id %(id)s.") % {"id": record_id})
    if not record.pages:
        raise HTTPException(404, _("The record %(id)s has no pages to show.") % {"id": record_id})
    labels = [p.label for p in record.pages]
    base = viewer_path(request, record.id)
    if page is None:
        ordinal = 0
    elif page in labels:
        ordinal = labels.index(page)
    else:
        raise HTTPException(404, _("The record %(id)s has no page %(page)s.") % {"id": record_id, "page": page})
    current = record.pages[ordinal]
    index = catalog.fresh_index()
    words = query_words(index, q)
    lang = current.lang or (record.languages[0] if record.languages else None)
    text = current.text or ""
    spans = match_spans(text, words, index.analysis, lang=lang) if words and text else []
    boxes = []
    if words and current.words:
        boxes = [part.box for hit in page_hits(record, ordinal, words, index.analysis)
                 for part in hit.parts if part.box]
    images = PageImages(record, local_images(request), _base(request))
    picture = images.of(current)
    title, _others = display_title(record)
    matching = _matching_pages(index, record, q, request) if words else None
    context = {
        "record": record,
        "title": title,
        "record_url": str(request.url_for("record_page", record_id=record.id).path),
        "page": current,
        "ordinal": ordinal,
        "count": len(record.pages),
        "text": marked_text(text, spans) if text else None,
        "text_lang": text_language(current, record) if text else None,
        "marks": len(spans),
        "text_source": text_source_label(current.text_source),
        "vertical": vertical_by_default(record, current),
        "picture": picture,
        "boxes": boxes,
        "query": q or "",
        "matching": matching,
        "prev_url": view_url(base, labels[ordinal - 1], q) if ordinal > 0 else None,
        "next_url": view_url(base, labels[ordinal + 1], q) if ordinal + 1 < len(labels) else None,
        "page_links": [{"label": label, "url": view_url(base, label, q), "current": n == ordinal}
                       for n, label in enumerate(labels)],
        "right_to_left": record.viewing_direction == "right-to-left",
        "search_action": str(request.url_for("viewer_page", record_id=record.id).path),
    }
    response = render(request, "viewer.html", context)
    response.headers["Content-Security-Policy"] = viewer_policy()
    return response


def viewer_policy() -> str:
    """The portal's policy, and OpenSeadragon may read a remote image service's info.json (connect-src)."""
    from tongwen.web.app import SECURITY_HEADERS

    return SECURITY_HEADERS["Content-Security-Policy"].replace("default-src 'self';",
                                                               "default-src 'self'; connect-src 'self' https:;")


def _matching_pages(index, record: Record, query: str | None, request: Request) -> dict[str, Any] | None:
    """The item's pages the query's words are on (the first 50, in page order), each a link to it."""
    found = index.search_in_item(record.id, query or "", page_size=50)
    if not found.get("count"):
        return {"count": 0, "pages": []}
    base = viewer_path(request, record.id)
    return {"count": found["count"],
            "pages": [{"label": hit["label"], "url": view_url(base, hit["label"], query)} for hit in found["pages"]]}
