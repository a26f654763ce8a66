"""The cooperation registry in the portal: overview figures, lists and pages for every kind of fact, a timeline,
the network picture, one page per partner pair, and staff sign-in, the "add activity" form and the audit log.

Every figure is recomputed from the facts on each request (`tongwen.registry.stats`); nothing is typed in.
Pages work without JavaScript. Forms carry the session's CSRF token in a hidden field; the session cookie is
HttpOnly, SameSite=Strict (a link from another site opens the page signed out, so no request a foreign page
starts carries staff rights) and Secure over HTTPS (`secure_cookies`). Sign-in is throttled per account and
address (`tongwen.registry.auth.SignInPolicy`): 429 with Retry-After while an account must wait. Anonymous visitors read everything except the audit log and never write.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from tongwen.cjk.scripts import detect_script, lang_tag
from tongwen.registry import stats
from tongwen.registry.auth import (
    SESSION_LIFETIME,
    CsrfError,
    PermissionDenied,
    User,
    csrf_token_for,
    has_role,
    verify_csrf,
)
from tongwen.registry.database import RegistryData
from tongwen.registry.model import (
    ACTIVITY_KINDS,
    Activity,
    Citation,
    Institution,
    Organisation,
    Party,
    Source,
    is_partial_date,
)
from tongwen.registry.validation import Problem, ValidationError
from tongwen.web.i18n import gettext as _
from tongwen.web.labels import country_label
from tongwen.web.network_svg import network_svg
from tongwen.web.registry_api import (
    KINDS,
    SESSION_COOKIE,
    client_address,
    pair_data,
    registry_of,
    secure_cookies,
    session_id_of,
    signed_in_user,
)
from tongwen.web.rendering import choose_language, render

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "tongwen_login_csrf"

# -- words ------------------------------------------------------------------------------------------------------


def kind_label(code: str | None) -> str:
    """An activity kind, agreement, programme, institution or organisation type in the interface language."""
    labels = {
        "visit": _("Visit"), "themed_business_meeting": _("Themed business meeting"),
        "business_meeting": _("Business meeting"), "staff_attachment": _("Staff attachment"),
        "exchanged_librarian": _("Exchanged librarians"), "training_course": _("Training course"),
        "donation": _("Donation"), "publication_exchange": _("Publication exchange"),
        "exhibition": _("Exhibition"), "lecture": _("Lecture"), "forum": _("Forum"),
        "conference": _("Conference"), "proposal": _("Proposal"), "consultation": _("Consultation"),
        "drafting": _("Drafting"),
        "agreement": _("Agreement"), "letter_of_intent": _("Letter of intent"), "initiative": _("Initiative"),
        "declaration": _("Declaration"),
        "institutional_exchange": _("Institutional exchange"), "mutual_visits": _("Mutual visits"),
        "staff_exchange": _("Staff exchange"), "book_donation": _("Book donation"), "training": _("Training"),
        "digital_library": _("Digital library"), "cultural_exchange": _("Cultural exchange"),
        "co_sponsorship": _("Co-sponsorship"),
        "national_library": _("National library"), "parliamentary_library": _("Parliamentary library"),
        "library": _("Library"), "government_agency": _("Government agency"), "foundation": _("Foundation"),
        "nonprofit_organisation": _("Non-profit organisation"), "library_association": _("Library association"),
        "federation": _("Federation"), "core_activity": _("Core activity"),
        "regional_association": _("Regional association"), "council": _("Council"),
        "scholarly_association": _("Scholarly association"),
        "intergovernmental_organisation": _("Intergovernmental organisation"),
        "international_organisation": _("International organisation"),
        "start": _("Programme begins"), "since": _("Membership"), "founded": _("Founded"),
    }
    return labels.get(code or "", (code or "—").replace("_", " "))


def role_label(role: str | None) -> str:
    labels = {
        "party": _("Party"), "host": _("Host"), "organiser": _("Organiser"), "co_organiser": _("Co-organiser"),
        "participant": _("Participant"), "invited": _("Invited"), "donor": _("Donor"),
        "recipient": _("Recipient"), "sender": _("Sender"), "proposer": _("Proposer"),
        "signatory": _("Signatory"), "implementer": _("Implementer"), "funder": _("Funder"),
        "attendee": _("Attendee"),
    }
    return labels.get(role or "", role or "—")


def text_lang(text: str | None) -> str:
    """The language tag for registry text (titles, quotes, descriptions). The registry's working language is
    English (its fields are ``name_en``, ``title``...), so Latin text is English; text an editor wrote in
    another script gets that script's tag so the browser draws it with the right glyphs."""
    script = detect_script(text or "")
    if script in (None, "Latn"):
        return "en"
    return lang_tag(script, None, text) or "und"


