"""MODS reader and mapper: ``<mods>`` alone, in a ``<modsCollection>``, or inside SRU / OAI-PMH responses
(Library of Congress SRU answers with recordSchema=mods).

Script pairs: MODS from MARC 880 fields repeats ``titleInfo`` / ``name`` / ``originInfo`` with the same
``altRepGroup``, and a romanized ``titleInfo`` carries ``transliteration`` — both become forms of one `Title`
(or `Agent`, `Publication`), in document order.

    >>> raw = next(read(io.BytesIO(SAMPLE), "sample.xml", {}))
    >>> record, _ = map(raw, MapContext(source="demo"))
    >>> [(f.text, f.script) for f in record.titles[0].forms]
    [('紅樓夢', 'Hani'), ('Hong lou meng', 'Latn')]
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from lxml import etree

from tongwen.ingest import common_rules as rules
from tongwen.ingest.base import FIELD_LIMIT, Diagnostic, Format, MapContext, RawRecord, RecordRejected, oversized
from tongwen.ingest.xmlsafe import UnsafeXML, damage_message, iter_elements, oversized_part, local_name, split_tag
from tongwen.model import Agent, Form, Link, Provenance, Publication, PublicationForm, Record, Subject, Title

MODS_NS = "http://www.loc.gov/mods/v3"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

SAMPLE = """<mods xmlns="http://www.loc.gov/mods/v3">
<titleInfo altRepGroup="01" script="Hani"><title>紅樓夢</title></titleInfo>
<titleInfo altRepGroup="01" transliteration="pinyin"><title>Hong lou meng</title></titleInfo>
<language><languageTerm type="code" authority="iso639-2b">chi</languageTerm></language>
<recordInfo><recordIdentifier>demo-1</recordIdentifier></recordInfo></mods>""".encode()


# ====================================================================== reading


def sniff(head: bytes, name: str) -> bool:
    return b"http://www.loc.gov/mods/v" in head[:65536]


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """Stream every ``<mods>`` element as a `RawRecord` (payload: a detached copy of the element).
    A broken document ends with one `RawRecord` whose ``error`` names the line; earlier records are kept."""
    count = 0
    try:
        for element in iter_elements(stream, ("mods",)):
            if split_tag(element.tag)[0] not in (MODS_NS, None):
                continue
            count += 1
            local_id = _first_text(element, "recordInfo/recordIdentifier")
            too_long = oversized_part(element, FIELD_LIMIT)
            if too_long:
                position = f"{label} record {count}"
                yield RawRecord(position=position, local_id=local_id, error=f"{position}: {oversized(*too_long)}")
                continue
            yield RawRecord(
                position=f"{label} record {count}",
                payload=copy.deepcopy(element),  # the streaming parser frees the original behind us
                original=etree.tostring(element, encoding="unicode"),
                local_id=local_id,
            )
    except (UnsafeXML, etree.XMLSyntaxError) as exc:
        error = f"{label}: {exc}" if isinstance(exc, UnsafeXML) else damage_message(label, exc)
        yield RawRecord(position=f"{label} record {count + 1}", error=error)


# ====================================================================== mapping


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:  # noqa: A001 - the Format seam's name
    """Map one MODS `RawRecord` to a `Record`."""
    if raw.error:
        raise RecordRejected(raw.error)
    mods: etree._Element = raw.payload
    diagnostics = list(raw.diagnostics)
    identifiers = identifiers_from_mods(mods, diagnostics)
    local_id = raw.local_id or next((i.value for i in identifiers if i.scheme == "lccn"), None)
    if not local_id:
        raise RecordRejected("no recordInfo/recordIdentifier and no LCCN", "recordInfo/recordIdentifier")
    record = Record(source=ctx.source, local_id=local_id, institution=ctx.institution, identifiers=identifiers)
    record.provenance = Provenance(ctx.source, "mods", position=raw.position, original=raw.original)
    record.languages = languages_from_mods(mods, diagnostics)
    main_lang = record.languages[0] if record.languages else None
    record.titles = titles_from_mods(mods, main_lang)
    if not record.titles:
        raise RecordRejected("no titleInfo/title", "titleInfo")
    record.agents = agents_from_mods(mods)
    record.publications = publications_from_mods(mods)
    record.date_display, record.year_from, record.year_to = dates_from_mods(mods, main_lang, diagnostics)
    record.subjects = subjects_from_mods(mods)
    record.genres = _unique(_texts(mods, "genre"))
    record.content_type = content_type_from_mods(mods)
    record.extent = _first_text(mods, "physicalDescription/extent")
    record.notes = notes_from_mods(mods)
    record.links = links_from_mods(mods)
    record.rights, record.license = rights_from_mods(mods)
    return record, diagnostics


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in parent if isinstance(c.tag, str) and local_name(c.tag) == name]


def _find_all(parent: etree._Element, path: str) -> list[etree._Element]:
    nodes = [parent]
    for step in path.split("/"):
        nodes = [c for n in nodes for c in _children(n, step)]
    return nodes


def _text(element: etree._Element) -> str | None:
    return rules.clean_text("".join(element.itertext()))


def _texts(parent: etree._Element, path: str) -> list[str]:
    return [t for t in (_text(e) for e in _find_all(parent, path)) if t]


def _first_text(parent: etree._Element, path: str) -> str | None:
    found = _texts(parent, path)
    return found[0] if found else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _lang_of(element: etree._Element) -> str | None:
    return rules.language_code(element.get("lang") or element.get(XML_LANG))


def _form(text: str, element: etree._Element, default_lang: str | None) -> Form:
    script = element.get("script") or rules.text_script(text)
    if element.get("transliteration"):
        script = "Latn" if rules.text_script(text) == "Latn" else script
    if script == "Hani" and element.get("script") is None:
        script = rules.text_script(text)
    if element.get("transliteration"):  # a romanization is in its original's language, which we may not know
        return Form(text, script, _lang_of(element))
    return Form(text, script, _lang_of(element) or rules.form_language(script, default_lang))


_TITLE_ROLES = {None: "main", "translated": "parallel", "alternative": "variant", "abbreviated": "variant",
                "uniform": "uniform"}


def title_text(title_info: etree._Element) -> str | None:
    """nonSort + title + ``: subTitle`` + ``. partNumber`` + ``. partName``, as MARC 245 reads."""
    non_sort = "".join(e.text or "" for e in _children(title_info, "nonSort"))
    title = _first_text(title_info, "title")
    if not title:
        return None
    text = (non_sort if non_sort.endswith((" ", "'", "-")) or not non_sort else non_sort + " ") + title
    for sub in _texts(title_info, "subTitle"):
        text += f" : {sub}"
    for part in (*_texts(title_info, "partNumber"), *_texts(title_info, "partName")):
        text += f". {part}"
    return rules.clean_text(text)


def titles_from_mods(mods: etree._Element, main_lang: str | None) -> list[Title]:
    """titleInfo (no type: main, later ones variant; translated: parallel; alternative: variant; uniform),
    relatedItem[@type=series]/titleInfo (series). Same ``altRepGroup``, or a ``transliteration`` right after
    its original, make one `Title` with several forms."""
    titles: list[Title] = []
    groups: dict[str, Title] = {}
    sources = [(t, None) for t in _children(mods, "titleInfo")]
    for related in _children(mods, "relatedItem"):
        if related.get("type") == "series":
            sources.extend((t, "series") for t in _children(related, "titleInfo"))
    for title_info, forced_role in sources:
        text = title_text(title_info)
        if not text:
            continue
        form = _form(text, title_info, main_lang)
        group = title_info.get("altRepGroup")
        if group and group in groups:
            groups[group].forms.append(form)
            continue
        previous = titles[-1] if titles else None
        if title_info.get("transliteration") and previous is not None and not group:
            previous.forms.append(form)
            continue
        role = forced_role or _TITLE_ROLES.get(title_info.get("type"), "variant")
        if role == "main" and any(t.role == "main" for t in titles):
            role = "variant"
        title = Title([form], role)
        titles.append(title)
        if group:
            groups[group] = title
    if titles and not any(t.role == "main" for t in titles):
        titles[0].role = "main"
    return titles


_NAME_KINDS = {"personal": "person", "corporate": "organization", "conference": "meeting", "family": "person"}


def name_text(name: etree._Element) -> tuple[str | None, str | None]:
    """(name as catalogued, dates): untyped nameParts in order, or ``family, given``; ``termsOfAddress``
    appended; ``namePart type="date"`` returned separately."""
    parts = [p for p in _children(name, "namePart") if not p.get("type")]
    family = [t for p in _children(name, "namePart") if p.get("type") == "family" and (t := _text(p))]
    given = [t for p in _children(name, "namePart") if p.get("type") == "given" and (t := _text(p))]
    address = [t for p in _children(name, "namePart") if p.get("type") == "termsOfAddress" and (t := _text(p))]
    dates = next((t for p in _children(name, "namePart") if p.get("type") == "date" and (t := _text(p))), None)
    pieces = [t for p in parts if (t := _text(p))]
    if family or given:
        pieces.append(", ".join([*family, *given]))
    text = rules.clean_text(" ".join(pieces + address).rstrip(" ,"))
    return (text.rstrip(",") if text else None), dates


def agents_from_mods(mods: etree._Element) -> list[Agent]:
    """name / namePart / role: the relator term (``editor``, ``translator``) or ``creator``; names sharing an
    ``altRepGroup`` are forms of one agent."""
    agents: list[Agent] = []
    groups: dict[str, Agent] = {}
    for name in _children(mods, "name"):
        text, dates = name_text(name)
        if not text:
            continue
        form = _form(text, name, None)
        group = name.get("altRepGroup")
        if group and group in groups:
            groups[group].forms.append(form)
            continue
        terms = [t for t in _texts(name, "role/roleTerm") if not re.fullmatch(r"[a-z]{3}", t)]
        role = (terms[0].rstrip(".,").lower() if terms else "creator")
        role = "creator" if role in ("author", "creator", "aut", "cre") else role
        identifiers = [uri for uri in (name.get("valueURI"),) if uri] + _texts(name, "nameIdentifier")
        agent = Agent([form], role, _NAME_KINDS.get(name.get("type") or "", "person"), dates, identifiers)
        agents.append(agent)
        if group:
            groups[group] = agent
    return agents


def publications_from_mods(mods: etree._Element) -> list[Publication]:
    """originInfo: place (text placeTerm), publisher, the transcribed dateIssued (not the coded ones)."""
    publications: list[Publication] = []
    groups: dict[str, Publication] = {}
    for origin in _children(mods, "originInfo"):
        places = [_text(t) for t in _find_all(origin, "place/placeTerm") if t.get("type") != "code"]
        publisher = _first_text(origin, "publisher")
        dates = [_text(d) for d in _children(origin, "dateIssued") if not d.get("encoding")]
        date = next((d for d in dates if d), None)
        place = next((p for p in places if p), None)
        if not (place or publisher or date):
            continue
        script = origin.get("script") or rules.text_script(" ".join(filter(None, (place, publisher))))
        form = PublicationForm(place, publisher, date, script)
        group = origin.get("altRepGroup")
        if group and group in groups:
            groups[group].forms.append(form)
            continue
        publication = Publication([form])
        publications.append(publication)
        if group:
            groups[group] = publication
    return publications


def dates_from_mods(
    mods: etree._Element, main_lang: str | None, diagnostics: list[Diagnostic]
) -> tuple[str | None, int | None, int | None]:
    """Year range from the coded dates first (``encoding`` marc / w3cdtf / iso8601, ``point`` start/end,
    ``keyDate``), else from the transcribed date; the transcribed date is what people see."""
    dates = [d for o in _children(mods, "originInfo") for name in ("dateIssued", "dateCreated", "copyrightDate")
             for d in _children(o, name)]
    display = next((t for d in dates if not d.get("encoding") and (t := _text(d))), None)
    coded = sorted((d for d in dates if d.get("encoding")), key=lambda d: d.get("keyDate") != "yes")
    start = end = None
    for date in coded:
        found = rules.year_range(_text(date))
        if not found:
            continue
        if date.get("point") == "end":
            end = end or found.year_to
        else:
            start = start or found.year_from
            end = end or (found.year_to if date.get("point") != "start" else None)
    if start or end:
        return display or _text(coded[0]), start or end, end or start
    country = _first_text(mods, "originInfo/place/placeTerm")
    for text in filter(None, [display, *(_text(d) for d in dates)]):
        found = rules.year_range(text, country=country, lang=main_lang)
        if found:
            return display, found.year_from, found.year_to
    if display:
        diagnostics.append(Diagnostic(f"no year found in {display!r}", "originInfo/dateIssued"))
    return display, None, None


def languages_from_mods(mods: etree._Element, diagnostics: list[Diagnostic]) -> list[str]:
    codes: list[str] = []
    for term in _find_all(mods, "language/languageTerm"):
        text = _text(term)
        for code in rules.normalize_languages(text):
            if code not in codes:
                codes.append(code)
        for unknown in rules.unknown_languages(text):
            diagnostics.append(Diagnostic(f"unknown language {unknown!r} dropped", "language/languageTerm"))
    return codes


_SUBJECT_KINDS = {"topic": "topic", "geographic": "place", "temporal": "period", "name": "name",
                  "titleInfo": "name", "genre": "genre", "hierarchicalGeographic": "place"}


def subjects_from_mods(mods: etree._Element) -> list[Subject]:
    """subject: its parts joined with `` -- `` (LCSH style); kind from the first part; thesaurus from
    ``authority``. classification: subjects of kind ``classification`` (the model has no class field)."""
    subjects: list[Subject] = []
    for subject in _children(mods, "subject"):
        parts = [(local_name(c.tag), c) for c in subject if isinstance(c.tag, str) and local_name(c.tag) in _SUBJECT_KINDS]
        texts = []
        for kind, part in parts:
            text = name_text(part)[0] if kind == "name" else (title_text(part) if kind == "titleInfo" else _text(part))
            if text:
                texts.append(text)
        if texts:
            term = " -- ".join(texts)
            subjects.append(Subject(term, subject.get("authority"), _SUBJECT_KINDS[parts[0][0]], rules.text_script(term)))
    for cls in _children(mods, "classification"):
        text = _text(cls)
        if text:
            subjects.append(Subject(text, cls.get("authority"), "classification"))
    return subjects


def identifiers_from_mods(mods: etree._Element, diagnostics: list[Diagnostic]) -> list[rules.Identifier]:
    """identifier[@type] (isbn, issn, lccn, oclc, doi, uri, hdl...); ``invalid="yes"`` ones are skipped."""
    found: list[rules.Identifier] = []
    for element in _children(mods, "identifier"):
        text = _text(element)
        if not text or element.get("invalid") == "yes":
            continue
        identifier = rules.identifier_from_text(text, element.get("type"))
        if identifier is None:
            continue
        if identifier.scheme == "other" and identifier.qualifier and identifier.qualifier.startswith("invalid"):
            diagnostics.append(Diagnostic(f"{identifier.qualifier} {text!r} kept as 'other'", "identifier"))
        if all((i.scheme, i.value) != (identifier.scheme, identifier.value) for i in found):
            found.append(identifier)
    return found


def content_type_from_mods(mods: etree._Element) -> str | None:
    """typeOfResource (``manuscript="yes"`` makes it a manuscript); a continuing text is a serial."""
    for element in _children(mods, "typeOfResource"):
        if element.get("manuscript") == "yes":
            return "manuscript"
        found = rules.content_type_from(_text(element))
        if found == "book" and _first_text(mods, "originInfo/issuance") in ("continuing", "serial"):
            return "serial"
        if found:
            return found
    return None


def notes_from_mods(mods: etree._Element) -> list[str]:
    notes: list[str] = []
    for name in ("note", "abstract", "tableOfContents"):
        for element in _children(mods, name):
            text = _text(element)
            label = element.get("displayLabel") or (element.get("type") if name == "note" else None)
            if text:
                notes.append(f"{label[0].upper()}{label[1:]}: {text}" if label else text)
    for edition in _texts(mods, "originInfo/edition"):
        notes.append(f"Edition: {edition}")
    return _unique(notes)


def links_from_mods(mods: etree._Element) -> list[Link]:
    """location/url: ``access="preview"`` is a thumbnail, ``access="raw object"`` full text, a URL that says
    ``manifest`` an IIIF manifest, the rest landing pages."""
    links: list[Link] = []
    for url in _find_all(mods, "location/url"):
        text = _text(url)
        if not text:
            continue
        access = (url.get("access") or "").lower()
        label = url.get("displayLabel") or url.get("note")
        if access == "preview":
            kind = "thumbnail"
        elif access == "raw object":
            kind = "fulltext"
        elif "manifest" in text.lower() or "iiif" in (label or "").lower():
            kind = "iiif_manifest"
        else:
            kind = "landing"
        links.append(Link(text, kind, label))
    return links


def rights_from_mods(mods: etree._Element) -> tuple[str | None, str | None]:
    rights = license_uri = None
    for element in _children(mods, "accessCondition"):
        text = _text(element)
        href = element.get(XLINK_HREF)
        for candidate in (href, text):
            if candidate and re.match(r"https?://(creativecommons|rightsstatements|opendatacommons)\.org/", candidate):
                license_uri = license_uri or candidate
        if text and not rights:
            rights = text
    return rights, license_uri


FORMAT = Format(
    name="mods",
    description="MODS 3.x records (alone, in modsCollection, or in SRU / OAI-PMH responses)",
    sniff=sniff,
    read=read,
    map=map,
)
