"""Vendor the portal's browser libraries: ``npm ci`` from the committed lock file, then copy only the files the
portal loads (and each package's licence) into ``tongwen/web/static/vendor/<package>/``, which Tongwen serves
itself — no CDN, so a portal on a closed network or a laptop works offline.

    python3 assets/build.py          # what `make assets` runs (`make demo` and `make test` depend on it)

What to copy is declared in ``package.json`` under ``tongwen.vendor``, so adding a library is two lines there
(and ``npm install --package-lock-only``), not code here::

    "tongwen": {"vendor": {"openseadragon": {"build/openseadragon/openseadragon.min.js": ""}}}

maps each file (or glob) inside ``node_modules/<package>/`` to a folder under ``vendor/<package>/`` (``""``:
the folder itself). ``vendor/MANIFEST.json`` records each package's version, licence and files; the portal's
tests check that every file in it is there and served.

npm: the ``npm`` on PATH when it runs, else Corepack's npm at the version ``packageManager`` pins (Node
ships Corepack; some Node installs lack a working npm). The libraries themselves are checked by ``npm ci``
against the lock file's SHA-512 integrity hashes either way.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent
VENDOR = ASSETS.parent / "tongwen" / "web" / "static" / "vendor"
LICENCE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING")


class AssetError(RuntimeError):
    pass


def npm_command(package_manager: str) -> list[str]:
    """The command that runs npm here: a working ``npm``, else ``corepack npm@<pinned version>``."""
    npm = shutil.which("npm")
    if npm and subprocess.run([npm, "--version"], capture_output=True).returncode == 0:
        return [npm]
    corepack = shutil.which("corepack")
    if corepack:
        return [corepack, package_manager]
    raise AssetError("npm is needed to build the portal's browser assets: install Node.js with npm "
                     "(Debian: apt-get install nodejs npm)")


def install(spec: dict) -> None:
    environment = dict(os.environ)
    # Corepack verifies npm's own tarball against keys that registry mirrors do not serve; the pinned
    # version is what we ask for, and npm ci checks every library against the lock file's hashes.
    environment.setdefault("COREPACK_INTEGRITY_KEYS", "0")
    command = [*npm_command(spec.get("packageManager", "npm")), "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    done = subprocess.run(command, cwd=ASSETS, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssetError(f"{' '.join(command)} failed in {ASSETS}:\n{done.stderr.strip()}")


def vendor_package(name: str, files: dict[str, str]) -> dict:
    source = ASSETS / "node_modules" / name
    package = json.loads((source / "package.json").read_text(encoding="utf-8"))
    target = VENDOR / name
    copied: list[str] = []
    for pattern, folder in files.items():
        matches = sorted(glob.glob(str(source / pattern)))
        if not matches:
            raise AssetError(f"package.json tongwen.vendor.{name}: nothing in node_modules/{name} matches {pattern!r}")
        for match in matches:
            destination = target / folder / Path(match).name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(match, destination)
            copied.append(destination.relative_to(target).as_posix())
    licences = [candidate for candidate in LICENCE_NAMES if (source / candidate).is_file()]
    if not licences:
        raise AssetError(f"node_modules/{name} has no licence file; the portal does not serve unlicensed code")
    shutil.copyfile(source / licences[0], target / licences[0])
    return {"version": package["version"], "license": package.get("license"), "license_file": licences[0],
            "files": copied}


def build() -> dict:
    spec = json.loads((ASSETS / "package.json").read_text(encoding="utf-8"))
    install(spec)
    if VENDOR.exists():
        shutil.rmtree(VENDOR)  # a file dropped from the list must not linger in the wheel
    VENDOR.mkdir(parents=True)
    manifest = {name: vendor_package(name, files) for name, files in spec["tongwen"]["vendor"].items()}
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main() -> int:
    try:
        manifest = build()
    except AssetError as error:
        print(f"assets: {error}", file=sys.stderr)
        return 1
    for name, entry in manifest.items():
        print(f"assets: {name} {entry['version']} ({entry['license']}): {len(entry['files'])} files → {VENDOR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
