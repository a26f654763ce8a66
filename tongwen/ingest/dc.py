"""Dublin Core reader and mapper: ``oai_dc:dc`` alone or in any wrapper, OAI-PMH ListRecords/GetRecord pages,
SRU responses (``recordPacking`` xml or string), RSS/OpenSearch items with ``dc:`` elements, and the DC-NDL
RDF of NDL Search and CiNii Books (``dcndl:BibResource``, ``rdf:Description``).

Reading: every record-like element is flattened into a list of `DCValue` (element, text, xml:lang, reading,
scheme, URI) — the payload of its `RawRecord`. RDF resources that the source splits into several consecutive
descriptions of the same ``rdf:about`` (NDL: bibliographic + holdings, CiNii: record + makers + owners) are
merged into one record.

Mapping (`map`): titles with their readings (``dcndl:transcription``, ``xml:lang="ja-hrkt"``, ``ja-Kana``) and
script pairs (``ja`` / ``ja-Latn``) become forms of one `Title`; see the ``*_from_dc`` rules below.

    >>> raws = list(read(io.BytesIO(SAMPLE), "sample.xml", {}))
    >>> record, _ = map(raws[0], MapContext(source="demo"))
    >>> record.local_id, record.titles[0].forms[0].text, record.titles[0].forms[1].text, record.languages
    ('oai:example:1', '源氏物語', 'Genji monogatari', ['jpn'])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from tongwen.ingest import common_rules as rules
from tongwen.ingest.base import FIELD_LIMIT, Diagnostic, Format, MapContext, RawRecord, RecordRejected, oversized
from tongwen.ingest.xmlsafe import UnsafeXML, damage_message, iter_elements, local_name, parse_fragment, split_tag
from tongwen.model import Agent, Form, Link, Provenance, Publication, PublicationForm, Record, Subject, Title

SAMPLE = b"""<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>
<header><identifier>oai:example:1</identifier><datestamp>2024-01-01</datestamp></header>
<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title xml:lang="ja">\xe6\xba\x90\xe6\xb0\x8f\xe7\x89\xa9\xe8\xaa\x9e</dc:title>
<dc:title xml:lang="ja-Latn">Genji monogatari</dc:title><dc:language>Japanese</dc:language></oai_dc:dc>
</metadata></record></ListRecords></OAI-PMH>"""

NS = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://ndl.go.jp/dcndl/terms/": "dcndl",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://prismstandard.org/namespaces/basic/2.0/": "prism",
    "http://ci.nii.ac.jp/ns/1.0/": "cinii",
    "http://purl.org/rss/1.0/": "rss",
    "": "rss",  # RSS 2.0 item children have no namespace
}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
NS_DCNDL = "http://ndl.go.jp/dcndl/terms/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
SRU_NAMESPACES = ("http://www.loc.gov/zing/srw/", "http://docs.oasis-open.org/ns/search-ws/sruResponse")

_WANTED = ("record", "dc", "item", "BibResource", "Description", "error")
_CARRIER_NAMES = {"dc", "item", "BibResource", "Description", "record"}


@dataclass(slots=True)
class DCValue:
    """One property of a DC record, flattened from whichever packaging it came in."""

    element: str  # "dc:title", "dcterms:creator", "dcndl:seriesTitle", "foaf:maker", "rss:link"...
    text: str
    lang: str | None = None  # xml:lang as written
    reading: str | None = None  # dcndl:transcription or a paired ja-hrkt name
    scheme: str | None = None  # xsi:type / rdf:datatype / the authority URI of a subject
    uri: str | None = None  # rdf:resource or rdf:about
    place: str | None = None  # dcndl:location of a publisher


# ====================================================================== reading


def sniff(head: bytes, name: str) -> bool:
    """DC in any of the packagings above (MODS and MARCXML are left to their own readers)."""
    text = head[:65536]
    if b"http://www.loc.gov/mods/v3" in text or b"http://www.loc.gov/MARC21/slim" in text:
        return False
    return b"http://purl.org/dc/elements/1.1/" in text or b"http://ndl.go.jp/dcndl/terms/" in text


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """Stream DC records from `stream`. A broken document ends with one `RawRecord` whose ``error`` names
    the line; the records before it are kept."""
    builder = _RecordBuilder(label)
    try:
        for element in iter_elements(stream, _WANTED):
            yield from builder.feed(element)
    except UnsafeXML as exc:
        yield from builder.flush()
        yield RawRecord(position=builder.next_position(), error=f"{label}: {exc}")
        return
    except etree.XMLSyntaxError as exc:
        yield from builder.flush()
        yield RawRecord(position=builder.next_position(), error=damage_message(label, exc))
        return
    yield from builder.flush()


class _RecordBuilder:
    """Turns the stream's record-like elements into RawRecords, merging consecutive RDF descriptions."""

    def __init__(self, label: str):
        self.label = label
        self.count = 0
        self._pending: tuple[str, list[DCValue], list[str]] | None = None  # (rdf:about, values, originals)

    def next_position(self) -> str:
        return f"{self.label} record {self.count + 1}"

    def feed(self, element: etree._Element) -> Iterator[RawRecord]:
        namespace = split_tag(element.tag)[0] or ""
        name = local_name(element.tag)
        if name == "error":
            if namespace == OAI_NS and element.get("code") != "noRecordsMatch":
                yield from self.flush()
                yield self._make(None, [], None, error=f"OAI-PMH error {element.get('code')}: {_text(element)}")
            return
        if name == "record" and namespace == OAI_NS:
            yield from self.flush()
            yield self._from_oai(element)
        elif name == "record" and namespace in SRU_NAMESPACES:
            yield from self._from_sru(element)
        elif name == "record" and (namespace == NS_DCNDL or namespace not in NS):
            return  # dcndl:record (a link to holdings) or a record of another schema
        else:
            yield from self._carrier(element)

    def _from_oai(self, record: etree._Element) -> RawRecord:
        header = next((c for c in record if local_name(c.tag) == "header"), None)
        identifier = _child_text(header, "identifier") if header is not None else None
        deleted = header is not None and header.get("status") == "deleted"
        metadata = next((c for c in record if local_name(c.tag) == "metadata"), None)
        values: list[DCValue] = []
        if metadata is not None:
            for carrier in metadata:
                if isinstance(carrier.tag, str):
                    values.extend(dc_values(carrier))
        original = etree.tostring(record, encoding="unicode")
        raw = self._make(identifier, values, original)
        raw.deleted = deleted
        if header is not None and not identifier:
            raw.diagnostics.append(Diagnostic("OAI header has no identifier", "header/identifier"))
        return raw

    def _from_sru(self, record: etree._Element) -> Iterator[RawRecord]:
        data = next((c for c in record.iter() if local_name(c.tag) == "recordData"), None)
        if data is None:
            return
        roots = [c for c in data if isinstance(c.tag, str)]
        if not roots and (data.text or "").strip():
            try:  # recordPacking=string: the record arrives XML-escaped as text
                roots = [parse_fragment(data.text.strip().encode("utf-8"))]
            except (UnsafeXML, etree.XMLSyntaxError) as exc:
                yield from self.flush()
                yield self._make(None, [], data.text, error=f"SRU recordData is not well-formed XML ({exc})")
                return
        for root in roots:
            for carrier in _carriers_within(root):
                yield from self._carrier(carrier)

    def _carrier(self, element: etree._Element) -> Iterator[RawRecord]:
        values = dc_values(element)
        about = element.get(f"{{{RDF}}}about")
        original = etree.tostring(element, encoding="unicode")
        if about is not None:
            key = about.split("#", 1)[0]
            if self._pending is not None and self._pending[0] == key:
                self._pending[1].extend(values)
                self._pending[2].append(original)
                return
            yield from self.flush()
            self._pending = (key, values, [original])
            return
        yield from self.flush()
        if not values:
            return  # an element of that name with no DC inside (e.g. an RSS item of another vocabulary)
        yield self._make(_id_from_values(values), values, original)

    def flush(self) -> Iterator[RawRecord]:
        if self._pending is None:
            return
        about, values, originals = self._pending
        self._pending = None
        if any(v.element in _TITLE_ELEMENTS or v.element == "rss:title" for v in values):
            yield self._make(_id_from_uri(about), values, "\n".join(originals))

    def _make(self, local_id: str | None, values: list[DCValue], original: str | None, error: str | None = None):
        self.count += 1
        too_long = next((v for v in values if len(v.text) > FIELD_LIMIT), None)
        if too_long is not None and error is None:
            position = f"{self.label} record {self.count}"
            return RawRecord(position, local_id=local_id, error=f"{position}: {oversized(too_long.element, len(too_long.text))}")
        return RawRecord(
            position=f"{self.label} record {self.count}", payload=values, original=original,
            local_id=local_id, error=error,
        )


