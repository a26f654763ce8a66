"""The binary MARC reader on real files: counts, encodings (leader/09 traps, MARC-8 EACC, Windows-1251),
broken structure, and fuzzed damage that must stay inside the damaged record."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongwen.ingest import marc
from tongwen.ingest.base import RawRecord

# file → (records, records the reader cannot parse at all). Counts from each folder's PROVENANCE.md.
BINARY_FILES = {
    "marc4j-test-resources/chinese_mangled_multibyte.mrc": (4, 0),
    "marc4j-test-resources/incomplete_esc_seq.mrc": (1, 0),  # pymarc fails; we decode with diagnostics
    "marc4j-test-resources/not_unimarc_errors_3.mrc": (3, 0),
    "marc4j-test-resources/oclc_63111280_export_as_UTF8_from_connexion.mrc": (1, 0),
    "marc4j-test-resources/pride-and-prejudice-fixed.mrc": (383, 0),
    "marc4j-test-resources/pride-and-prejudice-with-many-errors.mrc": (383, 16),
    "marc4j-test-resources/loongboonmee.mrc": (2, 0),
    "marc4j-test-resources/greekmissingcharsetchange.mrc": (3, 0),
    "marc4j-test-resources/cyrillic_capital_e.mrc": (2, 0),
    "marc4j-test-resources/brkrtest.mrc": (8, 0),
    "marc4j-test-resources/brkrtest_UTF8.mrc": (8, 0),
    "marc4j-test-resources/u17_utf8.mrc": (1, 0),
    "marc4j-test-resources/bad_leaders_10_11.mrc": (1, 0),
    "marc4j-test-resources/unordered-directory-entries.mrc": (1, 0),
    "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc": (1, 0),
    "openlibrary-marc-880/bin_input/880_alternate_script.mrc": (1, 0),
    "openlibrary-marc-880/bin_input/710_org_name_in_direct_order.mrc": (1, 0),
    "openlibrary-marc-880/bin_input/880_arabic_french_many_linkages.mrc": (1, 0),
    "openlibrary-marc-880/bin_input/880_publisher_unlinked.mrc": (1, 0),
    "openlibrary-marc-880/bin_input/880_table_of_contents.mrc": (1, 0),
    "pymarc-test-data/1251.dat": (6, 0),
    "pymarc-test-data/bad_eacc_encoding.dat": (1, 0),
    "pymarc-test-data/bad_marc8_escape.dat": (1, 0),
    "pymarc-test-data/diacritic.dat": (1, 0),
    "pymarc-test-data/marc8.dat": (1, 0),
    # PROVENANCE counts 2 (pymarc's count): the "second record" is the newline after the only record.
    "pymarc-test-data/testunimarc.dat": (1, 0),
    "pymarc-test-data/utf8_errors.dat": (1, 0),
    "pymarc-test-data/utf8_invalid.mrc": (1, 0),
    "pymarc-test-data/utf8_with_leader_flag.dat": (1, 0),
    "pymarc-test-data/utf8_without_leader_flag.dat": (1, 0),
}


def read_file(path: Path) -> list[RawRecord]:
    with path.open("rb") as stream:
        return list(marc.read(stream, path.name, {}))


def field_strings(raw: RawRecord) -> list[str]:
    return [unicodedata.normalize("NFC", str(f)) for f in raw.payload.fields]


@pytest.mark.parametrize("name", sorted(BINARY_FILES))
def test_every_shared_marc_file_reads_with_the_expected_counts(shared_data, name, capfd):
    expected_records, expected_errors = BINARY_FILES[name]
    raws = read_file(shared_data / name)
    assert len(raws) == expected_records
    errors = [raw for raw in raws if raw.error]
    assert len(errors) == expected_errors
    for raw in errors:
        assert raw.error.startswith(raw.position)  # the message names the record
    assert all(
        raw.payload is not None and raw.original.startswith("<record") for raw in raws if not raw.error
    )
    assert capfd.readouterr().err == ""  # pymarc's MARC-8 complaints became diagnostics, not stderr noise


def test_positions_are_numbered_from_one_and_carry_the_001(shared_data):
    raws = read_file(shared_data / "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc")
    assert raws[0].position == "880_Nihon_no_chasho.mrc record 1 (001 3835178)"
    assert raws[0].local_id == "3835178"
    assert not raws[0].deleted


def test_marc8_conversion_oracle_through_the_reader_decoding_path(shared_data):
    marc8_lines = (shared_data / "pymarc-test-data/test_marc8.txt").read_bytes().split(b"\n")
    utf8_lines = (shared_data / "pymarc-test-data/test_utf8.txt").read_text("utf-8").split("\n")
    assert len(marc8_lines) == len(utf8_lines) > 1500
    diagnostics: list = []
    for line, expected in zip(marc8_lines, utf8_lines):
        decoded = marc._decode_bytes(line.rstrip(b"\r"), "marc-8", "245$a", diagnostics)
        assert decoded == unicodedata.normalize("NFC", expected.rstrip("\r"))
    assert diagnostics == []


def test_leader_09_trap_utf8_decodes_the_same_with_or_without_the_flag(shared_data):
    flagged = read_file(shared_data / "pymarc-test-data/utf8_with_leader_flag.dat")[0]
    unflagged = read_file(shared_data / "pymarc-test-data/utf8_without_leader_flag.dat")[0]
    assert field_strings(flagged) == field_strings(unflagged)
    assert [str(d) for d in unflagged.diagnostics] == [
        "leader/09: flag says MARC-8 but the bytes are valid UTF-8; read as UTF-8"
    ]
    marc8 = read_file(shared_data / "pymarc-test-data/marc8.dat")[0]
    assert field_strings(marc8) == field_strings(flagged)  # the MARC-8 version of the same record


def test_marc8_eacc_cjk_record_decodes_to_han(shared_data):
    raws = read_file(shared_data / "marc4j-test-resources/chinese_mangled_multibyte.mrc")
    good = [raw for raw in raws if raw.payload["880"] and "\u4e00" <= raw.payload["880"]["a"][:1] <= "\u9fff"]
    assert good, "at least the well-formed MARC-8 copy decodes to Han characters"


def test_windows_1251_flagged_blank_is_recognised(shared_data):
    raws = read_file(shared_data / "pymarc-test-data/1251.dat")
    for raw in raws:
        assert any(d.field == "leader/09" and "Windows-1251" in d.message for d in raw.diagnostics)
    title = raws[0].payload["245"]["a"]
    assert any("\u0400" <= ch <= "\u04ff" for ch in title), title


def test_bad_eacc_sequence_becomes_a_diagnostic_naming_the_880(shared_data, capfd):
    raw = read_file(shared_data / "pymarc-test-data/bad_eacc_encoding.dat")[0]
    assert raw.error is None
    assert any(d.field.startswith("880$") and "MARC-8" in d.message for d in raw.diagnostics)
    assert capfd.readouterr().err == ""


def test_subfield_code_eaten_by_a_multibyte_character_is_named(shared_data):
    raw = read_file(shared_data / "pymarc-test-data/utf8_invalid.mrc")[0]
    assert [d.field for d in raw.diagnostics] == ["260"]


def test_many_errors_file_reports_each_broken_record_and_reads_the_rest(shared_data):
    raws = read_file(shared_data / "marc4j-test-resources/pride-and-prejudice-with-many-errors.mrc")
    fixed = read_file(shared_data / "marc4j-test-resources/pride-and-prejudice-fixed.mrc")
    broken = [raw for raw in raws if raw.error]
    assert broken and all("record" in raw.error for raw in broken)
    # The last record is intact in both files: nothing was lost on the way.
    assert raws[-1].local_id == fixed[-1].local_id
    invalid_utf8 = [d for raw in raws for d in raw.diagnostics if "invalid utf-8" in d.message]
    assert invalid_utf8 and all("$" in d.field for d in invalid_utf8)


def test_dash_blanks_and_unordered_directory_are_tolerated(shared_data):
    raw = read_file(shared_data / "marc4j-test-resources/unordered-directory-entries.mrc")[0]
    assert raw.payload["245"] is not None
    leader = bytearray((shared_data / "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc").read_bytes())
    leader[17:20] = b"---"  # encoding level, cataloguing form, multipart level written with dashes
    repaired = next(iter(marc.read(io.BytesIO(bytes(leader)), "dash.mrc", {})))
    assert repaired.error is None and str(repaired.payload.leader)[17:20] == "   "
    assert repaired.diagnostics[0].field == "leader"


# --- damage stays inside the damaged record -------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_file(shared_data) -> bytes:
    return (shared_data / "marc4j-test-resources/brkrtest_UTF8.mrc").read_bytes()


def record_spans(data: bytes) -> list[tuple[int, int]]:
    spans, start = [], 0
    while start < len(data):
        end = data.index(b"\x1d", start) + 1
        spans.append((start, end))
        start = end
    return spans


def intact_fields(data: bytes) -> list[list[str]]:
    return [field_strings(raw) for raw in marc.read(io.BytesIO(data), "clean.mrc", {})]


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(
    victim=st.integers(0, 7),
    spots=st.lists(st.tuples(st.integers(5, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_corrupted_bytes_only_affect_their_own_record(clean_file, victim, spots):
    spans = record_spans(clean_file)
    start, end = spans[victim]
    damaged = bytearray(clean_file)
    for offset, value in spots:
        where = start + offset % (end - start - 1)  # never the record terminator itself
        damaged[where] = value if value != 0x1D else 0x1C
    raws = list(marc.read(io.BytesIO(bytes(damaged)), "fuzz.mrc", {}))
    assert len(raws) == len(spans)
    expected = intact_fields(clean_file)
    for number, raw in enumerate(raws):
        if number == victim:
            assert raw.error is None or raw.error.startswith(f"fuzz.mrc record {victim + 1}")
        else:
            assert field_strings(raw) == expected[number]


@FUZZ
@given(cut=st.integers(1, 10_000))
def test_truncated_file_keeps_every_complete_record(clean_file, cut):
    cut = cut % len(clean_file)
    raws = list(marc.read(io.BytesIO(clean_file[:cut]), "cut.mrc", {}))
    complete = [span for span in record_spans(clean_file) if span[1] <= cut]
    expected = intact_fields(clean_file)
    for number in range(len(complete)):
        assert field_strings(raws[number]) == expected[number]
    if cut > (complete[-1][1] if complete else 0):
        assert raws[-1].error and "truncated" in raws[-1].error


@FUZZ
@given(victim=st.integers(0, 7), entry=st.integers(0, 40), length=st.integers(0, 9999))
def test_wrong_directory_length_is_repaired_or_reported(clean_file, victim, entry, length):
    spans = record_spans(clean_file)
    start, _ = spans[victim]
    base = int(clean_file[start + 12 : start + 17])
    entries = (base - 25) // 12
    at = start + 24 + (entry % entries) * 12 + 3
    damaged = clean_file[:at] + b"%04d" % length + clean_file[at + 4 :]
    raws = list(marc.read(io.BytesIO(damaged), "dir.mrc", {}))
    expected = intact_fields(clean_file)
    assert len(raws) == len(spans)
    raw = raws[victim]
    if raw.error is None:
        assert field_strings(raw) == expected[victim]  # re-cut at the field terminators: nothing lost
    for number, other in enumerate(raws):
        if number != victim:
            assert field_strings(other) == expected[number]


@FUZZ
@given(victim=st.integers(0, 7), junk=st.binary(min_size=1, max_size=4).filter(lambda b: b"\x1d" not in b))
def test_garbage_length_resyncs_on_the_record_terminator(clean_file, victim, junk):
    spans = record_spans(clean_file)
    start, _ = spans[victim]
    damaged = clean_file[:start] + (junk + b"xxxxx")[:5] + clean_file[start + 5 :]
    raws = list(marc.read(io.BytesIO(damaged), "len.mrc", {}))
    expected = intact_fields(clean_file)
    assert len(raws) == len(spans)
    for number, raw in enumerate(raws):
        if number != victim:
            assert field_strings(raw) == expected[number]


@FUZZ
@given(victim=st.integers(0, 7), bad=st.sampled_from([b"\xff", b"\xc3", b"\xe6\x97", b"\xed\xa0\x80"]))
def test_invalid_utf8_is_replaced_and_named(clean_file, victim, bad):
    spans = record_spans(clean_file)
    start, end = spans[victim]
    record = clean_file[start:end]
    at = record.index(b"\x1f", int(record[12:17])) + 2  # inside the first subfield's value
    damaged_record = record[:at] + bad + record[at + len(bad) :]
    damaged = clean_file[:start] + damaged_record + clean_file[end:]
    raws = list(marc.read(io.BytesIO(damaged), "utf8.mrc", {}))
    assert raws[victim].error is None
    assert any("invalid utf-8" in d.message and "$" in d.field for d in raws[victim].diagnostics)
    assert "\ufffd" in str(raws[victim].payload)


def test_sniff_recognises_iso2709_but_not_xml(shared_data):
    head = (shared_data / "pymarc-test-data/marc8.dat").read_bytes()[:64]
    assert marc.sniff(head, "x.bin")
    assert not marc.sniff(b'<?xml version="1.0"?><collection/>', "x.xml")


def _as_tuples(record) -> tuple:
    # every attribute `pymarc.Field.__init__` sets, with its type: the fast decoder sets them itself
    return (
        str(record.leader),
        type(record.leader),
        [
            (type(f), f.tag, f.data, f.control_field, type(f.indicators), f.indicators,
             [(type(s), tuple(s)) for s in f.subfields])
            for f in record.fields
        ],
    )


def test_fast_utf8_decoder_builds_what_pymarc_builds(shared_data):
    import pymarc

    compared = 0
    for name in sorted(BINARY_FILES):
        with (shared_data / name).open("rb") as stream:
            for chunk in marc.iter_record_chunks(stream):
                try:
                    data = marc.repair_structure(chunk.data, [])
                except marc.StructureError:
                    continue
                body = data[int(data[12:17]) :]
                if marc._BAD_SUBFIELD_CODE.search(body) or not marc._is_utf8(body):
                    continue  # not the fast path's business
                fast = marc._clean_utf8_record(data)
                assert fast is not None, name
                assert _as_tuples(fast) == _as_tuples(pymarc.Record(data, force_utf8=True)), name
                compared += 1
    assert compared > 400  # pride-and-prejudice alone has 383


def test_fast_utf8_decoder_leaves_odd_indicators_to_pymarc():
    field = b"1\x1faTitle\x1e"  # one indicator only: pymarc logs it, and the log becomes a diagnostic
    directory = b"245" + b"%04d%05d" % (len(field), 0) + b"\x1e"
    base = 24 + len(directory)
    data = b"%05dnam a22%05d   4500" % (base + len(field) + 1, base) + directory + field + b"\x1d"
    assert marc._clean_utf8_record(data) is None
    diagnostics: list = []
    record = marc.decode_record(data, diagnostics)
    assert record["245"]["a"] == "Title"
    assert [d.field for d in diagnostics] == ["indicators"]


def test_marcxml_original_escapes_markup_and_drops_what_xml_cannot_hold():
    import pymarc
    from lxml import etree

    record = pymarc.Record(
        fields=[
            pymarc.Field(tag="001", data="a\x00b"),
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("1", "0"),
                subfields=[pymarc.Subfield("a", 'Tom & "Jerry" <1>'), pymarc.Subfield("b", "La Sociét\x1b,")],
            ),
        ]
    )
    element = etree.fromstring(marc.record_to_marcxml(record))
    assert element.findtext("controlfield") == "ab"
    assert [s.text for s in element.iter("subfield")] == ['Tom & "Jerry" <1>', "La Sociét,"]
