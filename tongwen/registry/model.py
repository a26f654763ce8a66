"""The cooperation registry's facts as plain dataclasses: who the institutions are, which bodies they belong
to, what they signed, which programmes they run and what they did together.

Every fact carries ``sources``: the documents (and, where possible, the sentence) it was taken from.
Names reuse `tongwen.model.Form` (text + ISO 15924 script + ISO 639-2/B language), like catalogue records.

Dates are partial ISO 8601 strings, as precise as the source allows: ``"1981"``, ``"2012-09"``,
``"2003-10-01"``. An activity has ``date_start`` and, for a period, ``date_end``.

**Aggregate facts.** When a source gives only totals ("since 1981, 33 themed business meetings with 166
people"), the registry stores one `Activity` with ``aggregate=True``, its period and its counts. A single
event that is known to be one of the events an aggregate sums up points at it with ``part_of``. Counting rule
(implemented in `tongwen.registry.stats`, never double-counting):

- An event that is ``part_of`` an aggregate is shown in timelines, lists and the network, but counted in
  **no** statistic: its aggregate already counts it.
- Totals (per partner pair, per kind, overall) add single events (1 event each, their people and items) and
  aggregates (their stated ``event_count``, ``participant_count``, ``items_count``).
- Per-year counts place single events, and aggregates whose period lies within one year, in that year. An
  aggregate spanning several years cannot be split over them; it is reported once under ``spans``. So the
  per-year figures plus the spans add up exactly to the totals.
- ``status="planned"`` activities are listed in timelines but counted in no statistic.
- Unknown counts are unknown, not zero: an aggregate that gives only people ("seven librarians") adds no
  events.

Example:

    >>> a = Activity(id="x", kind="visit", title="A visit", date_start="1981")
    >>> a.year_start, a.year_end, a.is_single_year
    (1981, 1981, True)
"""

from __future__ import annotations

import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, ClassVar

from tongwen.model import Form

INSTITUTION_TYPES = (
    "national_library",
    "parliamentary_library",
    "library",
    "government_agency",
    "foundation",
    "nonprofit_organisation",
    "library_association",
)
ORGANISATION_KINDS = (
    "federation",
    "conference",
    "core_activity",
    "library_association",
    "regional_association",
    "council",
    "scholarly_association",
    "intergovernmental_organisation",
    "international_organisation",
)
ACTIVITY_KINDS = (
    "visit",
    "themed_business_meeting",
    "business_meeting",
    "staff_attachment",
    "exchanged_librarian",
    "training_course",
    "donation",
    "publication_exchange",
    "exhibition",
    "lecture",
    "forum",
    "conference",
    "proposal",
    "consultation",
    "drafting",
)
AGREEMENT_KINDS = ("agreement", "letter_of_intent", "initiative", "declaration")
PROGRAMME_KINDS = (
    "institutional_exchange",
    "mutual_visits",
    "staff_exchange",
    "book_donation",
    "training",
    "digital_library",
    "publication_exchange",
    "cultural_exchange",
    "co_sponsorship",
)
PARTY_ROLES = (
    "party",
    "host",
    "organiser",
    "co_organiser",
    "participant",
    "invited",
    "donor",
    "recipient",
    "sender",
    "proposer",
    "signatory",
    "implementer",
    "funder",
    "attendee",
)
COUNT_QUALIFIERS = ("exact", "more_than", "about")
STATUSES = ("held", "planned")

_PARTIAL_DATE = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def parse_year(date: str | None) -> int | None:
    """The year of a partial ISO date: ``parse_year("2012-09") == 2012``; None for None."""
    if date is None:
        return None
    match = _PARTIAL_DATE.match(date)
    if not match:
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {date!r}")
    return int(match.group(1))


def is_partial_date(date: str) -> bool:
    return bool(_PARTIAL_DATE.match(date))


@dataclass(slots=True)
class Citation:
    """Where a fact comes from: a `Source` id and, where possible, the sentence that states it."""

    source: str
    quote: str | None = None


@dataclass(slots=True)
class Party:
    """One institution or organisation (by code) taking part in an agreement, programme or activity."""

    code: str
    role: str = "party"
    participants: int | None = None  # people this party sent, when the source says


@dataclass(slots=True)
class Source:
    entity: ClassVar[str] = "source"
    key_field: ClassVar[str] = "id"

    id: str  # "cdnlao-82"
    title: str
    publisher: str | None = None
    published: str | None = None  # partial ISO date
    file: str | None = None  # the stored copy, under /work/shared/seeds
    url: str | None = None
    notes: str | None = None


@dataclass(slots=True)
class Institution:
    entity: ClassVar[str] = "institution"
    key_field: ClassVar[str] = "code"

    code: str  # "NLC"
    name_en: str
    type: str  # one of INSTITUTION_TYPES
    country: str  # ISO 3166-1 alpha-2
    names: list[Form] = field(default_factory=list)  # in the institution's own languages
    acronym: str | None = None
    city: str | None = None
    website: str | None = None
    notes: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass(slots=True)
class Organisation:
    """A body institutions belong to or take part in: IFLA, CDNLAO, CONSAL, an intergovernmental centre."""

    entity: ClassVar[str] = "organisation"
    key_field: ClassVar[str] = "code"

    code: str  # "IFLA"
    name_en: str
    type: str  # one of ORGANISATION_KINDS
    names: list[Form] = field(default_factory=list)
    acronym: str | None = None
    parent: str | None = None  # code of the organisation it is part of (IFLA-PAC -> IFLA)
    founded: str | None = None  # partial ISO date
    country: str | None = None
    city: str | None = None
    website: str | None = None
    member_count: int | None = None
    member_count_qualifier: str = "exact"  # COUNT_QUALIFIERS: "more than 1,700 members"
    member_countries: list[str] = field(default_factory=list)  # ISO alpha-2, when the source lists them
    meets: str | None = None  # "annually", "every three years", "biennially"
    notes: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass(slots=True)
