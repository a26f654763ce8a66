"""Input formats: every reader module's `FORMAT`, by name, and `detect_format` to tell which one a file is.

>>> sorted(FORMATS)
['alto', 'csv', 'dc', 'hocr', 'iiif', 'kanripo', 'marc', 'marcjson', 'marcxml', 'mods', 'tei', 'text']
>>> detect_format("books.mrc").name  # doctest: +SKIP
'marc'
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from tongwen.ingest import alto, csv_table, dc, hocr, iiif, kanripo, marc, marcjson, marcxml, mods, plaintext, tei
from tongwen.ingest.base import Format

# Order matters for detection: the most specific signatures first (binary MARC's leader, MARC in JSON),
# then the XML dialects (MARCXML before MODS before Dublin Core, as an OAI page may mention several),
# then the page-bearing formats (ALTO, TEI, the Kanseki Repository's header line, plain text with form
# feeds), and CSV, which is recognised mostly by its file name, last.
FORMATS: dict[str, Format] = {
    module.FORMAT.name: module.FORMAT
    for module in (marc, marcjson, iiif, marcxml, mods, dc, alto, tei, hocr, kanripo, plaintext, csv_table)
}

SNIFF_BYTES = 65_536  # enough to get past an XML prolog, comments and an OAI-PMH header


class FormatNotRecognised(ValueError):
    """No reader recognises the file (or the format asked for does not exist)."""


def detect_format(path: str | PathLike[str]) -> Format:
    """The format of the file at `path`, from its first bytes and its name; raises `FormatNotRecognised`."""
    path = Path(path)
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    for fmt in FORMATS.values():
        if fmt.sniff(head, path.name):
            return fmt
    known = "\n".join(f"  {fmt.name:9} {fmt.description}" for fmt in FORMATS.values())
    start = head[:40].decode("utf-8", "replace").replace("\n", " ") if head else "(the file is empty)"
    raise FormatNotRecognised(
        f"cannot tell the format of {path.name} (it starts: {start!r}); "
        f"name it with --format, one of:\n{known}"
    )


__all__ = ["FORMATS", "FormatNotRecognised", "SNIFF_BYTES", "detect_format"]