# -- the facts as the templates see them -------------------------------------------------------------------------


class Facts:
    """One snapshot of the registry with the lookups the pages need (names by code, sources by id)."""

    def __init__(self, data: RegistryData):
        self.data = data
        self.institutions = {i.code: i for i in data.institutions}
        self.organisations = {o.code: o for o in data.organisations}
        self.sources = {s.id: s for s in data.sources}
        self.agreements = {g.id: g for g in data.agreements}
        self.programmes = {p.id: p for p in data.programmes}
        self.activities = {a.id: a for a in data.activities}

    def party(self, code: str, request: Request) -> dict[str, Any]:
        """A code as a linked name: ``{"code", "name", "lang", "url", "own": [{"text", "lang"}]}``."""
        if code in self.institutions:
            fact: Institution | Organisation = self.institutions[code]
            url = request.url_for("cooperation_institution", code=code).path
        elif code in self.organisations:
            fact = self.organisations[code]
            url = request.url_for("cooperation_organisation", code=code).path
        else:
            return {"code": code, "name": code, "lang": None, "url": None, "own": []}
        return {"code": code, "name": fact.name_en, "lang": "en", "url": url, "own": own_names(fact)}

    def parties(self, codes: list[str], request: Request) -> list[dict[str, Any]]:
        return [self.party(c, request) for c in codes]

    def citations(self, citations: list[Citation], request: Request) -> list[dict[str, Any]]:
        views = []
        for citation in citations:
            source = self.sources.get(citation.source)
            views.append({"id": citation.source, "title": source.title if source else citation.source,
                          "url": request.url_for("cooperation_source", id=citation.source).path,
                          "quote": citation.quote, "lang": text_lang(citation.quote)})
        return views

    def party_rows(self, parties: list[Party], request: Request) -> list[dict[str, Any]]:
        return [{**self.party(p.code, request), "role": role_label(p.role), "participants": p.participants}
                for p in parties]


def own_names(fact: Institution | Organisation) -> list[dict[str, Any]]:
    """Names in the institution's own languages, each with its BCP 47 tag (国立国会図書館 -> ja)."""
    return [{"text": f.text, "lang": lang_tag(f.script, f.lang, f.text) or "und"} for f in fact.names]


def kind_rows(by_kind: dict[str, stats.Tally]) -> list[dict[str, Any]]:
    return [{"kind": k, "label": kind_label(k), **asdict(t)} for k, t in by_kind.items()]


def year_view(years: stats.YearStats) -> dict[str, Any]:
    """Per-year rows (totals and the kinds in that year), multi-year spans and undated facts."""
    rows = []
    for year, kinds in years.years.items():
        total = stats.Tally()
        for tally in kinds.values():
            total.events, total.people, total.items = (total.events + tally.events, total.people + tally.people,
                                                       total.items + tally.items)
        rows.append({"year": year, **asdict(total), "kinds": kind_rows(kinds)})
    spans = [{"id": s.id, "kind": kind_label(s.kind), "start": s.start, "end": s.end, **asdict(s.tally)}
             for s in years.spans]
    return {"rows": rows, "spans": spans, "undated": kind_rows(years.undated)}