def _carriers_within(root: etree._Element) -> list[etree._Element]:
    """The record-like elements of an SRU recordData root (itself, or children of rdf:RDF)."""
    if local_name(root.tag) in _CARRIER_NAMES and local_name(root.tag) != "record":
        return [root]
    return [c for c in root if isinstance(c.tag, str) and local_name(c.tag) in ("BibResource", "Description", "dc")]


def dc_values(carrier: etree._Element) -> list[DCValue]:
    """Flatten one record element's DC properties, whether plain (``<dc:title>x</dc:title>``) or RDF-nested
    (``<dc:title><rdf:Description><rdf:value>x</rdf:value><dcndl:transcription>…``)."""
    values: list[DCValue] = []
    for child in carrier:
        if not isinstance(child.tag, str):
            continue
        namespace, name = split_tag(child.tag)
        prefix = NS.get(namespace or "")
        if prefix is None:
            continue
        element = f"{prefix}:{name}"
        lang = child.get(XML_LANG)
        scheme = child.get(XSI_TYPE) or child.get(f"{{{RDF}}}datatype")
        resource = child.get(f"{{{RDF}}}resource")
        nested = [c for c in child if isinstance(c.tag, str)]
        if nested:
            values.extend(_nested_values(element, nested[0], lang, scheme))
            continue
        text = rules.clean_text(_text(child))
        if resource is not None:
            label = child.get("{http://purl.org/dc/elements/1.1/}title") or child.get(f"{{{NS_RDFS}}}label")
            values.append(DCValue(element, rules.clean_text(label) or resource, lang, None, scheme, resource))
        elif text:
            values.append(DCValue(element, text, lang, None, scheme))
    return values


