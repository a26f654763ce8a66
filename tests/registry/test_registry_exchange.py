"""JSON and CSV exports round-trip; CSV imports name the line and column of every problem."""

from __future__ import annotations

import io
import json

import pytest

from tongwen.registry import ANONYMOUS, Activity, PermissionDenied, Registry, RegistryData, User
from tongwen.registry.exchange import csv_columns, export_csv, export_json, import_csv, import_json
from tongwen.registry.model import ACTIVITY_KINDS, ENTITY_TYPES, PARTY_ROLES

HEADER = "id,kind,title,date_start,date_end,aggregate,event_count,participant_count,parties,sources\n"


def test_json_export_round_trip(seed_data: RegistryData, registry: Registry, admin: User) -> None:
    document = json.loads(json.dumps(export_json(seed_data), ensure_ascii=False))
    report = import_json(registry, admin, document)
    assert report.problems == [] and report.created == sum(len(seed_data.of(c)) for c in ENTITY_TYPES)
    assert export_json(registry.snapshot()) == export_json(seed_data)
    assert import_json(registry, admin, document).unchanged == report.created


def test_csv_export_round_trip(seed_data: RegistryData, registry: Registry, admin: User) -> None:
    for cls in ENTITY_TYPES:  # dependency order: sources, institutions, ... activities
        text = export_csv(seed_data, cls.entity)
        report = import_csv(registry, admin, io.StringIO(text), cls.entity, f"{cls.entity}.csv")
        assert report.problems == [], report.problems
    assert export_json(registry.snapshot()) == export_json(seed_data)


def test_csv_import_names_line_and_column_of_each_problem(seeded: Registry, admin: User) -> None:
    csv_text = HEADER + (
        "nlc-nlt-visit-2011,visit,NLC delegation to the NLT,2011,,,,8,NLT:host|NLC=8,cdnlao-82\n"
        "bad-date,visit,A visit,2011-13,,,,,NLC,cdnlao-82\n"
        "bad-party,visit,A visit,2011,,,,,NLX:host,cdnlao-82\n"
        "bad-number,visit,A visit,2011,,,,eight,NLC,cdnlao-82\n"
        "bad-kind,picnic,A picnic,2011,,,,,NLC,cdnlao-82\n"
        "no-title,visit,,2011,,,,,NLC,cdnlao-82\n"
        "no-source,visit,A visit,2011,,,,,NLC,\n"
        'multi-line,visit,"A visit\nover two lines",2011,1999,,,,NLC:host,nowhere\n'
        "aggregate-without-count,exchanged_librarian,Exchanges,2001,2005,true,,,NLC|NLK,cdnlao-82\n"
        "after-multi-line,visit,A visit,2012,,,,,NLC:guest,cdnlao-82\n"
    )
    report = import_csv(seeded, admin, io.StringIO(csv_text), "activity", "activities.csv")
    assert report.created == 1
    saved = seeded.get(Activity, "nlc-nlt-visit-2011")
    assert (saved.host, saved.parties[0].code, saved.people) == (None, "NLT", 8)
    messages = [str(p) for p in report.problems]
    assert messages == [
        "activities.csv line 3, column 'date_start': '2011-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
        "activities.csv line 4, column 'parties': no institution or organisation with code 'NLX'",
        "activities.csv line 5, column 'participant_count': 'eight' is not a whole number",
        "activities.csv line 6, column 'kind': 'picnic' is not one of " + ", ".join(ACTIVITY_KINDS),
        "activities.csv line 7, column 'title': required; the cell may not be empty",
        "activities.csv line 8, column 'sources': every fact must cite at least one source document",
        "activities.csv line 9, column 'date_end': 1999 is before 2011",
        "activities.csv line 9, column 'sources': no source with key 'nowhere'",
        "activities.csv line 11, column 'aggregate': an aggregate fact needs at least one count",
        "activities.csv line 12, column 'parties': role 'guest' is not one of " + ", ".join(PARTY_ROLES),
    ]
    assert report.rejected == 9


def test_csv_header_with_unknown_or_missing_columns_is_refused(seeded: Registry, admin: User) -> None:
    text = "id,kind,date,parties,sources\nx,visit,2011,NLC,cdnlao-82\n"
    report = import_csv(seeded, admin, io.StringIO(text), "activity", "a.csv")
    assert [str(p) for p in report.problems][:2] == [
        "a.csv line 1, column 'date': unknown column for activity facts; known: "
        + ", ".join(csv_columns(Activity)),
        "a.csv line 1, column 'title': required column is missing",
    ]
    assert report.created == 0 and seeded.get(Activity, "x") is None


def test_imports_need_an_editor(seeded: Registry, staff: dict[str, User]) -> None:
    for user in (ANONYMOUS, staff["viewer"]):
        with pytest.raises(PermissionDenied):
            import_csv(seeded, user, io.StringIO(HEADER), "activity")
        with pytest.raises(PermissionDenied):
            import_json(seeded, user, export_json(seeded.snapshot()))
