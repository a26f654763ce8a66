"""MARC 21 → `Record` field rules, written the traject way: one small named function per target, its MARC
source in its name, run in order by `to_record`.

    >>> record, diagnostics = to_record(raw_record, MapContext(source="nlc"))  # doctest: +SKIP
    >>> record.main_title.forms  # doctest: +SKIP
    [Form(text='Hong lou meng', script='Latn', lang='chi'), Form(text='红楼梦', script='Hani', lang='chi')]

Vernacular forms: a field and the 880 linked to it by $6 (``245 $6 880-01`` ↔ ``880 $6 245-01/$1``) are one
`Title` / `Agent` / `Publication` with several forms, the field as catalogued first. Consecutive repeated
fields tied by $8 (the older "parallel field" style: kanji, kana and romaji 245s) are grouped the same way.
An 880 with occurrence ``00`` (unlinked), or whose partner is missing, stands alone as its own entry.

Each rule reads `MarcContext` and appends to ``m.out`` (the `Record` being built); every problem becomes a
`Diagnostic` naming the field (``"245$a"``, ``"880 (245-01)"``, ``"008/07-10"``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import pymarc
from stdnum import exceptions as stdnum_exceptions
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from tongwen.cjk.scripts import detect_script
from tongwen.ingest.base import Diagnostic, MapContext, RawRecord, RecordRejected
from tongwen.ingest.common_rules import closed_end
from tongwen.model import (
    Agent,
    Form,
    Identifier,
    Link,
    Provenance,
    Publication,
    PublicationForm,
    Record,
    Subject,
    Title,
)

# --- shared helpers -----------------------------------------------------------------------------------

_DIRECTION_MARKS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\s]")
_LINKAGE = re.compile(r"^(\d{3})-(\d{2,3})(?:/(.*))?$")
_TRAILING_ISBD = re.compile(r"(?:\s*[/:;=,]|\s+\.)+\s*$")
# Keep "Co." / "J." / "v." (abbreviations): a final period goes only after 3+ letters, a digit, a bracket,
# or any non-Latin letter (no abbreviations in Han, kana, hangul...).
_TRAILING_PERIOD = re.compile(r"(\w{3}|[)\]\d]|[^\x00-\u024f\u1e00-\u1eff\s])\.\s*$")
_ISBD_ENDINGS = frozenset("/:;=,.")

# $6 script identification codes (MARC 21 880 linkage) → ISO 15924, used when the text itself says nothing.
_SCRIPT_CODES = {
    "$1": "Hani",
    "(3": "Arab",
    "(4": "Arab",
    "(B": "Latn",
    "(N": "Cyrl",
    "(S": "Grek",
    "(2": "Hebr",
}


_ASCII_LETTER = re.compile("[A-Za-z]")


def script_of_text(text: str) -> str | None:
    """`detect_script`, with a shortcut for ASCII text (most MARC text), which is Latin when it holds a
    letter and script-less otherwise; detect_script looks at every character in Python.

    >>> script_of_text("Hong lou meng"), script_of_text("1971 :"), script_of_text("紅樓夢")
    ('Latn', None, 'Hani')
    """
    if text.isascii():
        return "Latn" if _ASCII_LETTER.search(text) else None
    return detect_script(text)


def strip_isbd(text: str | None) -> str:
    """Drop the trailing ISBD punctuation a cataloguer types before the next element.

    >>> strip_isbd("Kaitai shinsho /")
    'Kaitai shinsho'
    >>> strip_isbd("Fujian jiao yu chu ban she,")
    'Fujian jiao yu chu ban she'
    >>> strip_isbd("Tōkyō :"), strip_isbd("Lu, Xun,"), strip_isbd("Smith, J."), strip_isbd("1971.")
    ('Tōkyō', 'Lu, Xun', 'Smith, J.', '1971')
    """
    if not text:
        return ""
    # NFC: UTF-8 records often carry decomposed diacritics where MARC-8 ones come out composed.
    # str.split() and the regex \s agree on what whitespace is; the split is the cheaper of the two.
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if text and text[-1] in _ISBD_ENDINGS:  # the regexes only when there is something to strip: hot path
        text = _TRAILING_ISBD.sub("", text)
        text = _TRAILING_PERIOD.sub(r"\1", text)
    return text.strip()


def subfield_text(fld: pymarc.Field, codes: str) -> str:
    """The values of the wanted subfields, in field order, joined by spaces."""
    return " ".join(sub.value.strip() for sub in fld.subfields if sub.code in codes and sub.value.strip())


@dataclass(slots=True)
class Linkage:
    """How the record's 880s pair with their fields (by $6 tag + occurrence number)."""

    partners: dict[int, list[pymarc.Field]] = field(default_factory=dict)  # id(field) → its 880s
    standalone: dict[str, list[pymarc.Field]] = field(default_factory=dict)  # tag → unpaired 880s
    script_codes: dict[int, str] = field(default_factory=dict)  # id(880) → $6 script code


