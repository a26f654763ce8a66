"""What a researcher does with a record: view it at the holding library, cite it, export it, link to it, and
the picture that shows what it is. Pure functions from the model to plain dicts for record.html and the hit list.

Images are only ever linked, never fetched: a thumbnail is the record's own thumbnail link (readers take it
from a IIIF manifest's ``thumbnail`` when they import one), else a small rendition of its first page's IIIF
image, shown by the reader's browser.

    >>> from tongwen.model import Page, PageImage, Record
    >>> service = "https://kokusho.nijl.ac.jp/api/iiif/100376839/v4/TKGL/TKGL-20424/TKGL-20424-00000.tif"
    >>> thumbnail_of(Record("nijl", "1", pages=[Page("1", image=PageImage(service))]))
    'https://kokusho.nijl.ac.jp/api/iiif/100376839/v4/TKGL/TKGL-20424/TKGL-20424-00000.tif/full/200,/0/default.jpg'
"""

from __future__ import annotations

from typing import Any

from tongwen.export import FORMATS
from tongwen.export.cite import citations
from tongwen.model import Record

EXPORT_LABELS = {"ris": "RIS (EndNote, Zotero, Mendeley)", "bibtex": "BibTeX", "csv": "CSV", "jsonld": "JSON-LD",
                 "marcxml": "MARCXML", "dc": "Dublin Core"}


def first_link(record: Record, kind: str) -> str | None:
    # The portal's CSP lets images come from https: only; plain-http pages are still links people may follow.
    schemes = ("https://",) if kind == "thumbnail" else ("http://", "https://")
    return next((link.url for link in record.links if link.kind == kind and link.url.startswith(schemes)), None)


def thumbnail_of(record: Record) -> str | None:
    linked = first_link(record, "thumbnail")
    if linked or not record.pages:
        return linked
    image = record.pages[0].image
    if image is None or not image.url.startswith("https://"):
        return None
    if image.kind == "iiif":
        # "200," (by width) is in level 1 of Image API 2 and 3 alike, so every image server answers it.
        return image.url.rstrip("/") + "/full/200,/0/default.jpg"
    return image.url if (image.format or "").startswith("image/") else None


def record_actions(record: Record, *, permalink: str, export_url: str, original_lang: str) -> dict[str, Any]:
    """`permalink`: the record page's stable URL; `export_url`: /api/export/records/<id> for this record;
    `original_lang`: the title's language tag, for the citations written in the original script."""
    landing = first_link(record, "landing")
    return {
        "landing": landing,
        "iiif_manifest": first_link(record, "iiif_manifest"),
        "thumbnail": thumbnail_of(record),
        "permalink": permalink,
        # The holding library's page outlives a portal that may run on one laptop; without it, the portal's.
        "citations": [{"name": c.style.name, "label": c.style.label, "text": c.text, "html": c.html,
                       "lang": original_lang if c.style.script == "original" else c.style.lang}
                      for c in citations(record, url=landing or permalink)],
        "exports": [{"label": EXPORT_LABELS.get(name, name), "format": name, "url": f"{export_url}?format={name}"}
                    for name in FORMATS],
    }