class Membership:
    entity: ClassVar[str] = "membership"
    key_field: ClassVar[str] = "id"

    id: str  # "NDL@IFLA-PAC"
    member: str  # institution code
    organisation: str  # organisation code
    member_kind: str = "member"  # "associate member", "member", "participant", "delegate"...
    since: str | None = None
    until: str | None = None
    roles: list[str] = field(default_factory=list)  # "Regional Centre for Asia", "runs the CDNLAO website"
    notes: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass(slots=True)
class Agreement:
    """An agreement, letter of intent, or an outcome document such as an initiative or declaration."""

    entity: ClassVar[str] = "agreement"
    key_field: ClassVar[str] = "id"

    id: str
    title: str
    type: str = "agreement"  # AGREEMENT_KINDS
    parties: list[Party] = field(default_factory=list)
    date: str | None = None
    place_signed: str | None = None
    text: str | None = None  # excerpt or full text as the source gives it
    url: str | None = None
    notes: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass(slots=True)
class Programme:
    entity: ClassVar[str] = "programme"
    key_field: ClassVar[str] = "id"

    id: str
    title: str
    type: str  # PROGRAMME_KINDS
    scope: str = "bilateral"  # "bilateral" | "multilateral"
    parties: list[Party] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    parent: str | None = None  # a programme this one is part of
    agreement: str | None = None  # the agreement that established it
    recurrence: str | None = None  # "annual"
    description: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass(slots=True)
class Activity:
    entity: ClassVar[str] = "activity"
    key_field: ClassVar[str] = "id"

    id: str
    kind: str  # ACTIVITY_KINDS
    title: str
    date_start: str | None = None
    date_end: str | None = None
    aggregate: bool = False
    event_count: int | None = None  # aggregates: how many events; single events count as 1
    participant_count: int | None = None  # people in total (all parties)
    count_qualifier: str = "exact"
    items_count: int | None = None  # donations: how many items
    items_description: str | None = None  # "books"
    host: str | None = None  # code of the hosting institution or organisation
    place: str | None = None
    country: str | None = None
    theme: str | None = None
    duration: str | None = None  # "10 days", "6 months"
    parties: list[Party] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # agreement ids (initiatives, declarations)
    programme: str | None = None
    organisation: str | None = None  # the body whose meeting this is (CDNLAO 2nd meeting)
    part_of: str | None = None  # the aggregate activity that already counts this event
    status: str = "held"
    description: str | None = None
    sources: list[Citation] = field(default_factory=list)

    @property
    def year_start(self) -> int | None:
        return parse_year(self.date_start)

    @property
    def year_end(self) -> int | None:
        return parse_year(self.date_end) if self.date_end else self.year_start

    @property
    def is_single_year(self) -> bool:
        return self.year_start is not None and self.year_start == self.year_end

    @property
    def events(self) -> int:
        """How many events this fact stands for: its count if aggregate, else 1 (0 if unknown)."""
        return (self.event_count or 0) if self.aggregate else 1

    @property
    def people(self) -> int:
        """People taking part: the stated total, else the sum of the parties' counts."""
        if self.participant_count is not None:
            return self.participant_count
        return sum(p.participants or 0 for p in self.parties)

    def party_codes(self) -> list[str]:
        """Every institution/organisation involved, host first, without repeats."""
        codes: dict[str, None] = {}
        if self.host:
            codes[self.host] = None
        for party in self.parties:
            codes.setdefault(party.code, None)
        return list(codes)


Entity = Source | Institution | Organisation | Membership | Agreement | Programme | Activity

# In dependency order: a fact may only refer to facts of the kinds before it (activities refer to programmes,
# programmes to agreements, everything to institutions and sources). Loading and importing follow this order.
ENTITY_TYPES: tuple[type, ...] = (
    Source,
    Institution,
    Organisation,
    Membership,
    Agreement,
    Programme,
    Activity,
)
ENTITY_BY_NAME: dict[str, type] = {cls.entity: cls for cls in ENTITY_TYPES}

# Fields holding lists of small nested dataclasses, and the class of their items.
NESTED_ITEMS: dict[str, type] = {"names": Form, "sources": Citation, "parties": Party}


def entity_key(obj: Entity) -> str:
    """The stable identifier of a fact: an institution's code, an activity's id..."""
    return getattr(obj, type(obj).key_field)


def to_dict(obj: Entity) -> dict[str, Any]:
    """A JSON-ready dict of the fact (nested names, parties and citations as dicts)."""
    return asdict(obj)


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Build a fact of type ``cls`` from a dict (as written by `to_dict`, a TOML seed or a JSON export).

    Raises ValueError naming the field when the dict has unknown or missing fields.

        >>> from_dict(Party, {"code": "NLC", "role": "host"})
        Party(code='NLC', role='host', participants=None)
    """
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ValueError(f"unknown field(s) for {getattr(cls, 'entity', cls.__name__)}: {', '.join(unknown)}")
    missing = [
        name
        for name, f in known.items()
        if f.default is MISSING and f.default_factory is MISSING and name not in data
    ]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        item_cls = NESTED_ITEMS.get(name)
        if item_cls is not None and value is not None:
            if not isinstance(value, list):
                raise ValueError(f"field '{name}' must be a list")
            value = [v if isinstance(v, item_cls) else from_dict(item_cls, v) for v in value]
        values[name] = value
    return cls(**values)
