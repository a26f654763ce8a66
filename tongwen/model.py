"""The common record model: every member library's record, whatever its format, becomes one `Record`.

Field by field (the MARC / DC / MODS sources named are the usual ones; the exact rules live in
`tongwen.ingest.*_rules`):

- ``source`` + ``local_id``: where the record came from (a source name given at import or harvest) and its
  id there (MARC 001, OAI identifier, CSV id column). ``Record.id`` is ``"source:local_id"``.
- ``identifiers``: standard numbers, normalised (ISBN as ISBN-13 without hyphens, ISSN as ``NNNN-NNNX``,
  LCCN without spaces). ``scheme`` is one of ``IDENTIFIER_SCHEMES``.
- ``titles``: each `Title` is one title (role main / parallel / variant / uniform / series) in one or more
  script forms. The first form is the one in the record's main field (MARC 245); its vernacular or
  romanized partner (MARC 880 linked by $6, or a paired DC/MODS title) is the next form.
- ``agents``: creators and contributors, likewise with their name forms in each script, a role
  (``creator`` or a relator term such as ``editor``, ``translator``), a kind (person / organization / meeting),
  life dates and authority identifiers (MARC $0/$1, DC-NDL agent URIs, MODS valueURI).
- ``publications``: place, publisher and date *as transcribed* (MARC 260/264, DC publisher/date), each in its
  script forms; ``year_from`` / ``year_to`` on the record are the normalised year range (from MARC 008 or
  the transcribed date, era dates converted), ``date_display`` keeps the form shown to people.
- ``languages``: ISO 639-2/B codes (``chi``, ``jpn``, ``kor``, ``eng``, ``vie``, ``tha``, ``bur``...).
- ``subjects`` and ``genres``: headings with their thesaurus (``scheme``) when known.
- ``content_type``: one of ``CONTENT_TYPES`` (MARC leader/06-07, DC type).
- ``extent``, ``notes``: free text as catalogued.
- ``links``: landing page at the holding library, IIIF manifest, thumbnail, full text.
- ``rights`` / ``license``: statement as given and a licence URI when one is known.
- ``institution``: code of the holding institution (``NLC``, ``NDL``, ``NLK``, ``NLB``, ``NLV``...).
- ``provenance``: source, format, import run, where in the file, and the original record verbatim.
- ``pages``: the digitised item itself, one `Page` per surface in reading order (IIIF canvases, ALTO/hOCR
  pages, TEI ``<pb/>``, Kanseki Repository ``<pb:…>`` leaves): the source's own label kept verbatim, an image
  (IIIF Image service or a file), its size, and the page's text with its language, script and where the
  text came from (OCR with engine and confidence, transcription, born-digital), optionally word boxes.
- ``viewing_direction``: the order pages are turned, as IIIF says it (``VIEWING_DIRECTIONS``); None when the
  source does not say (readers of premodern vertical CJK text give ``right-to-left``).

Scripts are ISO 15924 codes (``Hani``, ``Hans``, ``Hant``, ``Jpan``, ``Kore``, ``Hang``, ``Latn``, ``Thai``,
``Mymr``...); ``None`` when unknown. Everything is a plain dataclass so it serialises to JSON losslessly with
`Record.to_dict` / `Record.from_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

TitleRole = Literal["main", "parallel", "variant", "uniform", "series"]
AgentKind = Literal["person", "organization", "meeting"]
LinkKind = Literal["landing", "iiif_manifest", "thumbnail", "fulltext", "other"]
TextSource = Literal["ocr", "transcription", "born-digital"]

TITLE_ROLES = ("main", "parallel", "variant", "uniform", "series")
IDENTIFIER_SCHEMES = ("isbn", "issn", "lccn", "oclc", "ncid", "nbn", "doi", "uri", "local", "other")
VIEWING_DIRECTIONS = ("left-to-right", "right-to-left", "top-to-bottom", "bottom-to-top")
TEXT_SOURCES = ("ocr", "transcription", "born-digital")
IMAGE_KINDS = ("iiif", "file")
CONTENT_TYPES = (
    "book", "serial", "manuscript", "map", "music", "score", "sound", "video", "image",
    "article", "dataset", "software", "mixed", "other",
)


@dataclass(slots=True)
class Form:
    """One written form of a title or name: its text, ISO 15924 script and ISO 639 language."""

    text: str
    script: str | None = None
    lang: str | None = None


@dataclass(slots=True)
class Title:
    forms: list[Form]
    role: str = "main"

    @property
    def text(self) -> str:
        return self.forms[0].text if self.forms else ""


@dataclass(slots=True)
class Agent:
    forms: list[Form]
    role: str = "creator"
    kind: str = "person"
    dates: str | None = None
    # Authority identifiers as catalogued: MARC $0 / $1 ("(DLC)n79021164", "http://viaf.org/viaf/37004329"),
    # a DC-NDL agent's rdf:about, a MODS valueURI. `tongwen.agents.keys.agent_identifier` normalises them.
    identifiers: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.forms[0].text if self.forms else ""


@dataclass(slots=True)
class Identifier:
    scheme: str
    value: str
    qualifier: str | None = None  # e.g. "pbk.", or the country of a national bibliography number


@dataclass(slots=True)
class Publication:
    forms: list[PublicationForm]


@dataclass(slots=True)
class PublicationForm:
    place: str | None = None
    publisher: str | None = None
    date: str | None = None
    script: str | None = None


@dataclass(slots=True)
class Subject:
    term: str
    scheme: str | None = None  # lcsh, ndlsh, nlksh, fast, local...
    kind: str = "topic"  # topic, name, place, period, genre
    script: str | None = None


@dataclass(slots=True)
class Link:
    url: str
    kind: str = "landing"
    label: str | None = None


@dataclass(slots=True)
class Provenance:
    source: str
    format: str
    run_id: int | None = None
    position: str | None = None  # "file.mrc record 12" — where an error report points
    original: str | None = None  # the source record verbatim (MARCXML for MARC, the XML element, the CSV row)


@dataclass(slots=True)
class PageImage:
    """Where a page's picture is: a IIIF Image service (``kind="iiif"``, ``url`` its base URI, without
    ``/info.json``) or an image file (``kind="file"``: a URL, or a path relative to the imported file)."""

    url: str
    kind: str = "iiif"
    format: str | None = None  # media type of a file ("image/jpeg"); None for a service


@dataclass(slots=True)
class Word:
    """One word (or, for CJK OCR, often one character or line) on a page, with its box in the page's
    pixel coordinates (ALTO ``HPOS/VPOS/WIDTH/HEIGHT``, hOCR ``bbox x0 y0 x1 y1`` as x, y, w, h)."""

    text: str
    x: int
    y: int
    w: int
    h: int
    confidence: float | None = None  # 0–1


@dataclass(slots=True)
class Page:
    """One surface of a digitised item. ``label`` is the source's own (``KR1h0004_CHANT_001-2a``,
    ``p. 12``, a canvas label), never renumbered; ``id`` is the source's identifier for it (canvas URI, ALTO
    page ID) or the label when it has none. ``text_source`` is one of `TEXT_SOURCES`; ``ocr_engine`` and
    ``ocr_confidence`` (0–1, the page's mean) are set when the source gives them."""

    label: str
    id: str | None = None
    image: PageImage | None = None
    width: int | None = None
    height: int | None = None
    text: str | None = None
    lang: str | None = None  # ISO 639-2/B, as Record.languages
    script: str | None = None  # ISO 15924
    text_source: str | None = None
    ocr_engine: str | None = None
    ocr_confidence: float | None = None
    words: list[Word] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # this page's text elsewhere (ALTO, hOCR), not yet read

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Page:
        values = dict(data)
        image = values.pop("image", None)
        words = values.pop("words", None) or []
        links = values.pop("links", None) or []
        return cls(
            **values,
            image=PageImage(**image) if image else None,
            words=[Word(**word) for word in words],
            links=[Link(**link) for link in links],
        )


@dataclass(slots=True)
class Record:
    source: str
    local_id: str
    institution: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    date_display: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    languages: list[str] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    content_type: str | None = None
    extent: str | None = None
    notes: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    rights: str | None = None
    license: str | None = None
    provenance: Provenance | None = None
    pages: list[Page] = field(default_factory=list)
    viewing_direction: str | None = None

    @property
    def id(self) -> str:
        return f"{self.source}:{self.local_id}"

    @property
    def main_title(self) -> Title | None:
        for title in self.titles:
            if title.role == "main":
                return title
        return self.titles[0] if self.titles else None

    def scripts(self) -> list[str]:
        """Every script the record's titles and names are written in, in order of first use."""
        seen: dict[str, None] = {}
        for group in (*self.titles, *self.agents):
            for form in group.forms:
                if form.script:
                    seen.setdefault(form.script, None)
        return list(seen)

    def to_dict(self, *, with_original: bool = True) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        if not with_original and data.get("provenance"):
            data["provenance"].pop("original", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        def forms(items: list[dict]) -> list[Form]:
            return [Form(**f) for f in items]

        return cls(
            source=data["source"],
            local_id=data["local_id"],
            institution=data.get("institution"),
            identifiers=[Identifier(**i) for i in data.get("identifiers", [])],
            titles=[Title(forms(t["forms"]), t.get("role", "main")) for t in data.get("titles", [])],
            agents=[
                Agent(forms(a["forms"]), a.get("role", "creator"), a.get("kind", "person"), a.get("dates"),
                      list(a.get("identifiers", [])))
                for a in data.get("agents", [])
            ],
            publications=[
                Publication([PublicationForm(**f) for f in p["forms"]]) for p in data.get("publications", [])
            ],
            date_display=data.get("date_display"),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            languages=list(data.get("languages", [])),
            subjects=[Subject(**s) for s in data.get("subjects", [])],
            genres=list(data.get("genres", [])),
            content_type=data.get("content_type"),
            extent=data.get("extent"),
            notes=list(data.get("notes", [])),
            links=[Link(**link) for link in data.get("links", [])],
            rights=data.get("rights"),
            license=data.get("license"),
            provenance=Provenance(**data["provenance"]) if data.get("provenance") else None,
            pages=[Page.from_dict(page) for page in data.get("pages", [])],
            viewing_direction=data.get("viewing_direction"),
        )


RECORD_FIELDS = tuple(f.name for f in fields(Record))