def timeline_view(events: list[stats.TimelineEvent], facts: Facts, request: Request) -> list[dict[str, Any]]:
    """Timeline events grouped by year: ``[{"year": "1981", "events": [...]}, ...]`` (undated last)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        year = (event.date or "")[:4] or _("Undated")
        groups.setdefault(year, []).append({
            "date": event.date, "date_end": event.date_end, "kind": kind_label(event.kind),
            "title": event.title, "lang": text_lang(event.title), "url": _fact_url(event.fact, event.key, request),
            "parties": facts.parties(list(dict.fromkeys(event.parties)), request), "aggregate": event.aggregate,
            "planned": event.status == "planned", "counted": event.counted, "fact": event.fact,
        })
    return [{"year": year, "events": items} for year, items in groups.items()]


def _fact_url(fact: str, key: str, request: Request) -> str | None:
    route = {"activity": ("cooperation_activity", "id"), "agreement": ("cooperation_agreement", "id"),
             "programme": ("cooperation_programme", "id"), "organisation": ("cooperation_organisation", "code"),
             "institution": ("cooperation_institution", "code")}.get(fact)
    return request.url_for(route[0], **{route[1]: key}).path if route else None


def pair_rows(data: RegistryData, facts: Facts, request: Request, only: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for pair in stats.per_pair(data):
        if only is not None and only not in (pair.a, pair.b):
            continue
        rows.append({"a": facts.party(pair.a, request), "b": facts.party(pair.b, request), **asdict(pair.total),
                     "kinds": kind_rows(pair.by_kind),
                     "url": request.url_for("cooperation_pair", a=pair.a, b=pair.b).path})
    return rows


# -- staff context shared by every registry page -------------------------------------------------------------------


def staff_context(request: Request) -> dict[str, Any]:
    user = signed_in_user(request)
    session_id = session_id_of(request)
    signed_in = session_id is not None and not user.is_anonymous
    return {"staff": user, "csrf_token": csrf_token_for(session_id) if signed_in else None,
            "can_edit": has_role(user, "editor"), "can_audit": has_role(user, "viewer"),
            "failed_sign_ins": registry_of(request).accounts.failed_sign_ins(user) if signed_in else None}


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    response = render(request, f"registry/{template}", {**staff_context(request), **context},
                      status_code=status_code)
    # Pages that show a staff member's name or a CSRF token must not be kept by shared caches.
    response.headers["Cache-Control"] = "private, no-store" if session_id_of(request) else "no-cache"
    return response


def snapshot(request: Request) -> tuple[RegistryData, Facts]:
    data = registry_of(request).snapshot()
    return data, Facts(data)


# -- overview, timeline, network, pairs -------------------------------------------------------------------------------


@router.get("/cooperation", response_class=HTMLResponse, name="cooperation")
def cooperation(request: Request):
    choose_language(request)
    data, facts = snapshot(request)
    counts = {plural: len(getattr(data, plural)) for plural in KINDS}
    return page(request, "overview.html", {
        "pairs": pair_rows(data, facts, request),
        "kinds": kind_rows(stats.per_kind(data)),
        "years": year_view(stats.per_year(data)),
        "counts": counts,
        "csv_kinds": list(KINDS),
    })


@router.get("/cooperation/timeline", response_class=HTMLResponse, name="cooperation_timeline")
def cooperation_timeline(request: Request, institution: str | None = None):
    choose_language(request)
    data, facts = snapshot(request)
    institution = institution or None
    choices = [facts.party(code, request) for code in [*facts.institutions, *facts.organisations]]
    return page(request, "timeline.html", {
        "groups": timeline_view(stats.timeline(data, institution), facts, request),
        "institution": institution, "choices": choices,
        "years": year_view(stats.per_year(data, institution)),
    })


@router.get("/cooperation/network", response_class=HTMLResponse, name="cooperation_network")
def cooperation_network(request: Request):
    choose_language(request)
    data, facts = snapshot(request)
    network = stats.network(data)

    def link(node: dict[str, Any]) -> str | None:
        if node["type"] == "agreement":
            return request.url_for("cooperation_agreement", id=node["id"].removeprefix("agreement:")).path
        return facts.party(node["id"], request)["url"]

    def node_label(node: dict[str, Any]) -> str:
        if node["type"] == "agreement":
            return f"{(node.get('date') or '')[:4]} {kind_label(node.get('kind'))}".strip()
        return node["id"]

    def node_title(node: dict[str, Any]) -> str:
        return f"{node['label']} ({kind_label(node.get('kind'))})"

    def edge_title(edge: dict[str, Any]) -> str:
        if edge["type"] == "cooperation":
            return _("%(a)s and %(b)s: %(events)s events, %(people)s people") % {
                "a": edge["source"], "b": edge["target"], "events": edge["events"], "people": edge["people"]}
        if edge["type"] == "membership":
            return _("%(member)s belongs to %(organisation)s") % {"member": edge["source"],
                                                                    "organisation": edge["target"]}
        if edge["type"] == "party":
            return _("%(party)s is a party to %(agreement)s") % {"party": edge["source"],
                                                                "agreement": edge["target"].split(":", 1)[1]}
        return _("%(part)s is part of %(whole)s") % {"part": edge["source"], "whole": edge["target"]}

    picture = network_svg(
        network, title=_("Cooperation network"),
        description=_("%(institutions)s institutions, %(organisations)s organisations and %(agreements)s "
                      "agreements; lines join partners (thicker: more events), members and their "
                      "organisations, and the parties to agreements. The tables below give the same facts.") % {
            "institutions": len(data.institutions), "organisations": len(data.organisations),
            "agreements": len(data.agreements)},
        link=link, node_label=node_label, node_title=node_title, edge_title=edge_title)

    memberships = [{"member": facts.party(m.member, request), "organisation": facts.party(m.organisation, request),
                    "kind": m.member_kind, "since": m.since, "until": m.until, "roles": m.roles}
                   for m in data.memberships]
    agreements = [{"title": g.title, "lang": text_lang(g.title), "date": g.date, "kind": kind_label(g.type),
                   "url": request.url_for("cooperation_agreement", id=g.id).path,
                   "parties": facts.party_rows(g.parties, request)} for g in data.agreements]
    cooperation_edges = [e for e in network["edges"] if e["type"] == "cooperation"]
    return page(request, "network.html", {
        "svg": Markup(picture),  # built by lxml, which escapes every label
        "edges": [{"a": facts.party(e["source"], request), "b": facts.party(e["target"], request),
                   "events": e["events"], "people": e["people"], "items": e["items"],
                   "activities": len(e["activities"]), "programmes": len(e["programmes"]),
                   "url": request.url_for("cooperation_pair", a=e["source"], b=e["target"]).path}
                  for e in cooperation_edges],
        "memberships": memberships, "agreements": agreements,
    })


@router.get("/cooperation/pair/{a}/{b}", response_class=HTMLResponse, name="cooperation_pair")
def cooperation_pair(request: Request, a: str, b: str):
    choose_language(request)
    data, facts = snapshot(request)
    for code in (a, b):
        if code not in facts.institutions and code not in facts.organisations:
            raise HTTPException(404, _("There is no institution with the code %(code)s.") % {"code": code})
    pair = stats.partner_pair(data, a, b)
    narrowed = pair_data(data, a, b)
    return page(request, "pair.html", {
        "a": facts.party(a, request), "b": facts.party(b, request),
        "total": asdict(pair.total), "kinds": kind_rows(pair.by_kind),
        "years": year_view(stats.per_year(narrowed)),
        "groups": timeline_view(stats.timeline(narrowed), facts, request),
        "api_url": request.url_for("api_pair", a=a, b=b).path,
    })


# -- lists and details ---------------------------------------------------------------------------------------------------


@router.get("/cooperation/institutions", response_class=HTMLResponse, name="cooperation_institutions")
def cooperation_institutions(request: Request):
    choose_language(request)
    data, facts = snapshot(request)
    rows = []
    for institution in data.institutions:
        kinds = stats.per_kind(data, institution.code).values()
        rows.append({**facts.party(institution.code, request), "country": country_label(institution.country),
                     "type": kind_label(institution.type), "events": sum(t.events for t in kinds),
                     "people": sum(t.people for t in kinds)})
    return page(request, "institutions.html", {"rows": rows})


@router.get("/cooperation/institutions/{code}", response_class=HTMLResponse, name="cooperation_institution")
def cooperation_institution(request: Request, code: str):
    choose_language(request)
    context = institution_cooperation(request, code)
    if context["coop"] is None:
        raise HTTPException(404, _("There is no institution with the code %(code)s.") % {"code": code})
    return page(request, "institution.html", context)


def institution_cooperation(request: Request, code: str) -> dict[str, Any]:
    """The cooperation half of an institution page: ``{"coop": {...}}`` (``None`` when the registry does not
    know the code). Used by `/cooperation/institutions/{code}` and by the portal's `/institution/{code}`
    through ``registry/institution_cooperation.html``."""
    data, facts = snapshot(request)
    fact = facts.institutions.get(code) or facts.organisations.get(code)
    if fact is None:
        return {"coop": None, **staff_context(request)}
    memberships = [{"organisation": facts.party(m.organisation, request), "kind": m.member_kind, "since": m.since,
                    "until": m.until, "roles": m.roles} for m in data.memberships if m.member == code]
    return {**staff_context(request), "coop": {
        "code": code, "name": fact.name_en, "own": own_names(fact),
        "country": country_label(getattr(fact, "country", None)), "type": kind_label(fact.type),
        "city": fact.city, "website": fact.website, "notes": fact.notes,
        "has_collection": code in request.app.state.catalog.directory,
        "partners": pair_rows(data, facts, request, only=code),
        "kinds": kind_rows(stats.per_kind(data, code)),
        "years": year_view(stats.per_year(data, code)),
        "groups": timeline_view(stats.timeline(data, code), facts, request),
        "memberships": memberships,
        "sources": facts.citations(fact.sources, request),
        "timeline_url": request.url_for("cooperation_timeline").path + "?" + urlencode({"institution": code}),
    }}


@router.get("/cooperation/organisations", response_class=HTMLResponse, name="cooperation_organisations")
def cooperation_organisations(request: Request):
    choose_language(request)
    data, facts = snapshot(request)
    rows = [{**facts.party(o.code, request), "type": kind_label(o.type), "founded": o.founded,
             "members": sum(1 for m in data.memberships if m.organisation == o.code),
             "parent": facts.party(o.parent, request) if o.parent else None} for o in data.organisations]
    return page(request, "organisations.html", {"rows": rows})


@router.get("/cooperation/organisations/{code}", response_class=HTMLResponse, name="cooperation_organisation")
def cooperation_organisation(request: Request, code: str):
    choose_language(request)
    data, facts = snapshot(request)
    org = facts.organisations.get(code)
    if org is None:
        raise HTTPException(404, _("There is no organisation with the code %(code)s.") % {"code": code})
    members = [{"member": facts.party(m.member, request), "kind": m.member_kind, "since": m.since,
                "until": m.until, "roles": m.roles} for m in data.memberships if m.organisation == code]
    return page(request, "organisation.html", {
        "org": org, "own": own_names(org), "type": kind_label(org.type), "country": country_label(org.country),
        "parent": facts.party(org.parent, request) if org.parent else None,
        "children": [facts.party(o.code, request) for o in data.organisations if o.parent == code],
        "members": members, "member_countries": [country_label(c) for c in org.member_countries],
        "groups": timeline_view(stats.timeline(data, code), facts, request),
        "sources": facts.citations(org.sources, request),
    })


@router.get("/cooperation/agreements", response_class=HTMLResponse, name="cooperation_agreements")
def cooperation_agreements(request: Request):
    choose_language(request)
    data, facts = snapshot(request)
    rows = [{"title": g.title, "lang": text_lang(g.title), "date": g.date, "kind": kind_label(g.type),
             "url": request.url_for("cooperation_agreement", id=g.id).path,
             "parties": facts.parties([p.code for p in g.parties], request)}
            for g in sorted(data.agreements, key=lambda g: (g.date or "9999", g.id))]
    return page(request, "agreements.html", {"rows": rows})


@router.get("/cooperation/agreements/{id}", response_class=HTMLResponse, name="cooperation_agreement")
def cooperation_agreement(request: Request, id: str):
    choose_language(request)
    data, facts = snapshot(request)
    agreement = facts.agreements.get(id)
    if agreement is None:
        raise HTTPException(404, _("There is no agreement with the id %(id)s.") % {"id": id})
    return page(request, "agreement.html", {
        "fact": agreement, "lang": text_lang(agreement.title), "kind": kind_label(agreement.type),
        "parties": facts.party_rows(agreement.parties, request),
        "programmes": [_link(p.title, "cooperation_programme", p.id, request)
                       for p in data.programmes if p.agreement == id],
        "outcome_of": [_link(a.title, "cooperation_activity", a.id, request)
                       for a in data.activities if id in a.outcomes],
        "sources": facts.citations(agreement.sources, request),
    })


@router.get("/cooperation/programmes", response_class=HTMLResponse, name="cooperation_programmes")
def cooperation_programmes(request: Request):
    choose_language(request)
    data, facts = snapshot(request)
    rows = [{"title": p.title, "lang": text_lang(p.title), "start": p.start, "end": p.end,
             "kind": kind_label(p.type), "url": request.url_for("cooperation_programme", id=p.id).path,
             "parties": facts.parties([q.code for q in p.parties], request)}
            for p in sorted(data.programmes, key=lambda p: (p.start or "9999", p.id))]
    return page(request, "programmes.html", {"rows": rows})


@router.get("/cooperation/programmes/{id}", response_class=HTMLResponse, name="cooperation_programme")
def cooperation_programme(request: Request, id: str):
    choose_language(request)
    data, facts = snapshot(request)
    programme = facts.programmes.get(id)
    if programme is None:
        raise HTTPException(404, _("There is no programme with the id %(id)s.") % {"id": id})
    counted = [a for a in data.activities if a.programme == id and stats.counted(a)]
    total = stats.Tally()
    for activity in counted:
        total.add(activity)
    return page(request, "programme.html", {
        "fact": programme, "lang": text_lang(programme.title), "kind": kind_label(programme.type),
        "parties": facts.party_rows(programme.parties, request),
        "parent": _link(facts.programmes[programme.parent].title, "cooperation_programme", programme.parent,
                        request) if programme.parent in facts.programmes else None,
        "children": [_link(p.title, "cooperation_programme", p.id, request)
                     for p in data.programmes if p.parent == id],
        "agreement": _link(facts.agreements[programme.agreement].title, "cooperation_agreement",
                           programme.agreement, request) if programme.agreement in facts.agreements else None,
        "activities": [_activity_row(a, facts, request) for a in _by_date(data.activities) if a.programme == id],
        "total": asdict(total),
        "sources": facts.citations(programme.sources, request),
    })


def _link(title: str, route: str, key: str | None, request: Request) -> dict[str, Any]:
    name = "code" if route in ("cooperation_institution", "cooperation_organisation") else "id"
    return {"title": title, "lang": text_lang(title), "url": request.url_for(route, **{name: key}).path}


def _by_date(activities: list[Activity]) -> list[Activity]:
    return sorted(activities, key=lambda a: (a.date_start is None, a.date_start or "", a.id))


def _activity_row(a: Activity, facts: Facts, request: Request) -> dict[str, Any]:
    return {"title": a.title, "lang": text_lang(a.title), "date": a.date_start, "date_end": a.date_end,
            "kind": kind_label(a.kind), "url": request.url_for("cooperation_activity", id=a.id).path,
            "parties": facts.parties(a.party_codes(), request), "events": a.events, "people": a.people,
            "items": a.items_count, "aggregate": a.aggregate, "counted": stats.counted(a),
            "planned": a.status == "planned"}


@router.get("/cooperation/activities", response_class=HTMLResponse, name="cooperation_activities")
def cooperation_activities(request: Request, kind: str | None = None):
    choose_language(request)
    data, facts = snapshot(request)
    kind = kind or None
    rows = [_activity_row(a, facts, request) for a in _by_date(data.activities) if kind in (None, a.kind)]
    return page(request, "activities.html", {
        "rows": rows, "kind": kind, "kinds": [(k, kind_label(k)) for k in ACTIVITY_KINDS]})


@router.get("/cooperation/activities/new", response_class=HTMLResponse, name="cooperation_activity_form")
def cooperation_activity_form(request: Request):
    choose_language(request)
    user = signed_in_user(request)
    if user.is_anonymous:
        target = request.url_for("staff_login").path + "?" + urlencode(
            {"next": request.url_for("cooperation_activity_form").path})
        return RedirectResponse(target, status_code=303)
    if not has_role(user, "editor"):
        raise HTTPException(403, _("Adding activities needs the editor role."))
    return activity_form(request, {}, [])


def activity_form(request: Request, values: dict[str, Any], problems: list[Problem],
                  status_code: int = 200) -> HTMLResponse:
    _, facts = snapshot(request)
    codes = [*facts.institutions, *facts.organisations]
    return page(request, "activity_form.html", {
        "values": values, "problems": problems,
        "problem_fields": {_form_field(p.field) for p in problems},
        "kinds": [(k, kind_label(k)) for k in ACTIVITY_KINDS],
        "choices": [facts.party(code, request) for code in codes],
        "sources": [{"id": s.id, "title": s.title} for s in facts.data.sources],
    }, status_code=status_code)


def _form_field(field: str | None) -> str:
    """The form control a problem belongs to (``parties[0]`` -> ``partners``, ``sources[0]`` -> ``source``)."""
    if field is None:
        return ""
    base = field.split("[", 1)[0]
    return {"parties": "partners", "sources": "source", "participant_count": "people",
            "url": "new_source_url"}.get(base, base)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


@router.post("/cooperation/activities", response_class=HTMLResponse, name="cooperation_activity_create")
def cooperation_activity_create(
    request: Request,
    csrf_token: str = Form(""),
    kind: str = Form(""),
    title: str = Form(""),
    date_start: str = Form(""),
    date_end: str = Form(""),
    host: str = Form(""),
    partners: Annotated[list[str] | None, Form()] = None,
    people: str = Form(""),
    place: str = Form(""),
    description: str = Form(""),
    source: str = Form(""),
    quote: str = Form(""),
    new_source_title: str = Form(""),
    new_source_url: str = Form(""),
):
    choose_language(request)
    registry = registry_of(request)
    user = form_user(request, csrf_token)
    if not has_role(user, "editor"):
        raise HTTPException(403, _("Adding activities needs the editor role."))
    values = {"kind": kind, "title": title.strip(), "date_start": date_start.strip(), "date_end": date_end.strip(),
              "host": host, "partners": partners or [], "people": people.strip(), "place": place.strip(),
              "description": description.strip(), "source": source, "quote": quote.strip(),
              "new_source_title": new_source_title.strip(), "new_source_url": new_source_url.strip()}
    problems: list[Problem] = []
    participant_count = None
    if values["people"]:
        if values["people"].isdigit():
            participant_count = int(values["people"])
        else:
            problems.append(Problem("participant_count", _("People: give a whole number, or leave it empty.")))
    new_source = None
    if values["new_source_title"]:
        new_source = Source(id=f"src-{_slug(values['new_source_title']) or 'document'}-{secrets.token_hex(3)}",
                            title=values["new_source_title"], url=values["new_source_url"] or None)
    elif not source:
        problems.append(Problem("sources", _("Choose the source document, or name a new one.")))
    date_key = values["date_start"] if is_partial_date(values["date_start"]) else "undated"
    activity = Activity(
        id=f"{date_key}-{_slug(values['title']) or 'activity'}-{secrets.token_hex(3)}",
        kind=kind, title=values["title"], date_start=values["date_start"] or None,
        date_end=values["date_end"] or None, participant_count=participant_count, host=host or None,
        place=values["place"] or None, description=values["description"] or None,
        parties=[Party(code) for code in dict.fromkeys(partners or []) if code and code != host],
        sources=[Citation(new_source.id if new_source else source, values["quote"] or None)],
    )
    try:
        with registry.transaction():  # the new source and the activity are saved together or not at all
            if new_source is not None:
                registry.save(user, new_source)
            # With no source chosen, the message above says so; the reference check would only repeat it.
            problems += [p for p in registry.problems(activity)
                         if new_source or source or not (p.field or "").startswith("sources")]
            if problems:
                raise ValidationError(f"activity {activity.id}", problems)
            registry.save(user, activity)
    except ValidationError as error:
        return activity_form(request, values, error.problems, status_code=422)
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    return RedirectResponse(request.url_for("cooperation_activity", id=activity.id).path + "?added=1",
                            status_code=303)


@router.get("/cooperation/activities/{id}", response_class=HTMLResponse, name="cooperation_activity")
def cooperation_activity(request: Request, id: str, added: str | None = None):
    choose_language(request)
    data, facts = snapshot(request)
    activity = facts.activities.get(id)
    if activity is None:
        raise HTTPException(404, _("There is no activity with the id %(id)s.") % {"id": id})
    parent = facts.activities.get(activity.part_of or "")
    return page(request, "activity.html", {
        "fact": activity, "lang": text_lang(activity.title), "kind": kind_label(activity.kind),
        "added": bool(added), "counted": stats.counted(activity),
        "host": facts.party(activity.host, request) if activity.host else None,
        "parties": facts.party_rows(activity.parties, request),
        "organisation": facts.party(activity.organisation, request) if activity.organisation else None,
        "programme": _link(facts.programmes[activity.programme].title, "cooperation_programme",
                           activity.programme, request) if activity.programme in facts.programmes else None,
        "part_of": _link(parent.title, "cooperation_activity", parent.id, request) if parent else None,
        "parts": [_activity_row(a, facts, request) for a in _by_date(data.activities) if a.part_of == id],
        "outcomes": [_link(facts.agreements[o].title, "cooperation_agreement", o, request)
                     for o in activity.outcomes if o in facts.agreements],
        "country": country_label(activity.country),
        "sources": facts.citations(activity.sources, request),
    })


@router.get("/cooperation/sources/{id}", response_class=HTMLResponse, name="cooperation_source")
def cooperation_source(request: Request, id: str):
    choose_language(request)
    data, facts = snapshot(request)
    source = facts.sources.get(id)
    if source is None:
        raise HTTPException(404, _("There is no source document with the id %(id)s.") % {"id": id})
    cited = []
    for name, route, key in (("activities", "cooperation_activity", "id"),
                             ("agreements", "cooperation_agreement", "id"),
                             ("programmes", "cooperation_programme", "id"),
                             ("organisations", "cooperation_organisation", "code"),
                             ("institutions", "cooperation_institution", "code")):
        for fact in getattr(data, name):
            if any(c.source == id for c in fact.sources):
                label = getattr(fact, "title", None) or fact.name_en
                cited.append({"title": label, "lang": text_lang(label),
                              "url": request.url_for(route, **{key: getattr(fact, key)}).path})
    return page(request, "source.html", {"fact": source, "lang": text_lang(source.title), "cited": cited})


# -- staff: sign in and out, audit log ----------------------------------------------------------------------------------


def form_user(request: Request, csrf_token: str) -> User:
    """The user behind a submitted form. 403 when the CSRF token does not belong to the session; 401 when
    there is no session (anonymous visitors cannot write)."""
    try:
        user = registry_of(request).accounts.form_user(session_id_of(request), csrf_token or None)
    except CsrfError as error:
        raise HTTPException(403, _("This form has expired or did not come from this site; reload the page "
                                   "and try again.")) from error
    if user.is_anonymous:
        raise HTTPException(401, _("Sign in with a staff account to change the registry."))
    return user


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//evil.example`` or ``https://…``) may follow a sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cooperation"


@router.get("/staff/login", response_class=HTMLResponse, name="staff_login")
def staff_login(request: Request, next: str | None = None):
    choose_language(request)
    return _login_page(request, _safe_next(next), None)


def _login_page(request: Request, next_url: str, error: str | None, status_code: int = 200,
                headers: dict[str, str] | None = None, username: str = "") -> HTMLResponse:
    # Before a session exists, the form is protected by a double-submit token: a random value in a cookie
    # and the same value in the form (a cross-site page can make the browser send the cookie, not read it).
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", {"next": next_url, "error": error, "login_token": token,
                                         "username": username},
                    status_code=status_code)
    response.headers.update(headers or {})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=secure_cookies(request), path="/staff")
    return response


@router.post("/staff/login", response_class=HTMLResponse, name="staff_login_submit")
def staff_login_submit(request: Request, username: str = Form(""), password: str = Form(""),
                       csrf_token: str = Form(""), next: str = Form("/cooperation")):
    choose_language(request)
    if not verify_login_token(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise HTTPException(403, _("This form has expired or did not come from this site; reload the page "
                                   "and try again."))
    username = username.strip()
    result = registry_of(request).accounts.sign_in(username, password, client_address(request))
    if result.retry_at is not None:
        message = _("Too many failed sign-ins for this account or from this address. To protect the account, "
                    "signing in is paused until %(time)s UTC; then try again.") % {
                        "time": result.retry_at.strftime("%H:%M:%S")}
        return _login_page(request, _safe_next(next), message, status_code=429,
                           headers={"Retry-After": str(result.retry_after)}, username=username)
    if result.session is None:
        return _login_page(request, _safe_next(next), _("The username or password is wrong."), status_code=401,
                           username=username)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.session.id, max_age=int(SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="strict", secure=secure_cookies(request), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    return response


def verify_login_token(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie and submitted) and secrets.compare_digest(cookie, submitted)  # type: ignore[arg-type]


@router.post("/staff/logout", name="staff_logout")
def staff_logout(request: Request, csrf_token: str = Form("")):
    session_id = session_id_of(request)
    if session_id and not verify_csrf(session_id, csrf_token):
        raise HTTPException(403, _("This form has expired or did not come from this site; reload the page "
                                   "and try again."))
    if session_id:
        registry_of(request).accounts.sign_out(session_id, client_address(request))
    response: Response = RedirectResponse(request.url_for("cooperation").path, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/staff/audit", response_class=HTMLResponse, name="staff_audit")
def staff_audit(request: Request, entity: str | None = None, key: str | None = None, page_number: int = 1):
    choose_language(request)
    user = signed_in_user(request)
    if user.is_anonymous:
        target = request.url_for("staff_login").path + "?" + urlencode({"next": str(request.url.path)})
        return RedirectResponse(target, status_code=303)
    per_page = 50
    page_number = max(page_number, 1)
    try:
        entries = registry_of(request).audit_log(user, entity=entity or None, key=key or None, limit=per_page + 1,
                                                 offset=(page_number - 1) * per_page)
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    rows = [{"entry": e, "changes": _changes(e.before, e.after),
             "url": _fact_url(e.entity, e.entity_key, request)} for e in entries[:per_page]]
    return page(request, "audit.html", {"rows": rows, "entity": entity, "key": key, "page_number": page_number,
                                        "more": len(entries) > per_page})


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Field by field: what a change set (create: every field set; update: only the fields that differ)."""
    names = list(dict.fromkeys([*(before or {}), *(after or {})]))
    changes = []
    for name in names:
        old, new = (before or {}).get(name), (after or {}).get(name)
        if old != new:
            changes.append({"field": name, "before": _show(old), "after": _show(new)})
    return changes


