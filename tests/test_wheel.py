"""The package as a release is installed: built as a wheel, installed into a new virtual environment, run from
outside the checkout. `tongwen demo` once failed this way ("…/site-packages/demo/manifest.toml does not exist"):
the demo collection lived beside the package, not in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding Tongwen from a freshly built wheel; returns its python.

    The wheel is installed with --no-deps and the venv sees this interpreter's third-party packages through a
    .pth line, so the test needs no network and takes seconds, yet Tongwen itself — code and package data — comes
    only from the wheel. (A path in a .pth line is added to sys.path without running that directory's own .pth
    files, so the checkout's editable install stays invisible.)"""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work),
         str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = work.glob("tongwen-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(  # --target: the dependencies' directory also lists the checkout's editable install
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site_packages), str(wheel)],
        check=True, capture_output=True,
    )
    return python


def outside_the_checkout() -> dict[str, str]:
    """The environment without what would point Python back at the checkout."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "TONGWEN_DATA")}


def run(python: Path, *args: str, data: Path) -> str:
    result = subprocess.run(
        [str(python), "-m", "tongwen.cli", "--data", str(data), *args],
        cwd=data.parent, env=outside_the_checkout(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_installed_wheel_is_the_package_that_runs(installed_wheel: Path) -> None:
    location = subprocess.run(
        [str(installed_wheel), "-c", "import tongwen; print(tongwen.__file__)"],
        cwd=installed_wheel.parent, env=outside_the_checkout(), capture_output=True, text=True, check=True,
    ).stdout
    assert str(installed_wheel.parent.parent) in location and str(ROOT) not in location


def test_the_installed_wheel_loads_the_demo_and_finds_it_across_scripts(installed_wheel: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    output = run(installed_wheel, "demo", "--no-serve", data=data)
    assert "ndl.marcxml:" in output and "rejected" in output
    assert "nlc-digitised.tei.xml:" in output  # a digitised item, its page images beside it in the package
    found = json.loads(run(installed_wheel, "search", "学而时习之", "--json", data=data))
    assert [page["label"] for hit in found["hits"] for page in (hit["in_text"] or {}).get("pages", [])] == ["001-1a"]
    hits = json.loads(run(installed_wheel, "search", "红楼梦", "--json", data=data))
    titles = json.dumps(hits, ensure_ascii=False)
    assert hits["total"] > 0 and "紅樓夢" in titles
    # The portal's templates, translations, static files and vendored libraries came with the wheel.
    page = subprocess.run(
        [str(installed_wheel), "-c",
         "from fastapi.testclient import TestClient; from tongwen.config import Settings; "
         "from tongwen.web.app import create_app; "
         f"client = TestClient(create_app(Settings.load({str(data)!r}))); "
         "from tongwen.demo import DEMO_DIR; print((DEMO_DIR / 'pages/lunyu/01.jpg').is_file()); "
         "print(client.get('/static/style.css').status_code); "
         "print(client.get('/static/vendor/openseadragon/LICENSE.txt').status_code); "
         "print(client.get('/static/viewer.js').status_code); "
         "print(client.get('/record/nlc-digitised-demo:nlcdig0001/view').status_code); "
         "print(client.get('/search?q=源氏物語', headers={'Accept-Language': 'ja'}).text)"],
        cwd=tmp_path, env=outside_the_checkout(), capture_output=True, text=True, check=True,
    ).stdout
    # the viewer opens the demo's 論語, its script and template in the wheel too
    assert page.startswith("True\n200\n200\n200\n200\n") and "源氏物語" in page and "本文へスキップ" in page
