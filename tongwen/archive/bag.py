"""Write one item as a BagIt bag (RFC 8493) with the Library of Congress `bagit` library.

A bag for the record ``kanripo:KR1h0004`` is the directory ``kanripo_KR1h0004/``::

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-sha256.txt …
    data/record.json             the record in Tongwen's own JSON (Record.to_dict): nothing is lost
    data/metadata/marcxml.xml    MARCXML (880s for every script), Dublin Core, schema.org JSON-LD —
    data/metadata/dc.xml         made by the exporters in tongwen.export, for systems that do not read
    data/metadata/jsonld.json    Tongwen's JSON
    data/iiif-manifest.json      IIIF Presentation 3, when Tongwen can build canvases for the item
    data/pages/0001.txt …        each page's text, UTF-8; file N is the Nth page of record.json
    data/images/0001.jpg …       each page image that is a local file, under its page's number
    data/premis-events.json      the item's preservation events, this archiving included

Remote images (a IIIF Image service, an http(s) file) are *not* put in the bag, nor in fetch.txt: BagIt
requires every fetch.txt file in the payload manifest with its checksum (RFC 8493 §2.2.3), which only
downloading the image gives, and Tongwen archives offline; their addresses stay in record.json and the
manifest, and the report counts them.

bag-info.txt names the source, the holding institution (``Source-Organization``), the record
(``External-Identifier``), its title (``External-Description``) and the Tongwen version
(``Bag-Software-Agent``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import bagit

from tongwen.archive.events import Event, PreservationStore, agent, events_json, now, tongwen_version
from tongwen.export import export_record
from tongwen.model import Page, Record
from tongwen.protocols.iiif import has_own_manifest, record_manifest

CHECKSUMS = ("sha256", "sha512")
RECORD_FILE = "data/record.json"
EVENTS_FILE = "data/premis-events.json"
_MEDIA_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif", "image/jp2": ".jp2",
                     "image/gif": ".gif", "image/webp": ".webp"}


class ArchiveError(Exception):
    """An item that cannot be archived or imported; the message names the item and the file."""


@dataclass(slots=True)
class BagReport:
    record_id: str
    bag: Path
    files: int = 0
    bytes: int = 0
    pages: int = 0
    texts: int = 0
    images: int = 0
    remote_images: list[str] = field(default_factory=list)
    missing_images: list[str] = field(default_factory=list)  # "page 0003 (001-2b): /path/img.jpg not found"
    manifest: bool = False


def bag_name(record_id: str) -> str:
    """A directory name for a record id that is safe on every file system (``kanripo:KR1h0004`` →
    ``kanripo_KR1h0004``)."""
    return re.sub(r"[^\w.-]", "_", record_id, flags=re.ASCII)


def page_file(number: int, suffix: str) -> str:
    return f"{number:04d}{suffix}"


def file_checksums(path: Path) -> tuple[str, str, int]:
    """(sha256, sha512, size) of a file, read in blocks so a large image never sits whole in memory."""
    sha256, sha512, size = hashlib.sha256(), hashlib.sha512(), 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            sha256.update(block)
            sha512.update(block)
            size += len(block)
    return sha256.hexdigest(), sha512.hexdigest(), size


def local_image(page: Page, files_root: Path) -> Path | None:
    """The local file a page's image is, or None when it is remote (a IIIF service, an http(s) URL)."""
    if page.image is None or page.image.kind != "file":
        return None
    url = page.image.url
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http, https, ftp… (a one-letter "scheme" is a drive)
        return None
    path = Path(url)
    return path if path.is_absolute() else files_root / path