def _nested_values(element: str, node: etree._Element, lang: str | None, scheme: str | None) -> list[DCValue]:
    """``rdf:Description`` / ``foaf:Agent`` / ``foaf:Person`` inside a property."""
    names: list[tuple[str, str | None]] = []
    reading = place = None
    for part in node:
        if not isinstance(part.tag, str):
            continue
        name = local_name(part.tag)
        text = rules.clean_text(_text(part))
        if not text:
            continue
        if name in ("value", "name"):
            names.append((text, part.get(XML_LANG)))
        elif name == "transcription":
            reading = text
        elif name == "location":
            place = text
    about = node.get(f"{{{RDF}}}about")
    if not names:
        return []
    main = [(t, lg) for t, lg in names if not rules.parse_lang_tag(lg).is_reading] or names[:1]
    readings = [t for t, lg in names if rules.parse_lang_tag(lg).is_reading]
    reading = reading or (readings[0] if readings else None)
    return [DCValue(element, text, lg or lang, reading, scheme or about, about, place) for text, lg in main[:1]] + [
        DCValue(element, text, lg or lang, None, scheme or about, about, place) for text, lg in main[1:]
    ]


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _child_text(parent: etree._Element, name: str) -> str | None:
    for child in parent:
        if local_name(child.tag) == name:
            return rules.clean_text(_text(child))
    return None