def parse_linkage(value: str) -> tuple[str, str, str | None] | None:
    """'245-01/$1' → ('245', '01', '$1'); tolerant of RTL marks and spaces; None when unreadable.

    >>> parse_linkage("\\u200f245-01/(3/r")
    ('245', '01', '(3/r')
    >>> parse_linkage("880-02"), parse_linkage("junk")
    (('880', '02', None), None)
    """
    match = _LINKAGE.match(_DIRECTION_MARKS.sub("", value))
    return (match.group(1), match.group(2), match.group(3)) if match else None


def link_880s(record: pymarc.Record, diagnostics: list[Diagnostic]) -> Linkage:
    """Pair every 880 with the field of the tag and occurrence number its $6 names."""
    linkage = Linkage()
    waiting: dict[tuple[str, str], list[pymarc.Field]] = {}
    for fld in record.get_fields("880"):
        link = parse_linkage(fld.get("6") or "")
        if link is None:
            diagnostics.append(
                Diagnostic(f"$6 {fld.get('6')!r} is not a linkage (tag-occurrence); 880 ignored", "880$6")
            )
            continue
        tag, occurrence, script = link
        if script:
            linkage.script_codes[id(fld)] = script
        if int(occurrence) == 0:
            linkage.standalone.setdefault(tag, []).append(fld)
        else:
            waiting.setdefault((tag, occurrence), []).append(fld)
    for fld in record.fields:
        if fld.tag == "880" or fld.control_field or "6" not in fld:
            continue
        link = parse_linkage(fld.get("6") or "")
        if link is None or link[0] != "880" or int(link[1]) == 0:
            continue
        partners = waiting.pop((fld.tag, link[1]), None)
        if partners:
            linkage.partners[id(fld)] = partners
        else:
            diagnostics.append(Diagnostic(f"points to 880-{link[1]}, which is missing", f"{fld.tag}$6"))
    for (tag, occurrence), orphans in waiting.items():
        diagnostics.append(
            Diagnostic(f"no {tag} field links to this 880; kept on its own", f"880 ({tag}-{occurrence})")
        )
        linkage.standalone.setdefault(tag, []).extend(orphans)
    return linkage


@dataclass(slots=True)
class MarcContext:
    """What every rule sees: the MARC record, the `Record` being built and the diagnostics so far."""

    marc: pymarc.Record
    out: Record
    diagnostics: list[Diagnostic]
    linkage: Linkage
    map_context: MapContext
    fixed: str = ""  # 008, padded to 40 so positions can be read safely
    lang: str | None = None  # 008/35-37 when it is a real code
    by_tag: dict[str, list[pymarc.Field]] = field(default_factory=dict)  # built once: rules ask by tag
    order: dict[int, int] = field(default_factory=dict)  # id(field) → its position in the record

    def __post_init__(self) -> None:
        for position, fld in enumerate(self.marc.fields):
            self.by_tag.setdefault(fld.tag, []).append(fld)
            self.order[id(fld)] = position

    def fields(self, *tags: str) -> list[pymarc.Field]:
        """The fields of these tags in record order (like pymarc's get_fields, without rescanning)."""
        found = [fld for tag in tags for fld in self.by_tag.get(tag, ())]
        if len(tags) > 1 and found:
            found.sort(key=lambda fld: self.order[id(fld)])
        return found

    def warn(self, message: str, where: str) -> None:
        self.diagnostics.append(Diagnostic(message, where))

    def groups(self, *tags: str) -> Iterator[tuple[str, list[pymarc.Field]]]:
        """Each entry of the given tags as (tag, fields): the field as catalogued first, then the fields
        tied to it by $8 right after it, then the 880s linked to them; unpaired 880s come last, one each."""
        current: list[pymarc.Field] | None = None
        current_tag, seen_8 = "", set()
        for fld in self.fields(*tags):
            link8 = fld.get("8")
            if current is not None and link8 and fld.tag == current_tag and seen_8 and link8 not in seen_8:
                current.append(fld)
                seen_8.add(link8)
                continue
            if current is not None:
                yield current_tag, self._with_partners(current)
            current, current_tag, seen_8 = [fld], fld.tag, {link8} if link8 else set()
        if current is not None:
            yield current_tag, self._with_partners(current)
        if self.linkage.standalone:
            for tag in tags:
                for vernacular in self.linkage.standalone.get(tag, ()):
                    yield tag, [vernacular]

    def _with_partners(self, fields: list[pymarc.Field]) -> list[pymarc.Field]:
        partners = [p for f in fields for p in self.linkage.partners.get(id(f), ())]
        return fields + partners if partners else fields

    def script_of(self, text: str, fld: pymarc.Field) -> str | None:
        script = script_of_text(text)
        if script is None and fld.tag == "880":
            code = self.linkage.script_codes.get(id(fld), "")
            script = _SCRIPT_CODES.get(code[:2])
        return script

    def forms(
        self, fields: list[pymarc.Field], text_of: Callable[[pymarc.Field], str], lang: str | None = None
    ) -> list[Form]:
        forms: list[Form] = []
        for fld in fields:
            text = text_of(fld)
            if text and all(text != f.text for f in forms):
                forms.append(Form(text, self.script_of(text, fld), lang))
        return forms


