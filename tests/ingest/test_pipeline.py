"""Importing real catalogue files: counts, problems that say where, re-imports, interruptions, bad files."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest

from tongwen.ingest import FORMATS, FormatNotRecognised, detect_format
from tongwen.ingest.pipeline import ImportProgress, import_files
from tongwen.store import Store

PRIDE = "marc4j-test-resources/pride-and-prejudice-fixed.mrc"
PRIDE_BROKEN = "marc4j-test-resources/pride-and-prejudice-with-many-errors.mrc"
ALMA_XML = "princeton-bibdata-alma/incremental_11_records.xml"


@pytest.fixture
def store(database: str):
    """A store on each backend in turn: the pipeline behaves the same on SQLite and PostgreSQL."""
    with Store.open(database) as opened:
        yield opened


def stored_state(store: Store) -> list[tuple[str, str]]:
    return [(r.id, r.titles[0].text if r.titles else "") for r in store.iter_records(with_original=False)]


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (PRIDE, "marc"),
        (ALMA_XML, "marcxml"),
        ("marc4j-test-resources/marc-in-json.json", "marcjson"),
        ("oai-pmh-sickle-samples/ListRecords.xml", "dc"),
        ("aozora-bunko-person-list/list_person_all_utf8.csv", "csv"),
        ("mediclassics-hangul-hanja-titles/title_pairs.tsv", "csv"),
    ],
)
def test_detect_format_recognises_real_files(shared_data: Path, relative: str, expected: str) -> None:
    assert detect_format(shared_data / relative) is FORMATS[expected]


def test_detect_format_names_the_choices_when_nothing_fits(shared_data: Path) -> None:
    with pytest.raises(FormatNotRecognised) as error:
        detect_format(shared_data / "pymarc-test-data" / "test_utf8.txt")
    message = str(error.value)
    assert "test_utf8.txt" in message and "--format" in message
    assert all(name in message for name in FORMATS)


def test_a_real_marc_file_is_counted_and_stored(store: Store, shared_data: Path) -> None:
    summary = import_files(store, [shared_data / PRIDE], source="bl", institution="BL")
    counts = summary.counts
    assert summary.records_read == 383
    assert counts["added"] + counts["rejected"] == 383
    assert counts["added"] == store.count("bl") > 300
    assert summary.status in ("ok", "problems") and not summary.nothing_read
    duplicates = [p for p in store.problems(summary.run_id) if "same id" in p.message]
    assert len(duplicates) == counts["rejected"]  # this file repeats some 001s; the first of each is kept
    record = store.get(duplicates[0].record_id)
    assert record.institution == "BL"
    assert record.provenance.run_id == summary.run_id
    assert record.provenance.position.startswith("pride-and-prejudice-fixed.mrc record ")
    assert record.provenance.original
    [run] = store.runs()
    assert run.counts == counts and run.status == summary.status and run.format == "marc"


def test_importing_the_same_file_again_changes_nothing(store: Store, shared_data: Path) -> None:
    first = import_files(store, [shared_data / PRIDE], source="bl")
    seq, state = store.max_seq(), stored_state(store)
    again = import_files(store, [shared_data / PRIDE], source="bl")
    assert again.counts["unchanged"] == first.counts["added"]
    assert again.counts["added"] == again.counts["updated"] == 0
    assert store.max_seq() == seq and stored_state(store) == state


def test_unreadable_records_become_problems_naming_file_and_position(store: Store, shared_data: Path) -> None:
    summary = import_files(store, [shared_data / PRIDE_BROKEN], source="bl")
    assert summary.status == "problems"
    errors = [p for p in store.problems(summary.run_id) if p.severity == "error"]
    assert len(errors) == summary.counts["rejected"] >= 16
    assert all(p.position.startswith("pride-and-prejudice-with-many-errors.mrc record ") for p in errors)
    warnings = [p for p in store.problems(summary.run_id) if p.severity == "warning"]
    assert warnings and all(p.field for p in warnings[:20])  # repairs say which field
    assert summary.counts["repaired"] > 0
    assert store.count() == summary.counts["added"] > 300


def test_a_record_the_mapper_rejects_is_reported_with_its_field(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    # A real record stripped of its title and every control number leaves nothing to identify it by.
    with open(
        shared_data / "marc4j-test-resources/oclc_63111280_export_as_UTF8_from_connexion.mrc", "rb"
    ) as f:
        [good] = list(pymarc.MARCReader(f, to_unicode=True, force_utf8=True))
    bad = pymarc.Record(leader=str(good.leader))
    bad.add_field(*[field for field in good.fields if field.tag not in ("001", "035", "245", "880")])
    path = tmp_path / "no-title.mrc"
    path.write_bytes(good.as_marc() + bad.as_marc())
    summary = import_files(store, [path], source="oclc")
    assert (summary.counts["added"], summary.counts["rejected"]) == (1, 1)
    [rejection] = [p for p in store.problems(summary.run_id) if p.severity == "error"]
    assert rejection.field == "245"
    assert rejection.position.startswith("no-title.mrc record 2")


def test_an_interrupted_import_run_again_ends_as_if_uninterrupted(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    class Stop(Exception):
        pass

    def stop_after_150(state: ImportProgress) -> None:
        if state.records == 150:
            raise Stop

    with pytest.raises(Stop):
        import_files(store, [shared_data / PRIDE], source="bl", progress=stop_after_150, batch_size=40)
    [interrupted] = store.runs()
    assert interrupted.status == "interrupted"
    kept = store.count()
    assert 100 < kept < 150  # what was read before the interruption is kept (minus repeated ids)
    resumed = import_files(store, [shared_data / PRIDE], source="bl")
    assert resumed.counts["unchanged"] == kept
    with Store.open(tmp_path / "clean.sqlite") as clean:
        import_files(clean, [shared_data / PRIDE], source="bl")
        assert stored_state(store) == stored_state(clean)


def test_a_bad_file_loses_nothing_already_stored(store: Store, shared_data: Path, tmp_path: Path) -> None:
    import_files(store, [shared_data / ALMA_XML], source="pul")
    before = stored_state(store)
    garbage = shared_data / "pymarc-test-data" / "test_utf8.txt"
    summary = import_files(store, [garbage], source="pul")
    assert summary.nothing_read and summary.status == "failed"
    assert "cannot tell the format of test_utf8.txt" in summary.first_problems[0].message
    truncated = tmp_path / "truncated.xml"
    text = (shared_data / ALMA_XML).read_bytes()
    truncated.write_bytes(text[: len(text) // 2])
    cut = import_files(store, [truncated], source="pul")
    assert cut.counts["unchanged"] >= 1 and cut.counts["added"] == 0
    assert any(
        p.severity == "error" and "truncated.xml" in (p.position or "") + p.message
        for p in store.problems(cut.run_id)
    )
    assert stored_state(store) == before


def test_deleted_records_become_tombstones_and_a_second_delete_is_no_change(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    import_files(store, [shared_data / ALMA_XML], source="pul")
    first = next(store.iter_records())
    with open(shared_data / "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc", "rb") as f:
        [deletion] = list(pymarc.MARCReader(f, to_unicode=True, force_utf8=True))
    deletion.remove_fields("001")
    deletion.add_ordered_field(pymarc.Field(tag="001", data=first.local_id))
    deletion.leader = deletion.leader[:5] + "d" + deletion.leader[6:]
    path = tmp_path / "deletes.mrc"
    path.write_bytes(deletion.as_marc())
    summary = import_files(store, [path], source="pul")
    assert summary.counts["deleted"] == 1
    assert store.get(first.id) is None and store.changes_since(store.max_seq() - 1)[0].deleted
    again = import_files(store, [path], source="pul")
    assert again.counts["deleted"] == 0 and again.counts["unchanged"] == 1


def test_several_formats_in_one_run(store: Store, shared_data: Path) -> None:
    summary = import_files(
        store,
        [shared_data / ALMA_XML, shared_data / "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc"],
        source="mixed",
    )
    assert summary.format == "marc,marcxml"
    # incremental_11_records.xml holds 5 records and 6 deletions of records never imported here
    assert store.count("mixed") == summary.counts["added"] == 5 + 1
    assert summary.counts["unchanged"] == 6
    assert "jpn" in store.stats()["languages"]