def write_bag(record: Record, to: Path, events: PreservationStore, *, files_root: Path,
              base_url: str = "", directory: dict | None = None) -> BagReport:
    """Archive `record` as a bag in `to/<bag_name>`, record its checksums and an "archive" event.

    `files_root` is where relative image paths are found (the directory the item was imported from).
    A bag already there is never overwritten.
    """
    bag_dir = to / bag_name(record.id)
    if bag_dir.exists():
        raise ArchiveError(f"{record.id}: {bag_dir} already exists; archive to another directory or move it away "
                           "(an existing bag is never overwritten)")
    report = BagReport(record.id, bag_dir, pages=len(record.pages))
    bag_dir.mkdir(parents=True)
    try:
        sources = _write_payload(record, bag_dir, report, files_root=files_root, base_url=base_url,
                                 directory=directory)
        detail = (f"bag {bag_dir.name}: {report.texts} page texts, {report.images} images"
                  + (f", {len(report.remote_images)} remote images not bagged" if report.remote_images else "")
                  + (f", {len(report.missing_images)} local images missing" if report.missing_images else ""))
        archived = Event(record.id, "archive", now(), agent(),
                         "warning" if report.missing_images else "success", detail)
        (bag_dir / "premis-events.json").write_text(events_json([*events.events_of(record.id), archived]),
                                                    encoding="utf-8")
        bag = bagit.make_bag(str(bag_dir), bag_info=_bag_info(record), checksums=list(CHECKSUMS))
    except BaseException:
        shutil.rmtree(bag_dir, ignore_errors=True)  # half a bag is worse than none
        raise
    with events.transaction():
        for relative, sums in sorted(bag.payload_entries().items()):
            path = bag_dir / relative
            size = path.stat().st_size
            events.record_file(path, record.id, bag=bag_dir, sha256=sums["sha256"], sha512=sums["sha512"],
                               size=size)
            report.files += 1
            report.bytes += size
        for source, (sha256, sha512, size) in sources.items():
            events.record_file(source, record.id, bag=None, sha256=sha256, sha512=sha512, size=size)
        events.add(archived)
    return report


def _write_payload(record: Record, bag_dir: Path, report: BagReport, *, files_root: Path, base_url: str,
                   directory: dict | None) -> dict[Path, tuple[str, str, int]]:
    """The payload files (before `make_bag` moves them into data/); returns the local source images with
    their checksums, read once while copying."""
    (bag_dir / "record.json").write_text(
        json.dumps(record.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    metadata = bag_dir / "metadata"
    metadata.mkdir()
    (metadata / "marcxml.xml").write_text(export_record("marcxml", record, base_url=base_url), encoding="utf-8")
    (metadata / "dc.xml").write_text(export_record("dc", record, base_url=base_url), encoding="utf-8")
    (metadata / "jsonld.json").write_text(export_record("jsonld", record, base_url=base_url), encoding="utf-8")
    if has_own_manifest(record):
        manifest = record_manifest(record, base_url or "http://localhost", directory)
        (bag_dir / "iiif-manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                                    encoding="utf-8")
        report.manifest = True
    sources: dict[Path, tuple[str, str, int]] = {}
    for number, page in enumerate(record.pages, 1):
        if page.text is not None:
            (bag_dir / "pages").mkdir(exist_ok=True)
            # newline="" writes the text exactly as stored: no \n → \r\n on any system
            with (bag_dir / "pages" / page_file(number, ".txt")).open("w", encoding="utf-8", newline="") as out:
                out.write(page.text)
            report.texts += 1
        if page.image is None:
            continue
        image = local_image(page, files_root)
        if image is None:
            report.remote_images.append(page.image.url)
        elif not image.is_file():
            report.missing_images.append(f"page {number} ({page.label}): {image} not found")
        else:
            (bag_dir / "images").mkdir(exist_ok=True)
            suffix = image.suffix.lower() or _MEDIA_EXTENSIONS.get(page.image.format or "", "")
            shutil.copyfile(image, bag_dir / "images" / page_file(number, suffix))
            sources[image.resolve()] = file_checksums(image)
            report.images += 1
    return sources


def _bag_info(record: Record) -> dict[str, str]:
    main = record.main_title
    info = {
        "External-Identifier": record.id,
        "Tongwen-Source": record.source,
        "Tongwen-Version": tongwen_version(),
        "Bag-Software-Agent": f"{agent()}",
    }
    if record.institution:
        info["Source-Organization"] = record.institution
    if main and main.text:
        info["External-Description"] = main.text
    if record.pages:
        info["Tongwen-Pages"] = str(len(record.pages))
    return info