def where(fld: pymarc.Field, code: str = "") -> str:
    """How a diagnostic names a field: '245$a', or '880 (245-01)' for a vernacular one."""
    if fld.tag == "880":
        return f"880 ({_DIRECTION_MARKS.sub('', fld.get('6') or '?')})"
    return f"{fld.tag}${code}" if code else fld.tag


# --- identity -----------------------------------------------------------------------------------------


def local_id_from_001(m: MarcContext) -> None:
    """001 control number → local_id (the reader's id, then 035 $a are fallbacks)."""
    control = m.marc.get("001")
    value = control.data.strip() if control is not None and control.data else ""
    if not value:
        for fld in m.fields("035"):
            if fld.get("a"):
                value = fld.get("a").strip()
                m.warn(f"no 001; local id taken from 035 $a {value!r}", "001")
                break
    m.out.local_id = value


_ISBN_CHARS = re.compile(r"[0-9Xx][0-9Xx\- ]{8,16}[0-9Xx]")
_QUALIFIER = re.compile(r"\(([^)]*)\)")
_ISSN = re.compile(r"(\d{4})-?(\d{3}[\dXx])")
_OCLC_PREFIX = re.compile(r"^\(OCoLC\)\s*(?:ocm|ocn|on)?0*", re.IGNORECASE)
_OCLC_BARE = re.compile(r"^(?:ocm|ocn|on)0*(\d+)$")
_ORG_PREFIX = re.compile(r"^\(([^)]+)\)\s*(.+)$")


def normalize_isbn(text: str) -> tuple[str | None, str | None]:
    """ISBN as 13 digits without hyphens (python-stdnum checks and converts), plus its qualifier.

    >>> normalize_isbn("4-582-80201-X (v. 1)")
    ('9784582802016', 'v. 1')
    >>> normalize_isbn("9787533449663 (pbk.)")
    ('9787533449663', 'pbk.')
    >>> normalize_isbn("7533449665 (set)")
    ('9787533449667', 'set')
    >>> normalize_isbn("7533449666")  # wrong check digit: kept, the caller warns
    ('7533449666', None)
    >>> normalize_isbn("n/a")
    (None, None)
    """
    isbn, qualifier, _ = _checked_isbn(text)
    return isbn, qualifier


def _checked_isbn(text: str) -> tuple[str | None, str | None, bool]:
    """`normalize_isbn` plus whether the check digit is right, so the caller need not validate again."""
    match = _ISBN_CHARS.search(text)
    qualifier_match = _QUALIFIER.search(text)
    qualifier = qualifier_match.group(1).strip() or None if qualifier_match else None
    if not match:
        return None, qualifier, False
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(match.group(0))), qualifier, True
    except stdnum_exceptions.InvalidChecksum:
        # Printed on the book with a wrong check digit, so it is still what people search for.
        return stdnum_isbn.compact(match.group(0)), qualifier, False
    except stdnum_exceptions.ValidationError:
        return None, qualifier, False