def _id_from_uri(uri: str) -> str:
    """``http://iss.ndl.go.jp/books/R100000002-I000002539673-00#material`` -> ``R100000002-I000002539673-00``."""
    tail = uri.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.(rdf|xml|json)$", "", tail) or uri


def _id_from_values(values: list[DCValue]) -> str | None:
    for element in ("rss:guid", "rss:link", "cinii:ncid"):
        for value in values:
            if value.element == element:
                return _id_from_uri(value.text) if "://" in value.text else value.text
    return None


# ====================================================================== mapping

_TITLE_ELEMENTS = {"dc:title", "dcterms:title"}
_ALTERNATIVE_ELEMENTS = {"dcterms:alternative", "dcndl:alternative"}
_TITLE_READINGS = {"dcndl:titleTranscription": "main", "dcndl:alternativeTranscription": "variant",
                   "dcndl:seriesTitleTranscription": "series"}
_AGENT_ELEMENTS = {"dcterms:creator": "creator", "foaf:maker": "creator", "dcterms:contributor": "contributor"}
_IDENTIFIER_ELEMENTS = {"dc:identifier", "dcterms:identifier", "cinii:ncid", "dcterms:hasPart", "prism:issn"}
_RIGHTS_ELEMENTS = {"dc:rights", "dcterms:rights", "dcterms:accessRights"}
_LICENSE_HOSTS = ("creativecommons.org", "rightsstatements.org", "opendatacommons.org")


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:  # noqa: A001 - the Format seam's name
    """Map one DC `RawRecord` (payload: list of `DCValue`) to a `Record`."""
    if raw.error:
        raise RecordRejected(raw.error)
    values: list[DCValue] = raw.payload or []
    diagnostics = list(raw.diagnostics)
    local_id = raw.local_id or _first_identifier(values)
    if not local_id:
        raise RecordRejected("no identifier: neither an OAI header, an rdf:about nor a dc:identifier", "dc:identifier")
    record = Record(source=ctx.source, local_id=local_id, institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "dc", position=raw.position, original=raw.original)
    if raw.deleted:
        return record, diagnostics
    record.languages = languages_from_dc(values, diagnostics)
    main_lang = record.languages[0] if record.languages else None
    record.titles = titles_from_dc(values, main_lang)
    if not record.titles:
        raise RecordRejected("no title", "dc:title")
    record.agents = agents_from_dc(values)
    record.publications = publications_from_dc(values)
    record.date_display, record.year_from, record.year_to = dates_from_dc(values, main_lang, diagnostics)
    record.subjects = subjects_from_dc(values)
    record.identifiers = identifiers_from_dc(values)
    record.content_type, record.genres = types_from_dc(values)
    record.extent = next((v.text for v in values if v.element in ("dcterms:extent", "dc:extent")), None)
    record.notes = notes_from_dc(values, bool([v for v in values if v.element in _AGENT_ELEMENTS]))
    record.links = links_from_dc(values)
    record.rights, record.license = rights_from_dc(values)
    return record, diagnostics


def _first_identifier(values: list[DCValue]) -> str | None:
    return next((v.text for v in values if v.element in ("dc:identifier", "dcterms:identifier")), None)


def _form(text: str, lang_attr: str | None, default_lang: str | None) -> Form:
    tag = rules.parse_lang_tag(lang_attr)
    script = tag.script or rules.text_script(text)
    return Form(text, script, tag.lang or rules.form_language(script, default_lang))


