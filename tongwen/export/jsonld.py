"""schema.org JSON-LD: a `Book` (or the closest `CreativeWork` type) with language-tagged strings.

    >>> from tongwen.model import Form, Record, Title
    >>> rec = Record("ndl", "1", titles=[Title([Form("Genji monogatari", "Latn", "jpn"), Form("源氏物語", "Hani", "jpn")])],
    ...              languages=["jpn"], content_type="book")
    >>> doc = jsonld_dict(rec, base_url="https://tongwen.example")
    >>> doc["@type"], doc["@id"], doc["name"]
    ('Book', 'https://tongwen.example/record/ndl:1', [{'@value': 'Genji monogatari', '@language': 'ja-Latn'}, {'@value': '源氏物語', '@language': 'ja'}])

Every text in a script is a JSON-LD value object ``{"@value", "@language"}`` so a consumer keeps 源氏物語 (ja)
and Genji monogatari (ja-Latn) apart; main-title forms are ``name``, other titles ``alternateName``, series
``isPartOf``. Names are `Person` / `Organization` nodes whose ``name`` carries every form.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from tongwen.export.common import (
    display_date,
    form_tag,
    identifiers_of,
    iso_year,
    links_of,
    publication_forms,
    record_bcp47_languages,
    text_tag,
)
from tongwen.model import Form, Record

SCHEMA_CONTEXT = "https://schema.org/"
_TYPES = {
    "book": "Book", "serial": "Periodical", "manuscript": "Manuscript", "map": "Map", "music": "MusicComposition",
    "score": "SheetMusic", "sound": "AudioObject", "video": "VideoObject", "image": "VisualArtwork",
    "article": "ScholarlyArticle", "dataset": "Dataset", "software": "SoftwareApplication",
}
_AGENT_TYPES = {"person": "Person", "organization": "Organization", "meeting": "Event"}


def record_url(base_url: str, record_id: str) -> str:
    return f"{base_url.rstrip('/')}/record/{quote(record_id, safe=':')}"


def _strings(forms: list[Form], record: Record) -> list[dict[str, str]]:
    values = []
    for form in forms:
        value: dict[str, str] = {"@value": form.text}
        tag = form_tag(form, record)
        if tag:
            value["@language"] = tag
        values.append(value)
    return values


def _string(text: str, script: str | None, record: Record) -> dict[str, str] | str:
    tag = text_tag(text, script, record)
    return {"@value": text, "@language": tag} if tag else text


def jsonld_dict(record: Record, *, base_url: str = "", with_context: bool = True) -> dict[str, Any]:
    """The record as a schema.org node (a plain dict ready for `json.dumps`)."""
    node: dict[str, Any] = {}
    if with_context:
        node["@context"] = SCHEMA_CONTEXT
    node["@type"] = _TYPES.get(record.content_type or "", "CreativeWork")
    node["@id"] = record_url(base_url, record.id)
    node["identifier"] = [{"@type": "PropertyValue", "propertyID": "tongwen", "value": record.id}] + [
        {"@type": "PropertyValue", "propertyID": i.scheme, "value": i.value} for i in record.identifiers
    ]
    main = record.main_title
    if main is not None:
        node["name"] = _strings(main.forms, record)
    alternate = [s for t in record.titles if t is not main and t.role != "series" for s in _strings(t.forms, record)]
    if alternate:
        node["alternateName"] = alternate
    series = [t for t in record.titles if t.role == "series"]
    if series:
        node["isPartOf"] = [{"@type": "CreativeWorkSeries", "name": _strings(t.forms, record)} for t in series]
    for key, agents in (("author", [a for a in record.agents if a.role == "creator"]),
                        ("contributor", [a for a in record.agents if a.role != "creator"])):
        if agents:
            node[key] = [_agent(agent, record) for agent in agents]
    publishers = [f for f in publication_forms(record) if f.publisher]
    if publishers:
        node["publisher"] = {"@type": "Organization",
                             "name": [_string(f.publisher, f.script, record) for f in publishers]}
    places = [f for f in publication_forms(record) if f.place]
    if places:
        node["locationCreated"] = {"@type": "Place", "name": [_string(f.place, f.script, record) for f in places]}
    date = iso_year(record) or display_date(record)  # ISO when normalised, else as transcribed
    if date:
        node["datePublished"] = date
    if record.languages:
        node["inLanguage"] = record_bcp47_languages(record)
    isbns = identifiers_of(record, "isbn")
    if isbns and node["@type"] == "Book":
        node["isbn"] = isbns
    issns = identifiers_of(record, "issn")
    if issns:
        node["issn"] = issns
    if record.subjects:
        node["about"] = [{"@type": "Thing", "name": _string(s.term, s.script, record)} for s in record.subjects]
    if record.genres:
        node["genre"] = record.genres
    if record.extent:
        node["materialExtent"] = _string(record.extent, None, record)
    if record.notes:
        node["description"] = [_string(note, None, record) for note in record.notes]
    urls = links_of(record, "landing", "fulltext", "other")
    if urls:
        node["url"] = urls
    images = links_of(record, "thumbnail")
    if images:
        node["image"] = images
    manifests = links_of(record, "iiif_manifest")
    if manifests:
        node["subjectOf"] = [{"@type": "CreativeWork", "url": url, "encodingFormat": "application/ld+json",
                              "additionalType": "http://iiif.io/api/presentation/3#Manifest"} for url in manifests]
    if record.license:
        node["license"] = record.license
    if record.rights:
        node["copyrightNotice"] = record.rights
    if record.institution:
        node["sourceOrganization"] = {"@type": "Library", "identifier": record.institution}
    return node


def _agent(agent, record: Record) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": _AGENT_TYPES.get(agent.kind, "Person"), "name": _strings(agent.forms, record)}
    if agent.role != "creator":
        node["roleName"] = agent.role
    return node


def jsonld_string(record: Record, *, base_url: str = "") -> str:
    return json.dumps(jsonld_dict(record, base_url=base_url), ensure_ascii=False)
