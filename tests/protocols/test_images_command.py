"""`tongwen images --rebuild`: the demo's digitised items (4 TEI records, 13 JPEG pages in
tongwen/demo_collection/pages) tiled again from the files they were imported from, without importing again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongwen.cli import main
from tongwen.demo import DEMO_DIR
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store

DIGITISED = [("nlc-digitised.tei.xml", "nlc-digitised-demo", "NLC", ("lunyu", "kuangren")),
             ("ndl-digitised.tei.xml", "ndl-digitised-demo", "NDL", ("hojoki",)),
             ("nlk-digitised.tei.xml", "nlk-digitised-demo", "NLK", ("tongnip",))]


def import_demo(root: Path) -> Path:
    """The demo's digitised TEI files with their page images, imported from a directory of their own (the
    file paths given as absolute paths, as a librarian's shell would resolve them); returns the data dir."""
    files = root / "files"
    for name, _, _, pages in DIGITISED:
        (files / "pages").mkdir(parents=True, exist_ok=True)
        shutil.copy(DEMO_DIR / name, files)
        for page_dir in pages:
            shutil.copytree(DEMO_DIR / "pages" / page_dir, files / "pages" / page_dir)
    data = root / "data"
    with Store.open(data / "tongwen.sqlite") as store:
        for name, source, institution, _ in DIGITISED:
            summary = import_files(store, [files / name], source=source, institution=institution)
            assert summary.problem_count == 0, summary.first_problems
    return data


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    return import_demo(tmp_path_factory.mktemp("images-command"))


@pytest.fixture()
def demo_copy(imported: Path, tmp_path: Path) -> Path:
    """A data dir of its own (tiling 13 pages takes seconds: done once), its records read from the same files."""
    shutil.copytree(imported, tmp_path / "data")
    return tmp_path / "data"


def tongwen(data: Path, *args: str):
    return CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)


def tile_bytes(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_rebuilding_after_the_images_are_deleted_makes_the_same_tiles_and_again_finds_them_unchanged(demo_copy):
    made_at_import = tile_bytes(demo_copy / "images")
    assert sum(name.endswith("info.json") for name in made_at_import) == 13
    shutil.rmtree(demo_copy / "images")
    result = tongwen(demo_copy, "images", "--rebuild")
    assert result.exit_code == 0, result.output
    megabytes = sum(len(data) for data in made_at_import.values()) / 1e6
    assert result.output.strip() == (f"tiled 13 page images of 4 records ({megabytes:.1f} MB); 0 unchanged; "
                                     f"0 problems")
    assert tile_bytes(demo_copy / "images") == made_at_import  # byte for byte
    again = tongwen(demo_copy, "images", "--rebuild")
    assert again.output.strip() == "tiled 0 page images of 0 records (0.0 MB); 13 unchanged; 0 problems"


def test_one_source_or_one_record_is_rebuilt_alone(demo_copy):
    shutil.rmtree(demo_copy / "images")
    by_source = tongwen(demo_copy, "images", "--rebuild", "--source", "ndl-digitised-demo")
    assert by_source.output.startswith("tiled 3 page images of 1 records")
    by_id = tongwen(demo_copy, "images", "--rebuild", "nlc-digitised-demo:nlcdig0002")
    assert by_id.output.startswith("tiled 3 page images of 1 records")
    assert len(list((demo_copy / "images").iterdir())) == 2


def test_a_missing_or_broken_image_is_a_problem_naming_record_and_page_and_the_rest_is_tiled(tmp_path):
    demo_copy = import_demo(tmp_path)
    shutil.rmtree(demo_copy / "images")
    (tmp_path / "files/pages/lunyu/02.jpg").unlink()
    (tmp_path / "files/pages/hojoki/01.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    result = tongwen(demo_copy, "images", "--rebuild")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("PROBLEM ndl-digitised-demo:ndldig0001 page ")
    assert "not an image" in lines[0]
    assert lines[1].startswith("PROBLEM nlc-digitised-demo:nlcdig0001 page 001-1b: cannot read the image file")
    assert "pages/lunyu/02.jpg" in lines[1]
    assert lines[2].startswith("tiled 11 page images of 4 records") and lines[2].endswith("; 2 problems")


def test_tiles_no_stored_record_names_are_removed(demo_copy):
    stray = demo_copy / "images" / "0123456789ab" / "cdef01234567"
    stray.mkdir(parents=True)
    (stray / "info.json").write_text("{}")
    result = tongwen(demo_copy, "images", "--rebuild")
    assert result.output.strip().endswith("13 unchanged; 0 problems; removed 1 tile directories no record names")
    assert not stray.parent.exists()


def test_server_mode_makes_no_local_tiles_and_says_so():
    from tongwen.protocols.iiif_image import images_dir
    from tongwen.store.database import Database

    # the command's test, without a PostgreSQL server: a store that is not a file has no images directory
    assert images_dir(Database.at("postgresql://tongwen@localhost/tongwen")) is None


def test_help_has_examples():
    result = CliRunner().invoke(main, ["images", "--help"])
    assert "tongwen images --rebuild --source" in result.output and "--files-root" in result.output
