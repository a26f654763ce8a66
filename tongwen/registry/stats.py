"""Statistics computed from the registry's facts, never typed in: per partner pair, per year, per kind, a
timeline and the cooperation network. All functions are pure, over a `RegistryData` snapshot.

Counting follows the rule in `tongwen.registry.model`: aggregates count their stated totals, events that are
``part_of`` an aggregate and planned activities count nowhere, multi-year aggregates are reported as spans in
the per-year view.

    >>> from tongwen.registry.seeding import read_seed
    >>> pair = partner_pair(read_seed(), "NLB", "NLC")
    >>> pair.by_kind["staff_attachment"].people, pair.by_kind["visit"].events
    (67, 11)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from tongwen.registry.database import RegistryData
from tongwen.registry.model import Activity


@dataclass(slots=True)
class Tally:
    """Events, people and items (donated books...) counted together."""

    events: int = 0
    people: int = 0
    items: int = 0

    def add(self, activity: Activity) -> None:
        self.events += activity.events
        self.people += activity.people
        self.items += activity.items_count or 0


@dataclass(slots=True)
class PairStats:
    a: str  # the two codes in alphabetical order
    b: str
    total: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    activities: list[str] = field(default_factory=list)  # the counted activities' ids


def counted(activity: Activity) -> bool:
    """Does this activity enter the statistics? (held, and not already inside an aggregate)"""
    return activity.status == "held" and activity.part_of is None


def _counted(data: RegistryData) -> list[Activity]:
    return [a for a in data.activities if counted(a)]


def per_pair(data: RegistryData) -> list[PairStats]:
    """For every two institutions/organisations that took part in an activity together (host or party), their
    totals and totals per kind; sorted by pair. A multilateral activity counts once for each pair in it."""
    pairs: dict[tuple[str, str], PairStats] = {}
    for activity in _counted(data):
        for a, b in combinations(sorted(activity.party_codes()), 2):
            stats = pairs.setdefault((a, b), PairStats(a, b))
            stats.total.add(activity)
            stats.by_kind.setdefault(activity.kind, Tally()).add(activity)
            stats.activities.append(activity.id)
    return [pairs[k] for k in sorted(pairs)]


def partner_pair(data: RegistryData, code1: str, code2: str) -> PairStats:
    """The statistics of one pair, in either order (empty when they did nothing together)."""
    a, b = sorted((code1, code2))
    return next((p for p in per_pair(data) if (p.a, p.b) == (a, b)), PairStats(a, b))


def per_kind(data: RegistryData, institution: str | None = None) -> dict[str, Tally]:
    """Totals per activity kind, optionally only for activities one institution took part in."""
    kinds: dict[str, Tally] = {}
    for activity in _counted(data):
        if institution is None or institution in activity.party_codes():
            kinds.setdefault(activity.kind, Tally()).add(activity)
    return dict(sorted(kinds.items()))


@dataclass(slots=True)
class Span:
    id: str
    kind: str
    start: int
    end: int
    tally: Tally


@dataclass(slots=True)
class YearStats:
    years: dict[int, dict[str, Tally]]  # year -> kind -> tally, for facts placed in one year
    spans: list[Span]  # multi-year aggregates, counted once here
    undated: dict[str, Tally]  # kind -> tally for counted facts with no date


def per_year(data: RegistryData, institution: str | None = None) -> YearStats:
    """Counts per year and kind. Multi-year aggregates go to ``spans``; years + spans + undated = totals."""
    years: dict[int, dict[str, Tally]] = defaultdict(dict)
    spans: list[Span] = []
    undated: dict[str, Tally] = {}
    for activity in _counted(data):
        if institution is not None and institution not in activity.party_codes():
            continue
        if activity.year_start is None:
            undated.setdefault(activity.kind, Tally()).add(activity)
        elif activity.is_single_year:
            years[activity.year_start].setdefault(activity.kind, Tally()).add(activity)
        else:
            tally = Tally()
            tally.add(activity)
            spans.append(Span(activity.id, activity.kind, activity.year_start, activity.year_end or 0, tally))
    spans.sort(key=lambda s: (s.start, s.end, s.id))
    return YearStats(dict(sorted(years.items())), spans, dict(sorted(undated.items())))


@dataclass(slots=True)
class TimelineEvent:
    date: str | None
    date_end: str | None
    fact: str  # "activity", "agreement", "programme", "membership", "organisation"
    key: str
    kind: str  # activity kind, agreement type, "start", "since", "founded"
    title: str
    parties: list[str]
    aggregate: bool = False
    status: str = "held"
    counted: bool = True


def timeline(data: RegistryData, institution: str | None = None) -> list[TimelineEvent]:
    """Every dated (and undated, at the end) fact in date order: activities, agreements, programme starts,
    memberships and foundings; optionally only those involving one institution or organisation."""
    events: list[TimelineEvent] = []
    for a in data.activities:
        parties = a.party_codes() + ([a.organisation] if a.organisation else [])
        events.append(
            TimelineEvent(
                a.date_start,
                a.date_end,
                "activity",
                a.id,
                a.kind,
                a.title,
                parties,
                a.aggregate,
                a.status,
                counted(a),
            )
        )
    for g in data.agreements:
        events.append(
            TimelineEvent(g.date, None, "agreement", g.id, g.type, g.title, [p.code for p in g.parties])
        )
    for p in data.programmes:
        events.append(
            TimelineEvent(p.start, p.end, "programme", p.id, "start", p.title, [q.code for q in p.parties])
        )
    for m in data.memberships:
        title = f"{m.member} {m.member_kind} of {m.organisation}" + (
            f" ({'; '.join(m.roles)})" if m.roles else ""
        )
        events.append(
            TimelineEvent(m.since, m.until, "membership", m.id, "since", title, [m.member, m.organisation])
        )
    for o in data.organisations:
        if o.founded:
            events.append(
                TimelineEvent(o.founded, None, "organisation", o.code, "founded", o.name_en, [o.code])
            )
    if institution is not None:
        events = [e for e in events if institution in e.parties]
    return sorted(events, key=lambda e: (e.date is None, e.date or "", e.fact, e.key))


def network(data: RegistryData) -> dict[str, list[dict[str, Any]]]:
    """The cooperation network as JSON-ready ``{"nodes": [...], "edges": [...]}``.

    Nodes: institutions and organisations (id = code), agreements (id = ``agreement:<id>``). Edges:
    ``cooperation`` between two parties of the same activities or programmes (with their ids and the
    counted totals), ``membership`` (member -> organisation), ``party`` (party -> agreement) and
    ``part_of`` (organisation -> parent organisation).
    """
    nodes: list[dict[str, Any]] = []
    for i in data.institutions:
        nodes.append(
            {"id": i.code, "type": "institution", "label": i.name_en, "country": i.country, "kind": i.type}
        )
    for o in data.organisations:
        nodes.append(
            {"id": o.code, "type": "organisation", "label": o.name_en, "country": o.country, "kind": o.type}
        )
    for g in data.agreements:
        nodes.append(
            {"id": f"agreement:{g.id}", "type": "agreement", "label": g.title, "date": g.date, "kind": g.type}
        )

    cooperation: dict[tuple[str, str], dict[str, Any]] = {}

    def link(a: str, b: str) -> dict[str, Any]:
        return cooperation.setdefault(
            (a, b), {"source": a, "target": b, "type": "cooperation", "activities": [], "programmes": []}
        )

    for activity in data.activities:
        for a, b in combinations(sorted(activity.party_codes()), 2):
            link(a, b)["activities"].append(activity.id)
    for programme in data.programmes:
        for a, b in combinations(sorted({p.code for p in programme.parties}), 2):
            link(a, b)["programmes"].append(programme.id)
    totals = {(p.a, p.b): p.total for p in per_pair(data)}
    edges: list[dict[str, Any]] = []
    for key in sorted(cooperation):
        edge = cooperation[key]
        edge.update(asdict(totals.get(key, Tally())))
        edges.append(edge)
    for m in data.memberships:
        edges.append(
            {
                "source": m.member,
                "target": m.organisation,
                "type": "membership",
                "member_kind": m.member_kind,
                "since": m.since,
                "until": m.until,
                "roles": m.roles,
            }
        )
    for g in data.agreements:
        for p in g.parties:
            edges.append({"source": p.code, "target": f"agreement:{g.id}", "type": "party", "role": p.role})
    for o in data.organisations:
        if o.parent:
            edges.append({"source": o.code, "target": o.parent, "type": "part_of"})
    return {"nodes": nodes, "edges": edges}


def report(data: RegistryData) -> dict[str, Any]:
    """Every statistic in one JSON-ready dict (for `tongwen registry stats --json` and the JSON API)."""
    years = per_year(data)
    return {
        "per_pair": [asdict(p) for p in per_pair(data)],
        "per_kind": {k: asdict(t) for k, t in per_kind(data).items()},
        "per_year": {
            "years": {str(y): {k: asdict(t) for k, t in kinds.items()} for y, kinds in years.years.items()},
            "spans": [asdict(s) for s in years.spans],
            "undated": {k: asdict(t) for k, t in years.undated.items()},
        },
        "timeline": [asdict(e) for e in timeline(data)],
        "network": network(data),
    }