def _show(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@router.get("/staff/tokens", response_class=HTMLResponse, name="staff_tokens")
def staff_tokens(request: Request):
    """API tokens for scripts: a signed-in staff member creates one for themselves (shown once) or revokes one."""
    choose_language(request)
    if signed_in_user(request).is_anonymous:
        target = request.url_for("staff_login").path + "?" + urlencode({"next": str(request.url.path)})
        return RedirectResponse(target, status_code=303)
    return page(request, "tokens.html", {"token": None, "message": None})


@router.post("/staff/tokens", response_class=HTMLResponse, name="staff_tokens_submit")
def staff_tokens_submit(request: Request, csrf_token: str = Form(""), action: str = Form("create"),
                        label: str = Form(""), token: str = Form("")):
    choose_language(request)
    user = form_user(request, csrf_token)
    accounts = registry_of(request).accounts
    if action == "revoke":
        try:
            revoked = accounts.revoke_token(user, token.strip())
        except PermissionDenied as error:
            raise HTTPException(403, str(error)) from error
        message = _("The token was revoked.") if revoked else _("There is no such token.")
        return page(request, "tokens.html", {"token": None, "message": message},
                    status_code=200 if revoked else 404)
    created = accounts.create_token(user, user.username, label.strip() or _("script"))
    return page(request, "tokens.html", {"token": created, "message": None})
