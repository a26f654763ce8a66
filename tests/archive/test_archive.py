"""Digital archiving as a librarian does it: `tongwen archive`, `tongwen archive import`, `tongwen fixity`.

Items are imported through the real pipeline on "node A" (the Kanseki Repository's 論語, a real IIIF manifest
from NIJL, catalogue records of the demo, an OCR'd page with a page image made with Pillow), archived as bags,
and imported on "node B", another data directory.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from tongwen.cli import main
from tongwen.config import Settings
from tongwen.demo import DEMO_MANIFEST
from tongwen.store import Store

LUNYU = "kanripo:KR1h0004"
NDL_DEMO = "ndl-demo:ndl0019"
NIJL = "nijl:https://kokusho.nijl.ac.jp/biblio/100376839/manifest"
OCR_ITEM = "scans:shuowen"

HOCR = """<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="zh">
<head><title>說文解字</title><meta name="ocr-system" content="tesseract 5.3.0"/></head>
<body>
<div class="ocr_page" id="page_1" title='image "shuowen-1.png"; bbox 0 0 400 600; ppageno 0'>
 <p class="ocr_par" lang="chi_tra">
  <span class="ocr_line" title="bbox 40 40 360 80">
   <span class="ocrx_word" title="bbox 40 40 200 80; x_wconf 91">說文</span>
   <span class="ocrx_word" title="bbox 200 40 360 80; x_wconf 88">解字</span>
  </span>
 </p>
</div>
</body>
</html>
"""


def cli(data: Path, *args: str, expect: int = 0):
    result = CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flip_a_byte(path: Path, at: int = 5) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def stored(data: Path, record_id: str) -> dict | None:
    with Store.open(Settings(data_dir=data).database) as store:
        record = store.get(record_id)
    return record.to_dict() if record else None


@pytest.fixture(scope="module")
def node_a(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the items imported the way a librarian imports them."""
    root = tmp_path_factory.mktemp("node-a")
    data = root / "data"
    lunyu = sorted(str(p) for p in (shared_data / "kanripo-texts" / "KR1h0004").glob("*.txt"))
    cli(data, "import", *lunyu, "--source", "kanripo", "--no-index")
    cli(data, "import", str(shared_data / "iiif-japan-collections/nijl-kokusho/100376839_manifest.json"),
        "--source", "nijl", "--no-index")
    cli(data, "import", str(DEMO_MANIFEST.parent / "ndl.marcxml"), "--source", "ndl-demo", "--institution", "NDL",
        "--no-index")
    scans = root / "scans"
    scans.mkdir()
    (scans / "shuowen.hocr").write_text(HOCR, encoding="utf-8")
    Image.new("RGB", (400, 600), (250, 245, 230)).save(scans / "shuowen-1.png")
    cli(data, "import", str(scans / "shuowen.hocr"), "--source", "scans", "--no-index")
    return data


