"""The figures stated in the source documents, recomputed from the seed facts loaded into SQLite."""

from __future__ import annotations

import re
from pathlib import Path

from tongwen.registry import Activity, Institution, Membership, Registry, RegistryData, load_seed
from tongwen.registry.stats import Tally, partner_pair, per_kind, per_year, timeline


def test_nlc_ndl_meetings_visitors_and_exchanged_librarians(seed_data: RegistryData) -> None:
    pair = partner_pair(seed_data, "NLC", "NDL")
    # "Since 1981, the two libraries have held 33 themed business meetings with 166 people ..."
    assert pair.by_kind["themed_business_meeting"] == Tally(events=33, people=166)
    # "A total of seven librarians have attended the exchanged librarians program."
    assert pair.by_kind["exchanged_librarian"].people == 7


def test_nlc_nlk_meetings_visitors_librarians_and_training(seed_data: RegistryData) -> None:
    pair = partner_pair(seed_data, "NLK", "NLC")  # either order
    assert pair.by_kind["themed_business_meeting"] == Tally(events=17, people=72)
    assert pair.by_kind["exchanged_librarian"].people == 5
    assert pair.by_kind["training_course"] == Tally(events=1, people=1)  # CPI programme, 2013, 6 months


def test_books_donated_to_nlk_in_2006(seed_data: RegistryData) -> None:
    year = per_year(seed_data).years[2006]
    assert year["donation"].items == 2273
    assert partner_pair(seed_data, "NLC", "NLK").by_kind["donation"].items == 2273


def test_nlc_nlb_visits_and_exchanged_librarians(seed_data: RegistryData) -> None:
    pair = partner_pair(seed_data, "NLC", "NLB")
    assert pair.by_kind["visit"] == Tally(events=11, people=40)
    assert pair.by_kind["staff_attachment"].people == 67


def test_event_inside_an_aggregate_is_shown_but_not_counted_twice(seed_data: RegistryData) -> None:
    visit_1981 = next(e for e in timeline(seed_data) if e.key == "ndl-visit-to-nlc-1981")
    assert visit_1981.date == "1981" and not visit_1981.counted
    assert "visit" not in per_year(seed_data).years.get(1981, {})
    assert "visit" not in partner_pair(seed_data, "NLC", "NDL").by_kind


def test_years_plus_spans_add_up_to_the_totals(seed_data: RegistryData) -> None:
    years = per_year(seed_data)
    summed: dict[str, Tally] = {}
    parts = [t for kinds in years.years.values() for t in kinds.items()]
    parts += [(s.kind, s.tally) for s in years.spans] + list(years.undated.items())
    for kind, tally in parts:
        total = summed.setdefault(kind, Tally())
        total.events += tally.events
        total.people += tally.people
        total.items += tally.items
    assert summed == per_kind(seed_data)


def test_planned_training_is_in_the_timeline_but_not_in_the_statistics(seed_data: RegistryData) -> None:
    planned = next(e for e in timeline(seed_data) if e.key == "nlc-training-south-asia-2015")
    assert planned.status == "planned" and not planned.counted
    assert 2015 not in per_year(seed_data).years


def test_outcome_documents_of_the_forums(seeded: Registry) -> None:
    nanning = seeded.get(Activity, "china-asean-cultural-forum-2012")
    yunnan = seeded.get(Activity, "forum-directors-national-libraries-asia-2013")
    assert nanning.outcomes == ["nanning-initiative-2012"] and nanning.date_start == "2012-09"
    assert yunnan.outcomes == ["yunnan-declaration-2013"] and yunnan.place == "Kunming, Yunnan"


def test_ndl_memberships_and_roles(seeded: Registry) -> None:
    pac = seeded.get(Membership, "NDL@IFLA-PAC")
    assert (pac.since, pac.roles) == ("1989", ["Regional Centre for Asia"])
    ifla = [m for m in seeded.all(Membership) if m.organisation == "IFLA"]
    assert sorted((m.member_kind, m.since, m.until) for m in ifla) == [
        ("associate member", "1966", "1976"),
        ("member", "1976", None),
    ]


def test_required_institutions_have_directory_data(seeded: Registry) -> None:
    countries = {i.code: i.country for i in seeded.all(Institution)}
    assert {
        "NLC": "CN",
        "NDL": "JP",
        "NLK": "KR",
        "NLB": "SG",
        "NLV": "VN",
        "NLT": "TH",
    }.items() <= countries.items()
    nlk = seeded.get(Institution, "NLK")
    assert {(n.text, n.script) for n in nlk.names} == {("국립중앙도서관", "Hang"), ("國立中央圖書館", "Hani")}


def test_every_quoted_sentence_is_in_its_source_document(seed_data: RegistryData, seeds_dir: Path) -> None:
    texts = {
        s.id: _normalise((seeds_dir / s.file).read_text(encoding="utf-8"))
        for s in seed_data.sources
        if s.file
    }
    quotes = 0
    for kind in ("institutions", "organisations", "memberships", "agreements", "programmes", "activities"):
        for fact in getattr(seed_data, kind):
            assert fact.sources, f"{kind}: {fact} cites nothing"
            for citation in fact.sources:
                if citation.quote:
                    quotes += 1
                    assert _normalise(citation.quote) in texts[citation.source], (fact, citation.quote)
    assert quotes > 80


def test_loading_the_seed_twice_changes_nothing(seeded: Registry, admin) -> None:
    audit_before = len(seeded.audit_log(admin, limit=10_000))
    report = load_seed(seeded)
    assert set(report) == {f"{kind} unchanged" for kind in seeded.counts()}
    assert len(seeded.audit_log(admin, limit=10_000)) == audit_before


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace('"', "").replace("\\", "")).strip()
