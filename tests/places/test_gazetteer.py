"""The gazetteer on real place statements: records from ../shared/data imported by the real readers, and the
places `record_places` finds in them (what the place facet and the map show)."""

from pathlib import Path

import pytest

from tongwen.ingest.pipeline import import_files
from tongwen.places import Gazetteer, record_places
from tongwen.places.gazetteer import TABLE, read_qualifiers, read_table
from tongwen.store import Store

TOKYO, SEOUL, BEIJING, TAIPEI, HONG_KONG, BANGKOK = "1850147", "1835848", "1816670", "1668341", "1819729", "1609350"
FILES = [
    "princeton-bibdata-alma/99111299423506421.json",  # 東武 [江戶] / Tōbu [Edo]
    "princeton-bibdata-alma/incremental_11_records.xml",  # Sŏul-si / 서울시
    "marc4j-test-resources/pride-and-prejudice-fixed.mrc",  # Taibei shi / 台北市, Xianggang, Krung Thēp, Soul...
    "marc4j-test-resources/oclc_63111280_export_as_UTF8_from_connexion.mrc",  # 台北市, subject China
    "stanford-searchworks-traject-fixtures/a7770475_source_record.json",  # Beijing Shi / 北京市
    "enju-ndl-cinii-loc-api-responses/enju_ndl/NdlBook_import_should_import_audio_cd__0.xml",  # DC-NDL [東京]
    "enju-ndl-cinii-loc-api-responses/enju_ndl/Manifestation_should_import_a_foreign_book__1.xml",  # Cambridge, Mass.
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.shared()


@pytest.fixture(scope="module")
def records(shared_data: Path, tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("places") / "store.sqlite")
    for number, name in enumerate(FILES):
        import_files(store, [shared_data / name], source=f"f{number}")
    return {record.local_id: record for record in store.iter_records()}


def places_of(record, gazetteer):
    return [(match.place.id, match.historical.years if match.historical else None)
            for match in record_places(record, gazetteer)]


def test_historical_imprint_places(records, gazetteer):
    # 東武 is a literary name of Edo; the cataloguer's [江戶] says so too. Both lead to Tokyo, dated.
    assert places_of(records["99111299423506421"], gazetteer) == [(TOKYO, "1603–1868")]


@pytest.mark.parametrize(("local_id", "expected"), [
    ("99104863943506421", [SEOUL]),  # Sŏul-si / 서울시 (MR with -si, hangul with 시)
    ("c03732958", [TAIPEI]),  # Taibei shi / 台北市
    ("003851486", [HONG_KONG]),  # Xianggang (pinyin)
    ("5052279", [BANGKOK]),  # Krung Thēp (the Thai name, from our table)
    ("ocn8986190125", [SEOUL, "GB"]),  # Soul (MR with its breve lost); subject 651 England -- Fiction
    ("a7770475", [BEIJING, "CN"]),  # Beijing Shi / 北京市; subject China -- ...
    ("R100000002-I000010273695-00", [TOKYO]),  # DC-NDL publisher location [東京]
    ("R100000002-I000008282661-00", ["4931972"]),  # Cambridge, Mass.: Massachusetts, not England
    ("004963236", ["5445439", "GB"]),  # Garden City, N. Y. (not Singapore, which GeoNames also calls so)
])
def test_imprint_places_across_scripts(records, gazetteer, local_id, expected):
    assert [place for place, _ in places_of(records[local_id], gazetteer)] == expected


def test_subject_places_are_countries_first(records, gazetteer):
    places = [place for place, _ in places_of(records["ocm63111280"], gazetteer)]
    assert places == [TAIPEI, "JP", "CN"]  # 台北市 published; subjects 651 Japan -- ..., China


def test_unknown_and_undecodable_places_give_nothing(records, gazetteer):
    assert places_of(records["5338018"], gazetteer) == [("GB", None)]  # [S.l.]: only the subject England


@pytest.mark.parametrize(("name", "place_id"), [
    ("漢城", SEOUL), ("한성", SEOUL), ("京城", SEOUL), ("東京", TOKYO), ("东京", TOKYO), ("도쿄", TOKYO),
    ("Tōkyō", TOKYO), ("江戸", TOKYO), ("江戶", TOKYO), ("北平", BEIJING), ("Peking", BEIJING),
])
def test_names_across_scripts_and_history(gazetteer, name, place_id):
    assert gazetteer.lookup(name).place.id == place_id


def test_a_qualifier_that_names_no_known_country_leaves_the_place_unresolved(gazetteer):
    assert gazetteer.lookup("Stamford, CT").place.country == "US"
    assert gazetteer.lookup("Sebastopol, CA") is None  # not Sevastopol: no Sebastopol in the US list


def test_labels_in_each_interface_language(gazetteer):
    seoul = gazetteer.place(SEOUL)
    labels = {lang: gazetteer.label(seoul, lang) for lang in ("en", "ja", "ko", "zh-Hans", "zh-Hant")}
    assert labels == {"en": "Seoul", "ja": "ソウル", "ko": "서울", "zh-Hans": "首尔", "zh-Hant": "首爾"}
    assert gazetteer.label(gazetteer.place(TOKYO), "ja") == "東京"


def test_every_row_of_our_tables_is_sourced_and_points_at_a_real_place(gazetteer):
    rows = read_table()
    assert rows and all(row.source.strip() for row in rows)
    assert all(gazetteer.place(row.place_id) is not None for row in rows)
    assert all(row.start is None or row.end is None or row.start <= row.end for row in rows)
    assert read_qualifiers()["mass"] == "US"


def test_a_table_row_naming_a_missing_place_is_refused(tmp_path):
    bad = tmp_path / TABLE.name
    bad.write_text("names\tplace\tfrom\tto\tsource\n江戶\t999999999\t1603\t1868\tsomewhere\n", encoding="utf-8")
    with pytest.raises(ValueError, match="江戶 names the place 999999999"):
        Gazetteer([], [], read_table(bad))
