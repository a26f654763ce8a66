"""IIIF Image API 3.0, level 0, for page images that are local files: static tiles made with Pillow at import.

A viewer (OpenSeadragon here, Mirador or the Universal Viewer elsewhere) cannot read a file path from a
manifest; it can read a IIIF image service. Level 0 is the service a directory of files can be: the
``info.json`` lists the only ``sizes`` (whole image, smaller) and ``tiles`` (``width``/``height`` and
``scaleFactors``) there are, and each is a file at its canonical URL path (3.0 §4.7: region ``full`` for the
whole image, else ``x,y,w,h``; size ``max`` for the full size, else ``w,h``; rotation ``0``; ``default.jpg``)::

    DATA/images/{record}/{image}/info.json          what the image is (its ``id`` is filled in when served)
    DATA/images/{record}/{image}/full/max/0/default.jpg
    DATA/images/{record}/{image}/0,0,512,512/max/0/default.jpg    scale factor 1: full-size tiles
    DATA/images/{record}/{image}/0,0,1024,1024/512,512/0/default.jpg
    DATA/images/{record}/{image}/full/157,250/0/default.jpg       a small size (thumbnails)

`image_identifier` names an image by its record and the page's image address (``{record}{image}``, 12 + 12 hex
digits), so the manifest and the viewer find the tiles from the record alone, and a record's pyramids sit in
one directory: importing it again removes those its pages no longer name, and deleting it removes them all
(`forget_record`). ``source.json`` keeps the file's checksum, so importing the same file again leaves the
tiles alone and a changed file is tiled afresh. The directory sits beside the store (`images_dir`): a node
that follows a shared store serves the tiles its imports made.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from PIL import Image, ImageOps, UnidentifiedImageError

from tongwen.model import Page, Record
from tongwen.protocols.iiif import LocalImageService

if TYPE_CHECKING:
    from tongwen.store.database import Database

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
IMAGE_PROTOCOL = "http://iiif.io/api/image"
INFO_MEDIA_TYPE = f'application/ld+json;profile="{IMAGE_CONTEXT}"'
TILE_SIZE = 512
SMALLEST_SIDE = 64  # the smallest size listed (its longer side)
JPEG_QUALITY = 85
MAX_PIXELS = 100_000_000  # a page image larger than this is refused (Pillow's decompression-bomb guard)
_IDENTIFIER = re.compile(r"^[0-9a-f]{24}$")
# One request path below an identifier: {region}/{size}/0/default.jpg, as `tile_paths` writes them.
_REQUEST = re.compile(r"^(full|\d+,\d+,\d+,\d+)/(max|\d+,\d+)/0/default\.jpg$")


class ImageTilingError(ValueError):
    """A page image that cannot be tiled (missing, unreadable, not an image, too large)."""


def images_dir(database: Database) -> Path | None:
    """Where the tiles live: ``images/`` beside the store's SQLite file (``DATA/images`` by default).

    None (no local tiles; pages keep their own image addresses) for an in-memory store, and for PostgreSQL:
    its nodes share no directory (`Settings.tiles_dir`: $TONGWEN_IMAGES names one they all reach)."""
    path = getattr(database, "path", None)
    return None if path is None else Path(path).parent / "images"


def image_identifier(record_id: str, image_url: str) -> str:
    """The IIIF identifier of a page's local image: stable for the same record and image address, its first
    half the record's (`record_key`).

    >>> image_identifier("demo:lunyu", "images/001.png")
    '2146a6ad21d9f7c5ddf45ad4'
    """
    return record_key(record_id) + hashlib.sha256(f"{record_id}\x00{image_url}".encode()).hexdigest()[:12]


def record_key(record_id: str) -> str:
    """The directory of one record's pyramids under the images root."""
    return hashlib.sha256(record_id.encode()).hexdigest()[:12]


def _pyramid(root: Path, identifier: str) -> Path:
    return root / identifier[:12] / identifier[12:]


def is_identifier(text: str) -> bool:
    return bool(_IDENTIFIER.match(text))