def normalize_lccn(text: str) -> str | None:
    """LC's normalisation: no blanks, nothing after '/', the serial after a hyphen padded to six digits.

    >>> normalize_lccn("   73016445 /AC "), normalize_lccn("n 78-890351"), normalize_lccn("85-2")
    ('73016445', 'n78890351', '85000002')
    """
    value = text.split("/")[0].replace(" ", "").strip()
    if "-" in value:
        prefix, _, serial = value.partition("-")
        if serial.isdigit():
            value = prefix + serial.zfill(6)
    return value or None


def identifiers_from_020_022_010_035_016(m: MarcContext) -> None:
    """020 $a ISBN, 022 $a ISSN, 010 $a LCCN, 035 $a OCLC/NCID/other system numbers, 015/016 national
    bibliography numbers, 024 $a DOI (ind1 7, $2 doi)."""
    ids: list[Identifier] = []
    for fld in m.fields("020"):
        for raw in fld.get_subfields("a"):
            isbn, qualifier, valid = _checked_isbn(raw)
            qualifier = qualifier or (fld.get("q") or "").strip("() ") or None
            if isbn:
                if not valid:
                    m.warn(f"{raw!r}: the ISBN check digit is wrong; kept as catalogued", where(fld, "a"))
                ids.append(Identifier("isbn", isbn, qualifier))
            else:
                m.warn(f"{raw!r} is not a valid ISBN; dropped", where(fld, "a"))
    for fld in m.fields("022"):
        for raw in fld.get_subfields("a"):
            match = _ISSN.search(raw)
            if match:
                issn = f"{match.group(1)}-{match.group(2).upper()}"
                if not stdnum_issn.is_valid(issn):
                    m.warn(f"{raw!r}: the ISSN check digit is wrong; kept as catalogued", where(fld, "a"))
                ids.append(Identifier("issn", issn))
            else:
                m.warn(f"{raw!r} is not an ISSN; dropped", where(fld, "a"))
    for fld in m.fields("010"):
        for raw in fld.get_subfields("a"):
            if lccn := normalize_lccn(raw):
                ids.append(Identifier("lccn", lccn))
    for fld in m.fields("035"):
        for raw in fld.get_subfields("a"):
            ids.extend(_system_number(m, fld, raw.strip()))
    for fld in m.fields("015", "016"):
        agency = fld.get("2") or ("CaOONL" if fld.tag == "016" and fld.indicator1 == " " else None)
        for raw in fld.get_subfields("a"):
            if raw.strip():
                ids.append(Identifier("nbn", raw.strip(), agency))
    for fld in m.fields("024"):
        if fld.indicator1 == "7" and (fld.get("2") or "").lower() == "doi" and fld.get("a"):
            ids.append(Identifier("doi", fld.get("a").strip()))
    seen: set[tuple[str, str]] = set()
    for identifier in ids:
        if (identifier.scheme, identifier.value) not in seen:
            seen.add((identifier.scheme, identifier.value))
            m.out.identifiers.append(identifier)


def _system_number(m: MarcContext, fld: pymarc.Field, raw: str) -> list[Identifier]:
    if raw.upper().startswith("(OCOLC)"):
        number = _OCLC_PREFIX.sub("", raw)
        if number.isdigit():
            return [Identifier("oclc", number)]
        m.warn(f"{raw!r} is not an OCLC number; dropped", where(fld, "a"))
        return []
    match = _ORG_PREFIX.match(raw)
    if not match:
        if _OCLC_BARE.match(raw):  # "ocn767498970": OCLC's own prefixes say whose number it is
            return [Identifier("oclc", _OCLC_BARE.match(raw).group(1))]
        return []  # a bare number has no owner: useless for matching across catalogues
    org, number = match.group(1).strip(), match.group(2).strip()
    if org.upper() == "NCID":
        return [Identifier("ncid", number)]
    return [Identifier("other", number, org)]


def institution_from_context_or_040(m: MarcContext) -> None:
    """The member library the import was run for; else 040 $a (original cataloguing agency)."""
    institution = m.map_context.institution
    if not institution:
        cataloguing = m.marc.get("040")
        institution = (cataloguing.get("a") or "").strip() or None if cataloguing is not None else None
    m.out.institution = institution


# --- titles -------------------------------------------------------------------------------------------


def _title_text(fld: pymarc.Field) -> str:
    return strip_isbd(subfield_text(fld, "abfgknps"))


def title_from_245(m: MarcContext) -> None:
    """245 $a $b $f $g $k $n $p $s → the main title; its 880 and $8-tied repeats are its other forms."""
    for tag, fields in m.groups("245"):
        forms = m.forms(fields, _title_text, m.lang)
        if not forms:
            m.warn("title field has no text", where(fields[0], "a"))
            continue
        has_main = any(t.role == "main" for t in m.out.titles)
        if has_main and fields[0].tag != "880":
            m.warn("repeated 245 not tied by $8; kept as a parallel title", "245")
        m.out.titles.append(Title(forms, "parallel" if has_main else "main"))