def titles_from_dc(values: list[DCValue], main_lang: str | None) -> list[Title]:
    """dc:title / dcterms:title (first main; later ones parallel when their language differs, else variant),
    dcterms:alternative (variant), dcndl:seriesTitle (series). A title in another script of the same language
    (``ja`` then ``ja-Latn``), a reading (``ja-hrkt``, ``ja-Kana``) or a ``dcndl:transcription`` becomes a further
    form of the title before it."""
    titles: list[Title] = []
    seen: set[tuple[str, str]] = set()

    def add(value: DCValue, role: str) -> None:
        key = (role if role == "series" else "title", _loose(value.text))
        if key in seen:
            if value.reading:  # dcterms:title then dc:title with its transcription (DC-NDL)
                title = next(t for t in titles if _loose(t.forms[0].text) == key[1])
                _add_reading(title, value.reading, main_lang)
            return
        seen.add(key)
        tag = rules.parse_lang_tag(value.lang)
        previous = titles[-1] if titles else None
        if previous is not None and role == "main" and value.reading and len(previous.forms) == 1 and (
            _loose(previous.forms[0].text).startswith(key[1])
        ):  # DC-NDL: dcterms:title "定義 [2014]", then dc:title "定義" with the reading of the same title
            _add_reading(previous, value.reading, main_lang)
            return
        if previous is not None and (tag.is_reading or value.lang and role != "series") and (
            _same_language_other_script(previous, tag)
        ):
            previous.forms.append(_form(value.text, value.lang, main_lang))
            return
        if role == "main" and titles:
            first_lang = titles[0].forms[0].lang
            role = "parallel" if tag.lang and first_lang and tag.lang != first_lang else "variant"
        title = Title([_form(value.text, value.lang, main_lang)], role)
        if value.reading:
            _add_reading(title, value.reading, main_lang)
        titles.append(title)

    for value in values:
        if value.element in _TITLE_ELEMENTS or (value.element == "rss:title" and not _has(values, _TITLE_ELEMENTS)):
            add(value, "main")
        elif value.element in _ALTERNATIVE_ELEMENTS:
            add(value, "variant")
        elif value.element == "dcndl:seriesTitle":
            add(value, "series")
    for value in values:  # RSS DC-NDL gives readings as separate elements
        role = _TITLE_READINGS.get(value.element)
        target = next((t for t in titles if t.role == role), None) if role else None
        if target is not None:
            _add_reading(target, value.text, main_lang)
    return titles


def _same_language_other_script(previous: Title, tag: rules.LanguageTag) -> bool:
    """A reading (``ja-hrkt``) always reads the title before it; ``ja-Latn`` after ``ja`` is the same title."""
    first = previous.forms[0]
    if tag.is_reading:
        return True
    return bool(tag.lang and first.lang == tag.lang and tag.script and tag.script != first.script)