def local_file(page: Page, base_dir: Path) -> Path | None:
    """The file a page's image is, or None when it is remote (a IIIF service, a web address)."""
    image = page.image
    if image is None or image.kind != "file":
        return None
    parsed = urlparse(image.url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http, https… (a one-letter "scheme" is a Windows drive)
        return None
    path = Path(image.url)
    if path.is_absolute():
        return path
    return base_dir / path


@dataclass(frozen=True, slots=True)
class Level:
    scale: int  # the scale factor: 1 is full size
    width: int  # the whole image's size at this scale
    height: int


def levels(width: int, height: int, tile: int = TILE_SIZE) -> list[Level]:
    """Scale factors 1, 2, 4… until the whole image fits one tile, with the image's size at each (3.0 §5.6:
    a size at scale factor s is ⌈w/s⌉ × ⌈h/s⌉).

    >>> [(l.scale, l.width, l.height) for l in levels(1200, 800)]
    [(1, 1200, 800), (2, 600, 400), (4, 300, 200)]
    """
    found = [Level(1, width, height)]
    while max(found[-1].width, found[-1].height) > tile:
        scale = found[-1].scale * 2
        found.append(Level(scale, math.ceil(width / scale), math.ceil(height / scale)))
    return found


def tile_paths(width: int, height: int, tile: int = TILE_SIZE) -> list[tuple[str, tuple[int, int, int, int], tuple[int, int]]]:
    """Every file of the pyramid: (canonical request path, source region x, y, w, h, output size w, h) —
    the tiles at each scale factor and the whole image at each listed size.

    >>> [path for path, _, _ in tile_paths(600, 400)][:3]
    ['0,0,512,400/512,400/0/default.jpg', '512,0,88,400/88,400/0/default.jpg', 'full/300,200/0/default.jpg']
    """
    files: dict[str, tuple[tuple[int, int, int, int], tuple[int, int]]] = {}
    for level in levels(width, height, tile):
        span = tile * level.scale  # a tile's side in full-size pixels
        for y in range(0, height, span):
            for x in range(0, width, span):
                w, h = min(span, width - x), min(span, height - y)
                size = (math.ceil(w / level.scale), math.ceil(h / level.scale))
                region = "full" if (x, y, w, h) == (0, 0, width, height) else f"{x},{y},{w},{h}"
                size_text = "max" if size == (width, height) else f"{size[0]},{size[1]}"
                files[f"{region}/{size_text}/0/default.jpg"] = ((x, y, w, h), size)
    for size in image_sizes(width, height):
        files.setdefault(f"full/{size[0]},{size[1]}/0/default.jpg", ((0, 0, width, height), size))
    files.setdefault("full/max/0/default.jpg", ((0, 0, width, height), (width, height)))
    return [(path, region, size) for path, (region, size) in files.items()]


def image_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The whole image's smaller sizes, halving until its longer side would be under `SMALLEST_SIDE` pixels,
    smallest first: what a thumbnail or a quick first view asks for.

    >>> image_sizes(600, 400)
    [(75, 50), (150, 100), (300, 200)]
    """
    sizes = []
    scale = 2
    while max(math.ceil(width / scale), math.ceil(height / scale)) >= SMALLEST_SIDE:
        sizes.append((math.ceil(width / scale), math.ceil(height / scale)))
        scale *= 2
    return sorted(sizes)


def info_document(width: int, height: int, tile: int = TILE_SIZE) -> dict[str, Any]:
    """The level 0 ``info.json`` without its ``id`` (the served address is only known when it is served)."""
    return {
        "@context": IMAGE_CONTEXT,
        "type": "ImageService3",
        "protocol": IMAGE_PROTOCOL,
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": [{"width": w, "height": h} for w, h in image_sizes(width, height)],
        "tiles": [{"width": tile, "height": tile,
                   "scaleFactors": [level.scale for level in levels(width, height, tile)]}],
    }


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def make_tiles(source: Path, target: Path) -> dict[str, Any]:
    """Tile the image file ``source`` into the directory ``target`` (made whole in a sibling directory, then
    renamed into place, so a server never sees half a pyramid) and return its info document. A target
    already made from the same file (same checksum) is left as it is."""
    return tile_image(source, target)[0]


def tile_image(source: Path, target: Path) -> tuple[dict[str, Any], bool]:
    """`make_tiles`, also saying whether tiles were made (False: the pyramid was already of this file)."""
    try:
        checksum = _checksum(source)
    except OSError as error:
        raise ImageTilingError(f"cannot read the image file {source}: {error.strerror or error}") from None
    stamp = target / "source.json"
    if stamp.is_file() and (target / "info.json").is_file():
        try:
            if json.loads(stamp.read_text())["sha256"] == checksum:
                return json.loads((target / "info.json").read_text()), False
        except (ValueError, KeyError, OSError):
            pass  # a damaged stamp: tile again
    try:
        with Image.open(source) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise ImageTilingError(f"the image file {source} is {opened.width}×{opened.height} pixels, "
                                       f"more than the {MAX_PIXELS:,} a page image may have")
            picture = _as_rgb(ImageOps.exif_transpose(opened))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ImageTilingError(f"the file {source} is not an image Pillow can read ({error})") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        info = info_document(picture.width, picture.height)
        for path, (x, y, w, h), size in tile_paths(picture.width, picture.height):
            out = draft / path
            out.parent.mkdir(parents=True, exist_ok=True)
            piece = picture.crop((x, y, x + w, y + h))
            if piece.size != size:
                piece = piece.resize(size, Image.Resampling.LANCZOS)
            piece.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        (draft / "info.json").write_text(json.dumps(info))
        (draft / "source.json").write_text(json.dumps({"file": str(source), "sha256": checksum}))
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old.{os.getpid()}")
            target.rename(old)
        draft.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(draft, ignore_errors=True)
        raise
    return info, True


def _as_rgb(picture: Image.Image) -> Image.Image:
    """JPEG holds no transparency: transparent parts become white, as on paper."""
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB") if picture.mode != "RGB" else picture.copy()


def tile_record(record: Record, base_dir: Path, root: Path) -> list[tuple[str, str]]:
    """Tile every page of ``record`` whose image is a local file (relative paths from ``base_dir``, the
    imported file's directory). Returns the problems, (page label, message), one per page that failed;
    the other pages are tiled; pyramids of images the record no longer names are removed."""
    problems = []
    kept: set[str] = set()
    for page in record.pages:
        source = local_file(page, base_dir)
        if source is None:
            continue
        identifier = image_identifier(record.id, page.image.url)
        kept.add(identifier[12:])
        try:
            make_tiles(source, _pyramid(root, identifier))
        except ImageTilingError as error:
            problems.append((page.label, str(error)))
    _forget_others(root / record_key(record.id), kept)
    return problems


def _forget_others(directory: Path, kept: set[str]) -> None:
    """Remove a record's pyramids of images its pages no longer name (drafts, dot-named, belong to a tiling
    under way and are left to it)."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir() and not entry.name.startswith(".") and entry.name not in kept:
            shutil.rmtree(entry.path, ignore_errors=True)


def forget_record(record_id: str, root: Path) -> None:
    """Remove every pyramid of a deleted record, so its images are no longer served."""
    shutil.rmtree(root / record_key(record_id), ignore_errors=True)


def service_url(base_url: str, identifier: str) -> str:
    """The base URI of a local image's service: ``{base}/iiif/image/{identifier}`` (add ``/info.json``)."""
    return f"{base_url.rstrip('/')}/iiif/image/{identifier}"


class LocalImages:
    """The tiled local images of one data dir, as the web side sees them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def identifier(self, record: Record, page: Page) -> str | None:
        """The identifier of the page's image when it is a local file that has been tiled, else None."""
        if page.image is None or page.image.kind != "file":
            return None
        identifier = image_identifier(record.id, page.image.url)
        return identifier if (_pyramid(self.root, identifier) / "info.json").is_file() else None

    def service(self, record: Record, page: Page, base_url: str) -> LocalImageService | None:
        """The page's image service here (for the manifest and the viewer), or None."""
        identifier = self.identifier(record, page)
        info = self.info(identifier, "") if identifier else None
        if info is None:
            return None
        return LocalImageService(service_url(base_url, identifier), info["width"], info["height"])

    def info(self, identifier: str, service_id: str) -> dict[str, Any] | None:
        if not is_identifier(identifier):
            return None
        try:
            stored = json.loads((_pyramid(self.root, identifier) / "info.json").read_text())
        except (OSError, ValueError):
            return None
        return {"@context": stored.pop("@context"), "id": service_id, **stored}

    def file(self, identifier: str, request: str) -> Path | None:
        """The file answering ``{region}/{size}/{rotation}/{quality}.{format}``, or None (404: level 0 has
        only the listed sizes and tiles, in canonical form)."""
        if not is_identifier(identifier) or not _REQUEST.match(request):
            return None
        path = _pyramid(self.root, identifier) / request
        return path if path.is_file() else None
