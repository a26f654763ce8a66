"""MARC 21 (as MARCXML) rebuilt from the common model, with 880 fields for every script form.

    >>> from tongwen.model import Form, Record, Title
    >>> rec = Record("nlc", "1", titles=[Title([Form("红楼梦", "Hans", "chi"), Form("Hong lou meng", "Latn", "chi")])],
    ...              languages=["chi"])
    >>> marc = marc_record(rec)
    >>> marc["245"]["a"], marc["245"]["6"], [(f["6"], f["a"]) for f in marc.get_fields("880")]
    ('Hong lou meng', '880-01', [('245-01/$1', '红楼梦')])

The MARC 21 convention for several scripts ("Model A", as LC and the national libraries of China, Japan
and Korea practise it): the regular field carries the romanized form, each vernacular form goes into an
880 field linked to it by subfield $6 (``245-01/$1`` — tag, occurrence number, script code). When a title
or name has no romanized form, the first form stays in the regular field and the others are 880s.
The record is built with pymarc and written with lxml (see `marcxml_element`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pymarc
from lxml import etree
from pymarc import Field, Indicators, Subfield

from tongwen.export.common import roman_first
from tongwen.export.dc import xml_text
from tongwen.model import Form, Record

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# MARC 21 script identification codes for 880 $6 (MARC 21 Specifications, "Character sets": escape codes).
_SCRIPT_CODES = {
    "Hani": "$1", "Hans": "$1", "Hant": "$1", "Jpan": "$1", "Kore": "$1", "Hang": "$1", "Hira": "$1",
    "Kana": "$1", "Arab": "(3", "Cyrl": "(N", "Grek": "(S", "Hebr": "(2",
}
# Leader/06 (type of record) and /07 (bibliographic level) for our content types.
_LEADER_TYPE = {
    "book": "am", "serial": "as", "manuscript": "tm", "map": "em", "music": "jm", "score": "cm",
    "sound": "im", "video": "gm", "image": "km", "article": "ab", "dataset": "mm", "software": "mm",
    "mixed": "pc", "other": "am",
}
_AGENT_TAGS = {"person": ("100", "700"), "organization": ("110", "710"), "meeting": ("111", "711")}
_TITLE_TAGS = {"parallel": ("246", "31"), "variant": ("246", "33"), "uniform": ("240", "10"), "series": ("490", "0 ")}


class _Builder:
    """Adds fields to a pymarc record, numbering the 880 links as it goes."""

    def __init__(self, marc: pymarc.Record) -> None:
        self.marc = marc
        self.link = 0
        self.fields: list[Field] = []

    def finish(self) -> pymarc.Record:
        # One stable sort by tag at the end: pymarc's add_ordered_field re-sorts on every call.
        self.marc.add_field(*sorted(self.fields, key=lambda f: f.tag))
        return self.marc

    def add(self, tag: str, indicators: str, forms: list[Form], subfields_of) -> None:
        """One field from the first (romanized) form, an 880 for each other form; ``subfields_of(form)``
        gives the subfields of one form."""
        ordered = roman_first(forms) if forms else [Form("")]
        first, others = ordered[0], [f for f in ordered[1:] if f.text.strip()]
        main_subfields = list(subfields_of(first))
        if not any(s.value for s in main_subfields):
            return
        if others:
            self.link += 1
            number = f"{self.link:02d}"
            main_subfields.insert(0, Subfield("6", f"880-{number}"))
            for form in others:
                code = _SCRIPT_CODES.get(form.script or "", "")
                linkage = f"{tag}-{number}" + (f"/{code}" if code else "")
                self.fields.append(
                    Field("880", Indicators(*indicators), [Subfield("6", linkage), *subfields_of(form)])
                )
        self.fields.append(Field(tag, Indicators(*indicators), main_subfields))

    def plain(self, tag: str, indicators: str, subfields: Iterable[tuple[str, str | None]]) -> None:
        values = [Subfield(code, value) for code, value in subfields if value]
        if values:
            self.fields.append(Field(tag, Indicators(*indicators), values))


def marc_record(record: Record) -> pymarc.Record:
    """The record as a pymarc `Record` (UTF-8, leader/09 ``a``)."""
    kind = _LEADER_TYPE.get(record.content_type or "book", "am")
    marc = pymarc.Record(force_utf8=True, leader=f"00000n{kind} a2200000 i 4500")
    build = _Builder(marc)
    build.fields += [Field("001", data=record.local_id), Field("003", data=record.source),
                     Field("008", data=_field_008(record))]
    for identifier in record.identifiers:
        if identifier.scheme == "isbn":
            build.plain("020", "  ", [("a", identifier.value), ("q", identifier.qualifier)])
        elif identifier.scheme == "issn":
            build.plain("022", "  ", [("a", identifier.value)])
        elif identifier.scheme == "lccn":
            build.plain("010", "  ", [("a", identifier.value)])
        elif identifier.scheme == "oclc":
            build.plain("035", "  ", [("a", f"(OCoLC){identifier.value}")])
        elif identifier.scheme == "nbn":
            build.plain("015", "  ", [("a", identifier.value), ("2", identifier.qualifier)])
        else:
            build.plain("024", "7 ", [("a", identifier.value), ("2", identifier.scheme)])
    if len(record.languages) > 1:
        build.plain("041", "0 ", [("a", code) for code in record.languages])
    _agents(build, record)
    _titles(build, record)
    for publication in record.publications:
        forms = [Form(" ; ".join(filter(None, [f.place, f.publisher, f.date])), f.script) for f in publication.forms]
        by_text = {form.text: pf for form, pf in zip(forms, publication.forms, strict=True)}
        build.add("264", " 1", forms, lambda form, by_text=by_text: _publication_subfields(by_text.get(form.text)))
    build.plain("300", "  ", [("a", record.extent)])
    for note in record.notes:
        build.plain("500", "  ", [("a", note)])
    if record.rights or record.license:
        build.plain("540", "  ", [("a", record.rights), ("u", record.license)])
    for subject in record.subjects:
        indicator, source = ("0", None) if subject.scheme == "lcsh" else ("7", subject.scheme or "local")
        build.plain("650", f" {indicator}", [("a", subject.term), ("2", source)])
    for genre in record.genres:
        build.plain("655", " 4", [("a", genre)])
    build.plain("852", "  ", [("a", record.institution)])
    for link in record.links:
        build.plain("856", "40", [("u", link.url), ("3", link.label), ("x", link.kind)])
    return build.finish()


def _agents(build: _Builder, record: Record) -> None:
    main_done = False
    for agent in record.agents:
        main_tag, added_tag = _AGENT_TAGS.get(agent.kind, _AGENT_TAGS["person"])
        is_main = agent.role == "creator" and not main_done
        main_done = main_done or is_main
        tag = main_tag if is_main else added_tag
        indicators = "1 " if agent.kind == "person" and "," in agent.name else ("0 " if agent.kind == "person" else "2 ")
        relator = None if agent.role == "creator" else agent.role

        def subfields(form: Form, agent=agent, relator=relator) -> list[Subfield]:
            values = [Subfield("a", form.text)]
            if agent.dates:
                values.append(Subfield("d", agent.dates))
            if relator:
                values.append(Subfield("e", relator))
            return values

        build.add(tag, indicators, agent.forms, subfields)


def _titles(build: _Builder, record: Record) -> None:
    main = record.main_title
    has_main_entry = any(a.role == "creator" for a in record.agents)
    if main is not None:
        build.add("245", f"{1 if has_main_entry else 0}0", main.forms, lambda form: [Subfield("a", form.text)])
    for title in record.titles:
        if title is main:
            continue
        tag, indicators = _TITLE_TAGS.get(title.role, ("246", "33"))
        if tag == "240" and not has_main_entry:
            tag, indicators = "130", "0 "
        build.add(tag, indicators, title.forms, lambda form: [Subfield("a", form.text)])


def _publication_subfields(form) -> list[Subfield]:
    if form is None:
        return []
    return [Subfield(code, value) for code, value in (("a", form.place), ("b", form.publisher), ("c", form.date))
            if value]


def _field_008(record: Record) -> str:
    """Fixed-length data elements: dates (07-14) and language (35-37); the rest "no attempt to code"."""
    if record.year_from is None:
        kind, date1, date2 = "n", "uuuu", "    "
    elif record.year_to is not None and record.year_to != record.year_from:
        kind, date1, date2 = "m", f"{record.year_from:04d}"[-4:], f"{record.year_to:04d}"[-4:]
    else:
        kind, date1, date2 = "s", f"{record.year_from:04d}"[-4:], "    "
    language = (record.languages[0] if record.languages else "und")[:3].ljust(3)
    value = "||||||" + kind + date1 + date2 + "xx " + "|" * 17 + language + " d"
    assert len(value) == 40
    return value


def marcxml_element(record: Record) -> etree._Element:
    """One ``<record>`` in the MARCXML namespace (with its schema location) as an lxml element.

    pymarc builds the record; the MARCXML is written here with lxml because pymarc's writer goes through
    ElementTree, which is three times slower on this hot path (OAI-PMH ListRecords) and writes CJK text as
    character references (&#28304;…) that no person can read."""
    marc = marc_record(record)
    root = etree.Element(f"{{{MARC_NS}}}record", nsmap={None: MARC_NS, "xsi": _XSI_NS})
    root.set(f"{{{_XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC_SCHEMA}")
    etree.SubElement(root, f"{{{MARC_NS}}}leader").text = str(marc.leader)
    for field in marc.get_fields():
        if field.is_control_field():
            etree.SubElement(root, f"{{{MARC_NS}}}controlfield", tag=field.tag).text = xml_text(field.data)
            continue
        element = etree.SubElement(root, f"{{{MARC_NS}}}datafield", tag=field.tag,
                                   ind1=field.indicator1 or " ", ind2=field.indicator2 or " ")
        for subfield in field.subfields:
            etree.SubElement(element, f"{{{MARC_NS}}}subfield", code=subfield.code).text = xml_text(subfield.value)
    return root


def marcxml_bytes(record: Record) -> bytes:
    """`marcxml_element` serialised as UTF-8."""
    return etree.tostring(marcxml_element(record), encoding="utf-8")