@pytest.fixture(scope="module")
def lunyu_bag(node_a: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    to = tmp_path_factory.mktemp("bags")
    cli(node_a, "archive", LUNYU, "--to", str(to))
    return to / "kanripo_KR1h0004"


def test_a_bag_holds_the_record_its_metadata_and_every_page_text_with_both_checksums(node_a: Path,
                                                                                     lunyu_bag: Path) -> None:
    bag = bagit.Bag(str(lunyu_bag))
    assert bag.validate(processes=1)
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    assert bag.info["External-Identifier"] == LUNYU
    assert bag.info["External-Description"] == "論語"
    assert bag.info["Tongwen-Version"] and bag.info["Tongwen-Source"] == "kanripo"
    record = json.loads((lunyu_bag / "data" / "record.json").read_text(encoding="utf-8"))
    assert record == stored(node_a, LUNYU)
    assert len(record["pages"]) == 690
    texts = sorted((lunyu_bag / "data" / "pages").iterdir())
    assert len(texts) == 690 and texts[0].name == "0001.txt" and texts[-1].name == "0690.txt"
    assert texts[0].read_text(encoding="utf-8") == record["pages"][0]["text"]
    assert "學而時習之" in texts[0].read_text(encoding="utf-8")
    marc = etree.parse(str(lunyu_bag / "data" / "metadata" / "marcxml.xml"))
    assert "論語" in "".join(marc.getroot().itertext())
    assert etree.parse(str(lunyu_bag / "data" / "metadata" / "dc.xml")).getroot() is not None
    assert json.loads((lunyu_bag / "data" / "metadata" / "jsonld.json").read_text(encoding="utf-8"))
    manifest = json.loads((lunyu_bag / "data" / "iiif-manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["items"]) == 690  # every page a canvas with its text (tongwen.protocols.iiif)
    [archived] = json.loads((lunyu_bag / "data" / "premis-events.json").read_text(encoding="utf-8"))
    assert archived["eventType"] == "archive" and archived["eventOutcome"] == "success"
    assert archived["linkingObject"] == LUNYU and "690 page texts" in archived["eventOutcomeDetail"]


def test_a_bag_made_on_one_node_imports_on_another_with_nothing_lost(node_a: Path, lunyu_bag: Path,
                                                                     tmp_path: Path) -> None:
    node_b = tmp_path / "node-b"
    imported = cli(node_b, "archive", "import", str(lunyu_bag))
    assert f"{LUNYU}: added" in imported.output and "696 files verified" in imported.output
    assert stored(node_b, LUNYU) == stored(node_a, LUNYU)  # the record, pages and texts, byte for byte
    copy = node_b / "bags" / lunyu_bag.name
    original_files = sorted(p.relative_to(lunyu_bag) for p in lunyu_bag.rglob("*") if p.is_file())
    assert original_files == sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file())
    assert all(sha256(lunyu_bag / name) == sha256(copy / name) for name in original_files)
    # the text is searchable on node B at once, in simplified characters too
    assert LUNYU in cli(node_b, "search", "text:有朋自远方来").output
    events = cli(node_b, "archive", "events", LUNYU, "--json")
    assert [e["eventType"] for e in json.loads(events.output)] == ["archive", "ingest"]
    again = cli(node_b, "archive", "import", str(lunyu_bag))
    assert f"{LUNYU}: unchanged" in again.output
    assert [e["eventType"] for e in json.loads(cli(node_b, "archive", "events", LUNYU, "--json").output)] \
        == ["archive", "ingest", "ingest"]


@pytest.mark.parametrize("record_id", [NDL_DEMO, NIJL])
def test_catalogue_records_and_manifests_round_trip_too(node_a: Path, tmp_path: Path, record_id: str) -> None:
    written = cli(node_a, "archive", record_id, "--to", str(tmp_path / "bags"))
    [bag] = (tmp_path / "bags").iterdir()
    cli(tmp_path / "node-b", "archive", "import", str(bag), "--no-index")
    assert stored(tmp_path / "node-b", record_id) == stored(node_a, record_id)
    if record_id == NIJL:  # 1,660 canvases whose images are IIIF services at NIJL: listed, not downloaded
        assert "1660 remote images not put in the bag" in written.output
        assert not (bag / "data" / "images").exists()


def test_local_page_images_go_into_the_bag_and_their_sources_are_watched(node_a: Path, tmp_path: Path) -> None:
    scans = node_a.parent / "scans"
    written = cli(node_a, "archive", OCR_ITEM, "--to", str(tmp_path / "bags"), "--files-root", str(scans))
    assert "1 images" in written.output
    bag = tmp_path / "bags" / "scans_shuowen"
    assert sha256(bag / "data" / "images" / "0001.png") == sha256(scans / "shuowen-1.png")
    assert (bag / "data" / "pages" / "0001.txt").read_text(encoding="utf-8") == "說文解字"
    node_b = tmp_path / "node-b"
    cli(node_b, "archive", "import", str(bag), "--no-index")
    assert sha256(node_b / "bags" / "scans_shuowen" / "data" / "images" / "0001.png") == sha256(scans / "shuowen-1.png")
    cli(node_a, "fixity", "--bag", str(bag))


def test_a_bag_with_a_flipped_byte_is_refused_naming_the_file_and_both_checksums(lunyu_bag: Path,
                                                                                tmp_path: Path) -> None:
    damaged = tmp_path / lunyu_bag.name
    shutil.copytree(lunyu_bag, damaged)
    page = damaged / "data" / "pages" / "0003.txt"
    recorded = sha256(page)
    flip_a_byte(page)
    refused = cli(tmp_path / "node-c", "archive", "import", str(damaged), expect=1)
    assert f"{LUNYU}: the bag {damaged} does not verify; nothing was imported" in refused.output
    assert f"data/pages/0003.txt: changed (sha256 recorded {recorded}, now {sha256(page)})" in refused.output
    assert stored(tmp_path / "node-c", LUNYU) is None


def test_a_bag_with_a_missing_file_is_refused_naming_it(lunyu_bag: Path, tmp_path: Path) -> None:
    damaged = tmp_path / lunyu_bag.name
    shutil.copytree(lunyu_bag, damaged)
    (damaged / "data" / "pages" / "0004.txt").unlink()
    refused = cli(tmp_path / "node-c", "archive", "import", str(damaged), expect=1)
    assert "data/pages/0004.txt: missing" in refused.output
    assert stored(tmp_path / "node-c", LUNYU) is None


def test_fixity_reports_what_changed_and_never_repairs_it(lunyu_bag: Path, tmp_path: Path) -> None:
    node_b = tmp_path / "node-b"
    cli(node_b, "archive", "import", str(lunyu_bag), "--no-index")
    assert "696 files and 1 bags of 1 items checked: all intact" in cli(node_b, "fixity").output
    copy = node_b / "bags" / lunyu_bag.name
    record_json = copy / "data" / "record.json"
    recorded = sha256(record_json)
    flip_a_byte(record_json, at=100)
    (copy / "data" / "pages" / "0010.txt").unlink()
    for _ in range(2):  # a second check fails the same way: nothing was "repaired" or re-recorded
        failed = cli(node_b, "fixity", expect=1)
        assert (f"FIXITY FAILURE {LUNYU}: kanripo_KR1h0004/data/record.json changed — sha256 recorded {recorded}, "
                f"now {sha256(record_json)}") in failed.output
        assert f"FIXITY FAILURE {LUNYU}: kanripo_KR1h0004/data/pages/0010.txt missing" in failed.output
        assert "2 problems" in failed.output
    as_json = json.loads(cli(node_b, "fixity", "--json", expect=1).output)
    assert {(p["item"], p["file"], p["problem"]) for p in as_json["problems"]} == {
        (LUNYU, "kanripo_KR1h0004/data/record.json", "changed"),
        (LUNYU, "kanripo_KR1h0004/data/pages/0010.txt", "missing"),
    }
    events = json.loads(cli(node_b, "archive", "events", LUNYU, "--json").output)
    assert [(e["eventType"], e["eventOutcome"]) for e in events][-4:] == [
        ("fixity check", "success"), ("fixity check", "failure"), ("fixity check", "failure"),
        ("fixity check", "failure")]
    assert "data/record.json changed" in events[-1]["eventOutcomeDetail"]


def test_a_bag_given_to_fixity_that_tongwen_never_recorded_is_checked_against_its_own_manifests(
        lunyu_bag: Path, tmp_path: Path) -> None:
    stray = tmp_path / "stray"
    shutil.copytree(lunyu_bag, stray)
    (stray / "data" / "notes.txt").write_text("a file someone added", encoding="utf-8")
    node = tmp_path / "node-d"
    cli(node, "import", str(DEMO_MANIFEST.parent / "ndl.marcxml"), "--source", "ndl-demo", "--no-index")
    failed = cli(node, "fixity", "--bag", str(stray), expect=1)
    assert "FIXITY FAILURE (unrecorded bag): stray/data/notes.txt not in the manifest" in failed.output


def test_archiving_never_overwrites_a_bag_and_goes_on_with_the_other_items(node_a: Path, lunyu_bag: Path) -> None:
    again = cli(node_a, "archive", LUNYU, "no-such:item", "--to", str(lunyu_bag.parent), expect=1)
    assert f"{LUNYU}: not archived: {LUNYU}: {lunyu_bag} already exists" in again.output
    assert "no-such:item: no such record" in again.output
    assert bagit.Bag(str(lunyu_bag)).is_valid()


def test_a_source_or_a_search_archives_every_item_it_names(node_a: Path, tmp_path: Path) -> None:
    by_source = cli(node_a, "archive", "--source", "ndl-demo", "--to", str(tmp_path / "ndl"))
    count = len(list((tmp_path / "ndl").iterdir()))
    assert count > 10 and f"{count} items archived" in by_source.output
    cli(node_a, "index")
    cli(node_a, "archive", "--search", "text:學而時習之", "--to", str(tmp_path / "found"))
    assert [p.name for p in (tmp_path / "found").iterdir()] == ["kanripo_KR1h0004"]
    usage = cli(node_a, "archive", LUNYU, "--source", "ndl-demo", "--to", str(tmp_path / "x"), expect=2)
    assert "one of them" in usage.output