def variant_titles_from_246_740(m: MarcContext) -> None:
    """246 $a $b $n $p (ind2 1 = parallel title) and 740 $a $n $p → variant titles."""
    for tag, fields in m.groups("246", "740"):
        forms = m.forms(fields, lambda f: strip_isbd(subfield_text(f, "abnp")), m.lang)
        if forms:
            parallel = tag == "246" and fields[0].indicator2 == "1"
            m.out.titles.append(Title(forms, "parallel" if parallel else "variant"))


def uniform_title_from_130_240(m: MarcContext) -> None:
    """130 / 240 $a $d $f $k $l $m $n $o $p $r $s → the uniform title (the work's established name)."""
    for _tag, fields in m.groups("130", "240"):
        forms = m.forms(fields, lambda f: strip_isbd(subfield_text(f, "adfklmnoprs")))
        if forms:
            m.out.titles.append(Title(forms, "uniform"))


def original_titles_from_765_767(m: MarcContext) -> None:
    """765 (original language entry) / 767 (translation entry) $t → variant titles: a translation's only link
    to its original when the record has no uniform title, which is how work clustering finds it."""
    seen = {form.text for title in m.out.titles for form in title.forms}
    for _tag, fields in m.groups("765", "767"):
        forms = m.forms(fields, lambda f: strip_isbd(subfield_text(f, "t")))
        if forms and forms[0].text not in seen:
            seen.add(forms[0].text)
            m.out.titles.append(Title(forms, "variant"))


def series_from_490_830(m: MarcContext) -> None:
    """490 $a, 440 / 830 $a $n $p, 800-811 $t → series titles (numbering $v left out)."""
    seen: set[str] = {t.text for t in m.out.titles if t.role == "series"}
    for tag, fields in m.groups("440", "490", "800", "810", "811", "830"):
        codes = "t" if tag.startswith("8") and tag != "830" else "anp"
        forms = m.forms(fields, lambda f, c=codes: strip_isbd(subfield_text(f, c)))
        if forms and forms[0].text not in seen:
            seen.add(forms[0].text)
            m.out.titles.append(Title(forms, "series"))


# --- agents -------------------------------------------------------------------------------------------

_KIND_BY_TAG_END = {"00": "person", "10": "organization", "11": "meeting"}
_NAME_CODES = {"person": "abcq", "organization": "abcdn", "meeting": "acdenq"}
# MARC relator codes ($4) most used in CJK catalogues → the relator term ($e) they stand for.
_RELATORS = {
    "aut": "author",
    "edt": "editor",
    "trl": "translator",
    "ill": "illustrator",
    "com": "compiler",
    "ctb": "contributor",
    "cmp": "composer",
    "pht": "photographer",
    "art": "artist",
    "pbl": "publisher",
    "aui": "author of introduction",
    "ann": "annotator",
    "cwt": "commentator for written text",
    "prf": "performer",
    "drt": "director",
    "nrt": "narrator",
    "lyr": "lyricist",
    "cre": "creator",
    "isb": "issuing body",
    "spn": "sponsor",
    "his": "host institution",
    "orm": "organizer",
    "cll": "calligrapher",
    "ive": "interviewee",
    "ivr": "interviewer",
    "rev": "reviewer",
    "adp": "adapter",
    "own": "former owner",
    "fmo": "former owner",
    "pfr": "proofreader",
    "sce": "scenarist",
    "cnd": "conductor",
    "act": "actor",
}
_ROLE_ABBREVIATIONS = {
    "ed": "editor",
    "eds": "editor",
    "comp": "compiler",
    "tr": "translator",
    "trans": "translator",
    "ill": "illustrator",
    "joint author": "author",
    "jt. author": "author",
}