def _loose(text: str) -> str:
    """Comparison key: NFKC, no spaces or punctuation (DC-NDL repeats a title with different spacing)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _add_reading(title: Title, reading: str, main_lang: str | None) -> None:
    if all(form.text != reading for form in title.forms):
        script = rules.text_script(reading)
        title.forms.append(Form(reading, script, rules.form_language(script, main_lang)))


def _has(values: list[DCValue], elements: set[str]) -> bool:
    return any(v.element in elements for v in values)


_NAME_DATES = re.compile(r",?\s*(\d{3,4}\??-(?:\d{3,4}\??)?|\d{3,4}\??)\s*$")


def agents_from_dc(values: list[DCValue]) -> list[Agent]:
    """Structured agents (DC-NDL ``dcterms:creator``/``foaf:Agent``, CiNii ``foaf:maker``) when the record has
    them — its ``dc:creator`` is then only the transcribed statement of responsibility (kept in notes);
    otherwise every dc:creator / dc:contributor is a name. Trailing life dates go to ``Agent.dates``."""
    structured = [v for v in values if v.element in _AGENT_ELEMENTS]
    plain = [v for v in values if v.element in ("dc:creator", "dc:contributor", "rss:author")]
    chosen = structured or [v for v in plain if v.element != "rss:author"] or plain
    agents: list[Agent] = []
    seen: set[str] = set()
    for value in chosen:
        if value.text in seen:
            continue
        seen.add(value.text)
        name, dates = value.text, None
        match = _NAME_DATES.search(name)
        if match and match.start() > 0:
            name, dates = name[: match.start()].rstrip(" ,"), match.group(1)
        forms = [Form(name, rules.text_script(name), rules.parse_lang_tag(value.lang).lang)]
        if value.reading and value.reading != name:
            forms.append(Form(value.reading, rules.text_script(value.reading)))
        role = "contributor" if value.element.endswith("contributor") else "creator"
        kind = "organization" if value.uri and "/library/" in value.uri else "person"
        agents.append(Agent(forms, role, kind, dates, [value.uri] if value.uri else []))
    return agents


def publications_from_dc(values: list[DCValue]) -> list[Publication]:
    """One publication per publisher (dc:publisher, or DC-NDL's ``foaf:Agent`` with ``dcndl:location``), with
    the transcribed date; the reading of the publisher's name is a second form."""
    date = next((v.text for v in values if v.element in ("dcterms:date", "dc:date")), None)
    publications: list[Publication] = []
    seen: set[str] = set()
    for value in values:
        if value.element not in ("dc:publisher", "dcterms:publisher") or value.text in seen:
            continue
        seen.add(value.text)
        forms = [PublicationForm(value.place, value.text, date, rules.text_script(value.text))]
        if value.reading:
            forms.append(PublicationForm(None, value.reading, None, rules.text_script(value.reading)))
        publications.append(Publication(forms))
    if not publications and date:
        publications.append(Publication([PublicationForm(None, None, date, None)]))
    return publications


def dates_from_dc(
    values: list[DCValue], main_lang: str | None, diagnostics: list[Diagnostic]
) -> tuple[str | None, int | None, int | None]:
    """``date_display`` from dc:date / dcterms:date; the year range from dcterms:issued (W3CDTF, exact) when
    present, else from the displayed date (era dates via `tongwen.cjk.eras`)."""
    dates = [v for v in values if v.element in ("dcterms:date", "dc:date", "prism:publicationDate")]
    issued = [v for v in values if v.element == "dcterms:issued"]
    display = dates[0].text if dates else (issued[0].text if issued else None)
    country = next((v.text for v in values if v.element == "dcndl:publicationPlace"), None)
    for value in issued + dates:
        found = rules.year_range(value.text, country=country, lang=main_lang)
        if found:
            return display, found.year_from, found.year_to
    if display:
        diagnostics.append(Diagnostic(f"no year found in {display!r}", "dc:date"))
    return display, None, None


def languages_from_dc(values: list[DCValue], diagnostics: list[Diagnostic]) -> list[str]:
    codes: list[str] = []
    for value in values:
        if value.element not in ("dc:language", "dcterms:language"):
            continue
        for code in rules.normalize_languages(value.text):
            if code not in codes:
                codes.append(code)
        for unknown in rules.unknown_languages(value.text):
            diagnostics.append(Diagnostic(f"unknown language {unknown!r} dropped", "dc:language"))
    return codes


_SUBJECT_SCHEMES = re.compile(r"/(ndlsh|ndc\d*|ndlc|lcsh|nlksh|kdc|ddc|udc|fast)(?:/|$)", re.IGNORECASE)
_CLASSIFICATIONS = ("ndc", "ndlc", "kdc", "ddc", "udc", "lcc")


def subjects_from_dc(values: list[DCValue]) -> list[Subject]:
    """dc:subject / dcterms:subject / CiNii ``foaf:topic``. The thesaurus comes from the authority URI
    (``id.ndl.go.jp/auth/ndlsh/…``) or ``xsi:type`` (``dcndl:NDLSH``); class numbers (NDC, NDLC) are subjects of
    kind ``classification`` since the model has no separate classification field."""
    subjects: list[Subject] = []
    seen: set[tuple[str, str | None]] = set()
    for value in values:
        if value.element not in ("dc:subject", "dcterms:subject", "foaf:topic"):
            continue
        scheme = None
        source = value.scheme or value.uri or ""
        match = _SUBJECT_SCHEMES.search(source)
        if match:
            scheme = match.group(1).lower()
        elif ":" in source:
            scheme = source.rsplit(":", 1)[-1].lower()
        term = value.text
        if value.uri and term == value.uri:  # rdf:resource only: the class number is the URI's last part
            term = value.uri.rstrip("/").rsplit("/", 1)[-1]
        kind = "classification" if scheme and scheme.startswith(_CLASSIFICATIONS) else "topic"
        if (term, scheme) not in seen:
            seen.add((term, scheme))
            subjects.append(Subject(term, scheme, kind, rules.text_script(term)))
    return subjects


def identifiers_from_dc(values: list[DCValue]) -> list[rules.Identifier]:
    found: list[rules.Identifier] = []
    for value in values:
        if value.element not in _IDENTIFIER_ELEMENTS:
            continue
        if value.element == "dcterms:hasPart" and not (value.uri or "").startswith("urn:"):
            continue
        hint = "ncid" if value.element == "cinii:ncid" else value.scheme
        identifier = rules.identifier_from_text(value.uri or value.text, hint)
        if identifier and all((i.scheme, i.value) != (identifier.scheme, identifier.value) for i in found):
            found.append(identifier)
    return found


def types_from_dc(values: list[DCValue]) -> tuple[str | None, list[str]]:
    """``content_type`` from dc:type / dcndl:materialType (first that maps); every type as written is a genre."""
    content_type = None
    genres: list[str] = []
    for value in values:
        if value.element not in ("dc:type", "dcterms:type", "dcndl:materialType", "dcndl:genre"):
            continue
        content_type = content_type or rules.content_type_from(value.uri) or rules.content_type_from(value.text)
        if value.text not in genres and not value.text.startswith(("http://", "https://")):
            genres.append(value.text)
    return content_type, genres


def notes_from_dc(values: list[DCValue], has_structured_agents: bool) -> list[str]:
    labels = {
        "dc:description": None, "dcterms:description": None, "dcterms:abstract": None,
        "dcterms:tableOfContents": "Contents", "dc:source": "Source", "dc:relation": "Relation",
        "dc:format": "Format", "dcndl:edition": "Edition", "dcndl:volume": "Volume",
        "dcndl:partInformation": "Part",
    }
    if has_structured_agents:
        labels["dc:creator"] = "Statement of responsibility"
    notes: list[str] = []
    for value in values:
        if value.element in labels:
            label = labels[value.element]
            note = f"{label}: {value.text}" if label else value.text
            if note not in notes:
                notes.append(note)
    return notes


def links_from_dc(values: list[DCValue]) -> list[Link]:
    links: list[Link] = []
    for value in values:
        url = value.uri or value.text
        if value.element in ("rss:link", "rss:guid"):
            kind = "landing"
        elif value.element in ("dc:identifier", "dcterms:identifier") and url.startswith(("http://", "https://")):
            kind = "landing"
        elif value.element == "rdfs:seeAlso" and url.startswith(("http://", "https://")):
            kind = "other"
        else:
            continue
        if all(link.url != url for link in links):
            links.append(Link(url, kind))
    return links


def rights_from_dc(values: list[DCValue]) -> tuple[str | None, str | None]:
    rights = next((v.text for v in values if v.element in _RIGHTS_ELEMENTS), None)
    license_uri = next(
        (v.uri or v.text for v in values
         if v.element == "dcterms:license" or any(h in (v.uri or v.text) for h in _LICENSE_HOSTS)),
        None,
    )
    return rights, license_uri


FORMAT = Format(
    name="dc",
    description="Dublin Core: oai_dc, OAI-PMH pages, SRU, RSS/OpenSearch, DC-NDL and CiNii RDF",
    sniff=sniff,
    read=read,
    map=map,
)
