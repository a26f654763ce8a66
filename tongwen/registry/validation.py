"""Checks on a single registry fact, each problem naming the field, so the editor (form, CSV import, seed
file) can point at it. Checks that need the other facts (does institution NLX exist?) live in `Registry`.

    >>> [str(p) for p in check(Institution(code="NLX", name_en="X", type="castle", country="XX"))]
    ["type: 'castle' is not one of national_library, parliamentary_library, library, government_agency, \
foundation, nonprofit_organisation, library_association", "country: 'XX' is not an ISO 3166-1 alpha-2 country \
code", 'sources: every fact must cite at least one source document']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tongwen.registry.model import (
    ACTIVITY_KINDS,
    AGREEMENT_KINDS,
    COUNT_QUALIFIERS,
    INSTITUTION_TYPES,
    ORGANISATION_KINDS,
    PARTY_ROLES,
    PROGRAMME_KINDS,
    STATUSES,
    Activity,
    Agreement,
    Entity,
    Institution,
    Membership,
    Organisation,
    Programme,
    Source,
    entity_key,
    is_partial_date,
)

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Problem:
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(ValueError):
    """A fact was refused; ``problems`` says which fields are wrong and why."""

    def __init__(self, what: str, problems: list[Problem]):
        super().__init__(f"{what}: " + "; ".join(str(p) for p in problems))
        self.problems = problems


@cache
def _countries() -> frozenset[str]:
    # Babel (already a dependency, for the portal's translations) ships CLDR's territory list; its two-letter
    # entries are the ISO 3166-1 alpha-2 codes (the numeric ones are UN M.49 regions).
    from babel import Locale

    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


def is_country(code: str) -> bool:
    return code in _countries()


_ENUMS: dict[tuple[type, str], tuple[str, ...]] = {
    (Institution, "type"): INSTITUTION_TYPES,
    (Organisation, "type"): ORGANISATION_KINDS,
    (Organisation, "member_count_qualifier"): COUNT_QUALIFIERS,
    (Agreement, "type"): AGREEMENT_KINDS,
    (Programme, "type"): PROGRAMME_KINDS,
    (Programme, "scope"): ("bilateral", "multilateral"),
    (Activity, "kind"): ACTIVITY_KINDS,
    (Activity, "status"): STATUSES,
    (Activity, "count_qualifier"): COUNT_QUALIFIERS,
}
_DATES: dict[type, tuple[str, ...]] = {
    Source: ("published",),
    Organisation: ("founded",),
    Membership: ("since", "until"),
    Agreement: ("date",),
    Programme: ("start", "end"),
    Activity: ("date_start", "date_end"),
}
_PERIODS: dict[type, tuple[str, str]] = {
    Membership: ("since", "until"),
    Programme: ("start", "end"),
    Activity: ("date_start", "date_end"),
}
_COUNTS = ("event_count", "participant_count", "items_count", "member_count")


def check(obj: Entity) -> list[Problem]:
    """Every problem found in one fact on its own (empty list: the fact is well-formed)."""
    cls = type(obj)
    problems: list[Problem] = []
    key_field = cls.key_field
    key = entity_key(obj)
    if not isinstance(key, str) or not _KEY.match(key):
        problems.append(
            Problem(key_field, f"{key!r} is not a usable identifier (letters, digits, . _ @ : + -)")
        )
    for (owner, name), allowed in _ENUMS.items():
        if owner is cls and getattr(obj, name) not in allowed:
            problems.append(Problem(name, f"{getattr(obj, name)!r} is not one of {', '.join(allowed)}"))
    for name in _DATES.get(cls, ()):
        value = getattr(obj, name)
        if value is not None and not (isinstance(value, str) and is_partial_date(value)):
            problems.append(Problem(name, f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"))
    if cls in _PERIODS:
        start, end = (getattr(obj, n) for n in _PERIODS[cls])
        both_dates = all(isinstance(d, str) and is_partial_date(d) for d in (start, end))
        # Compare at the coarser precision: "2013" is not before "2013-11".
        if both_dates and end[: len(start)] < start[: len(end)]:
            problems.append(Problem(_PERIODS[cls][1], f"{end} is before {start}"))
    for name in ("country",):
        value = getattr(obj, name, None)
        if value is not None and not is_country(value):
            problems.append(Problem(name, f"{value!r} is not an ISO 3166-1 alpha-2 country code"))
    for code in getattr(obj, "member_countries", ()):
        if not is_country(code):
            problems.append(
                Problem("member_countries", f"{code!r} is not an ISO 3166-1 alpha-2 country code")
            )
    for name in _COUNTS:
        value = getattr(obj, name, None)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            problems.append(Problem(name, f"{value!r} is not a whole number ≥ 0"))
    for name in ("website", "url"):
        value = getattr(obj, name, None)
        if value is not None and not re.match(r"^https?://\S+$", value):
            problems.append(Problem(name, f"{value!r} is not an http(s) address"))
    for index, form in enumerate(getattr(obj, "names", ())):
        if not form.text.strip():
            problems.append(Problem(f"names[{index}]", "empty name"))
        if not form.lang:
            problems.append(
                Problem(f"names[{index}]", f"{form.text!r} has no language (ISO 639-2/B, e.g. chi)")
            )
    for index, party in enumerate(getattr(obj, "parties", ())):
        if party.role not in PARTY_ROLES:
            problems.append(
                Problem(f"parties[{index}]", f"role {party.role!r} is not one of {', '.join(PARTY_ROLES)}")
            )
        if party.participants is not None and (
            not isinstance(party.participants, int) or party.participants < 0
        ):
            problems.append(
                Problem(f"parties[{index}]", f"participants {party.participants!r} is not a whole number ≥ 0")
            )
    if isinstance(obj, Activity):
        problems.extend(_check_activity(obj))
    if not isinstance(obj, Source) and not obj.sources:
        problems.append(Problem("sources", "every fact must cite at least one source document"))
    return problems


def _check_activity(activity: Activity) -> list[Problem]:
    problems = []
    if not activity.title.strip():
        problems.append(Problem("title", "an activity needs a title"))
    if activity.aggregate:
        if activity.date_start is None:
            problems.append(Problem("date_start", "an aggregate fact needs the start of its period"))
        if (
            activity.event_count is None
            and activity.participant_count is None
            and activity.items_count is None
        ):
            problems.append(Problem("aggregate", "an aggregate fact needs at least one count"))
        if activity.part_of is not None:
            problems.append(Problem("part_of", "an aggregate cannot be part of another aggregate"))
    elif activity.event_count not in (None, 1):
        problems.append(
            Problem("event_count", "a single event counts as 1; set aggregate = true for a total of several")
        )
    if not activity.party_codes() and not activity.organisation:
        problems.append(
            Problem("parties", "an activity needs a host, a party or the organisation it belongs to")
        )
    return problems