def agents_from_1xx_7xx(m: MarcContext) -> None:
    """100 / 700 person, 110 / 710 organization, 111 / 711 meeting; role from $e ($j for meetings) or the
    relator code $4, else 'creator' for 1xx and 'contributor' for 7xx; dates from $d (persons); authority
    identifiers from $0 and $1 of the field and its 880 partner."""
    for tag, fields in m.groups("100", "110", "111", "700", "710", "711"):
        kind = _KIND_BY_TAG_END[tag[1:]]
        codes = _NAME_CODES[kind]
        forms = m.forms(fields, lambda f, c=codes: strip_isbd(subfield_text(f, c)))
        if not forms:
            continue
        main = fields[0]
        dates = strip_isbd(main.get("d")) or None if kind == "person" else None
        identifiers = list(dict.fromkeys(
            value.strip() for fld in fields for value in fld.get_subfields("0", "1") if value.strip()))
        m.out.agents.append(Agent(forms, _role(main, tag), kind, dates, identifiers))


def _role(fld: pymarc.Field, tag: str) -> str:
    for term in fld.get_subfields("j" if tag.endswith("11") else "e"):
        cleaned = strip_isbd(term).rstrip(".").strip().lower()
        if cleaned:
            return _ROLE_ABBREVIATIONS.get(cleaned, cleaned)
    for code in fld.get_subfields("4"):
        cleaned = code.strip().rstrip(".").lower()
        if cleaned in _RELATORS:
            return _RELATORS[cleaned]
    return "creator" if tag.startswith("1") else "contributor"


# --- publication and dates ----------------------------------------------------------------------------


def _publication_form(m: MarcContext, fld: pymarc.Field) -> PublicationForm | None:
    place = " ; ".join(filter(None, (strip_isbd(v) for v in fld.get_subfields("a")))) or None
    publisher = " ; ".join(filter(None, (strip_isbd(v) for v in fld.get_subfields("b")))) or None
    date = strip_isbd(" ".join(fld.get_subfields("c"))) or None
    if not (place or publisher or date):
        return None
    return PublicationForm(
        place, publisher, date, m.script_of(" ".join(filter(None, (place, publisher))), fld)
    )


def publication_from_260_264(m: MarcContext) -> None:
    """260 and 264 (ind2 1 publication, 0 production, 2 distribution, 3 manufacture; not 4 copyright)
    $a place, $b publisher, $c date → publications, as transcribed, with their vernacular forms."""
    for _tag, fields in m.groups("260", "264"):
        if fields[0].tag == "264" and fields[0].indicator2 == "4":
            continue
        forms: list[PublicationForm] = []
        for fld in fields:
            form = _publication_form(m, fld)
            if form and form not in forms:
                forms.append(form)
        if forms:
            m.out.publications.append(Publication(forms))


def dates_from_008_and_260(m: MarcContext) -> None:
    """008/06 date type + 008/07-10, 11-14 → year_from / year_to; else 260 / 264 $c parsed (era names
    too); date_display = the transcribed $c, its vernacular form when there is one."""
    from tongwen.cjk import eras  # imported here: the era tables load on first use

    dates = [form.date for publication in m.out.publications for form in publication.forms if form.date]
    vernacular = [
        form.date for publication in m.out.publications for form in publication.forms[1:] if form.date
    ]
    m.out.date_display = (vernacular or dates or [None])[0]
    fixed = m.fixed
    if fixed.strip():
        year_range = eras.parse_year_range_008(fixed[7:11], fixed[11:15], fixed[6])
        if year_range is not None:
            m.out.year_from, m.out.year_to = year_range.year_from, closed_end(year_range.year_to)
            return
        if fixed[7:11].strip(" |"):
            m.warn(f"no year in date1 {fixed[7:11]!r} (type {fixed[6]!r}); trying 260/264 $c", "008/07-10")
    country = fixed[15:18].strip(" |") or None
    for text in dates:
        parsed = eras.parse_date(text, country=country, lang=m.lang)
        if parsed is not None:
            m.out.year_from, m.out.year_to = parsed.year_from, closed_end(parsed.year_to)
            return


# --- language, subjects, genre, type ------------------------------------------------------------------

_LANGUAGE_CODE = re.compile(r"^[a-z]{3}$")


def languages_from_008_041(m: MarcContext) -> None:
    """008/35-37, then 041 $a (language of the text; MARC codes only, not ind2 7 other schemes)."""
    codes: list[str] = [m.lang] if m.lang else []
    for fld in m.fields("041"):
        if fld.indicator2 == "7":
            continue
        for raw in fld.get_subfields("a"):
            value = raw.strip().lower()
            # Older records run codes together ("engfre"): MARC codes are always three letters.
            parts = [value[i : i + 3] for i in range(0, len(value), 3)] if len(value) % 3 == 0 else [value]
            for code in parts:
                if _LANGUAGE_CODE.match(code):
                    codes.append(code)
                else:
                    m.warn(f"{raw!r} is not a MARC language code", where(fld, "a"))
    m.out.languages = list(dict.fromkeys(codes))


