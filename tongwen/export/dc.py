"""Simple Dublin Core (oai_dc) from the common model, every script form kept with its ``xml:lang``.

    >>> from tongwen.model import Form, Record, Title
    >>> rec = Record("ndl", "1", titles=[Title([Form("Genji monogatari", "Latn", "jpn"), Form("源氏物語", "Hani", "jpn")])],
    ...              languages=["jpn"], year_from=1958)
    >>> element = dc_element(rec)
    >>> [(e.get(XML_LANG), e.text) for e in element.iter(f"{{{DC_NS}}}title")]
    [('ja-Latn', 'Genji monogatari'), ('ja', '源氏物語')]
    >>> [e.text for e in element.iter(f"{{{DC_NS}}}date", f"{{{DC_NS}}}identifier")]
    ['1958', 'ndl:1']

Mapping (DCMI "Using Dublin Core", and the DC-to-MARC crosswalk read backwards): every title form → dc:title;
agents with role creator → dc:creator, other roles → dc:contributor; publisher (each script) → dc:publisher;
the display date → dc:date; subjects and genres → dc:subject / dc:type; ISO 639-2 languages → dc:language;
standard numbers as URNs (``urn:isbn:…``), links and the Tongwen id → dc:identifier; notes → dc:description;
extent → dc:format; rights and licence → dc:rights; the holding institution → dc:source.
"""

from __future__ import annotations

import re

from lxml import etree

from tongwen.export.common import display_date, form_tag, publication_forms, text_tag
from tongwen.model import Record

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
_NSMAP = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_URN_SCHEMES = {"isbn": "urn:isbn:", "issn": "urn:issn:", "nbn": "urn:nbn:", "doi": "info:doi/", "lccn": "info:lccn/"}


def dc_element(record: Record, *, with_schema_location: bool = True) -> etree._Element:
    """The record as an ``oai_dc:dc`` element (for OAI-PMH, SRU and the DC export)."""
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=_NSMAP)
    if with_schema_location:
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")

    def add(name: str, text: str | None, lang: str | None = None) -> None:
        text = _clean(text)
        if text:
            element = etree.SubElement(root, f"{{{DC_NS}}}{name}")
            element.text = text
            if lang:
                element.set(XML_LANG, lang)

    for title in record.titles:
        for form in title.forms:
            add("title", form.text, form_tag(form, record))
    for agent in record.agents:
        element = "creator" if agent.role == "creator" else "contributor"
        for form in agent.forms:
            add(element, form.text, form_tag(form, record))
    for subject in record.subjects:
        add("subject", subject.term, text_tag(subject.term, subject.script, record))
    for note in record.notes:
        add("description", note, text_tag(note, None, record))
    seen_publishers: set[str] = set()
    for form in publication_forms(record):
        if form.publisher and form.publisher not in seen_publishers:
            seen_publishers.add(form.publisher)
            add("publisher", form.publisher, text_tag(form.publisher, form.script, record))
    add("date", display_date(record))
    if record.content_type:
        add("type", record.content_type)
    for genre in record.genres:
        add("type", genre)
    add("format", record.extent)
    for identifier in record.identifiers:
        add("identifier", _URN_SCHEMES.get(identifier.scheme, "") + identifier.value)
    for link in record.links:
        add("identifier", link.url)
    add("identifier", record.id)
    for code in record.languages:
        add("language", code)
    add("source", record.institution)
    add("rights", record.rights)
    add("rights", record.license)
    return root


def dc_string(record: Record) -> str:
    return etree.tostring(dc_element(record), encoding="unicode")


def _clean(text: str | None) -> str | None:
    """Text XML 1.0 can carry: control characters (which some catalogues contain) are dropped."""
    if text is None:
        return None
    return _CONTROL.sub("", text.strip())


xml_text = _clean