_SUBJECT_KIND = {
    "600": "name",
    "610": "name",
    "611": "name",
    "630": "topic",
    "648": "period",
    "650": "topic",
    "651": "place",
    "653": "topic",
}
_SUBJECT_SCHEME = {"0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "5": "cash", "6": "rvm"}
_SUBDIVISIONS = "vxyz"
_SUBJECT_SKIP = "0123456789e"


def _heading(fld: pymarc.Field) -> str:
    """Main heading and its subdivisions ($v $x $y $z) joined by ' -- ', as displayed in catalogues."""
    main: list[str] = []
    parts: list[str] = []
    for sub in fld.subfields:
        if sub.code in _SUBJECT_SKIP or not sub.code.isalpha() or not sub.value.strip():
            continue
        if sub.code in _SUBDIVISIONS:
            parts.append(strip_isbd(sub.value))
        elif parts:
            parts[-1] = f"{parts[-1]} {sub.value.strip()}"
        else:
            main.append(sub.value.strip())
    return " -- ".join(filter(None, [strip_isbd(" ".join(main)), *parts]))


def subjects_from_6xx(m: MarcContext) -> None:
    """600 / 610 / 611 names, 630 titles, 648 periods, 650 topics, 651 places, 653 keywords → subjects;
    scheme from ind2 (0 lcsh … 7 = $2); each vernacular 880 heading is a subject of its own script."""
    seen: set[tuple[str, str | None]] = set()
    for tag, fields in m.groups(*_SUBJECT_KIND):
        main = fields[0]
        scheme = (
            None
            if tag == "653"
            else (
                (main.get("2") or "").strip() or None
                if main.indicator2 == "7"
                else _SUBJECT_SCHEME.get(main.indicator2)
            )
        )
        for fld in fields:
            term = _heading(fld)
            if term and (term, scheme) not in seen:
                seen.add((term, scheme))
                m.out.subjects.append(Subject(term, scheme, _SUBJECT_KIND[tag], m.script_of(term, fld)))


def genres_from_655(m: MarcContext) -> None:
    """655 $a (+ subdivisions) → genre / form terms."""
    for _tag, fields in m.groups("655"):
        for fld in fields:
            term = _heading(fld)
            if term and term not in m.out.genres:
                m.out.genres.append(term)


def content_type_from_leader(m: MarcContext) -> None:
    """Leader/06 type of record + leader/07 bibliographic level (+ 008/26 for computer files)."""
    leader = str(m.marc.leader)
    record_type, level = leader[6:7], leader[7:8]
    if record_type in ("a", "t"):
        if level in ("s", "i"):
            kind = "serial"
        elif level in ("a", "b"):
            kind = "article"
        else:
            kind = "manuscript" if record_type == "t" else "book"
    elif record_type == "m":
        kind = "dataset" if m.fixed[26:27] == "a" else "software"
    else:
        kind = {
            "c": "score",
            "d": "score",
            "e": "map",
            "f": "map",
            "g": "video",
            "i": "sound",
            "j": "music",
            "k": "image",
            "o": "mixed",
            "p": "mixed",
            "r": "other",
        }.get(record_type)
        if kind is None:
            m.warn(f"unknown type of record {record_type!r}", "leader/06")
    m.out.content_type = kind


# --- description, links, rights -----------------------------------------------------------------------


def extent_from_300(m: MarcContext) -> None:
    """300 $a $b $c $e → extent ('2 v. : ill. ; 22 cm'), repeated 300s joined by '; '."""
    parts = [strip_isbd(subfield_text(fld, "abce")) for fld in m.fields("300")]
    m.out.extent = "; ".join(filter(None, parts)) or None


_NOT_NOTES = frozenset(("506", "540"))  # rights, see rights_from_506_540


def notes_from_5xx(m: MarcContext) -> None:
    """5xx notes (all but 506 / 540, which are rights), vernacular 880 notes too, as catalogued."""
    tags = [tag for tag in m.by_tag if tag.startswith("5") and tag not in _NOT_NOTES]
    tags += [
        tag
        for tag in m.linkage.standalone
        if tag.startswith("5") and tag not in _NOT_NOTES and tag not in tags
    ]
    for _tag, fields in m.groups(*tags):
        for fld in fields:
            text = unicodedata.normalize(
                "NFC",
                " ".join(s.value.strip() for s in fld.subfields if s.code.isalpha() and s.value.strip()),
            )
            if text and text not in m.out.notes:
                m.out.notes.append(text)


def links_from_856(m: MarcContext) -> None:
    """856 $u → links (ind2 0/1 resource or version = full text, 2 = related); label from $y, $3 or $z."""
    for fld in m.fields("856"):
        label = (fld.get("y") or fld.get("3") or fld.get("z") or "").strip() or None
        for url in fld.get_subfields("u"):
            url = url.strip()
            if not url:
                continue
            if "iiif" in url.lower() and "manifest" in url.lower():
                kind = "iiif_manifest"
            else:
                kind = {"0": "fulltext", "1": "fulltext", "2": "other"}.get(fld.indicator2, "landing")
            m.out.links.append(Link(url, kind, label))


def rights_from_506_540(m: MarcContext) -> None:
    """506 (access) and 540 (use and reproduction) $a $f → rights; 540 $u (a URI) → license."""
    statements = [strip_isbd(subfield_text(fld, "abcf")) for fld in m.fields("506", "540")]
    m.out.rights = "; ".join(filter(None, statements)) or None
    for fld in m.fields("540"):
        uri = (fld.get("u") or "").strip()
        if uri.startswith(("http://", "https://")):
            m.out.license = uri
            break


RULES: tuple[Callable[[MarcContext], None], ...] = (
    local_id_from_001,
    identifiers_from_020_022_010_035_016,
    institution_from_context_or_040,
    title_from_245,
    variant_titles_from_246_740,
    uniform_title_from_130_240,
    original_titles_from_765_767,
    series_from_490_830,
    agents_from_1xx_7xx,
    publication_from_260_264,
    dates_from_008_and_260,
    languages_from_008_041,
    subjects_from_6xx,
    genres_from_655,
    content_type_from_leader,
    extent_from_300,
    notes_from_5xx,
    links_from_856,
    rights_from_506_540,
)


def _fixed_field(marc: pymarc.Record, diagnostics: list[Diagnostic]) -> str:
    fld = marc.get("008")
    data = fld.data if fld is not None and fld.data else ""
    if fld is None:
        diagnostics.append(Diagnostic("missing: no dates or language from fixed fields", "008"))
    elif len(data) != 40:
        diagnostics.append(
            Diagnostic(f"{len(data)} characters, expected 40; positions read as they stand", "008")
        )
    return data.ljust(40)


def to_record(
    raw: RawRecord, ctx: MapContext, *, format_name: str = "marc"
) -> tuple[Record, list[Diagnostic]]:
    """Map one MARC `RawRecord` (payload: `pymarc.Record`) to a `Record`.

    The diagnostics returned are the mapper's only (the pipeline adds ``raw.diagnostics``). Raises
    `RecordRejected` when the reader could not parse the record, or when it has neither a title nor an id.
    """
    if raw.error:
        raise RecordRejected(raw.error)
    marc: pymarc.Record = raw.payload
    diagnostics: list[Diagnostic] = []
    fixed = _fixed_field(marc, diagnostics)
    lang = fixed[35:38].strip(" |").lower()
    out = Record(source=ctx.source, local_id="")
    m = MarcContext(
        marc=marc,
        out=out,
        diagnostics=diagnostics,
        linkage=link_880s(marc, diagnostics),
        map_context=ctx,
        fixed=fixed,
        lang=lang if _LANGUAGE_CODE.match(lang) else None,
    )
    for rule in RULES:
        rule(m)
    if not out.local_id:
        out.local_id = raw.local_id or ""
    if not out.local_id:
        if not out.titles:
            raise RecordRejected(
                f"{raw.position}: neither a title (245) nor a control number (001/035)", "245"
            )
        # A content hash keeps the id stable when the same file is imported again.
        out.local_id = "sha1-" + hashlib.sha1((raw.original or str(marc)).encode("utf-8")).hexdigest()[:16]
        diagnostics.append(
            Diagnostic(f"no control number; local id {out.local_id} made from the content", "001")
        )
    if not out.titles:
        diagnostics.append(Diagnostic("no title", "245$a"))
    out.provenance = Provenance(
        source=ctx.source, format=format_name, position=raw.position, original=raw.original
    )
    return out, diagnostics


def mapper_for(format_name: str) -> Callable[[RawRecord, MapContext], tuple[Record, list[Diagnostic]]]:
    """`to_record` with the provenance format set: what each reader module's `FORMAT.map` is."""
    return partial(to_record, format_name=format_name)
