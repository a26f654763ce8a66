"""Serialisers from the common model: JSON-LD (schema.org), MARCXML, Dublin Core, RIS, BibTeX and CSV.

    >>> from tongwen.model import Form, Record, Title
    >>> rec = Record("nlc", "1", titles=[Title([Form("红楼梦", "Hans", "chi")])], languages=["chi"])
    >>> print("".join(export_chunks("ris", [rec])), end="")
    TY  - GEN
    ID  - nlc:1
    TI  - 红楼梦
    LA  - chi
    ER  - 

`export_chunks(format, records)` streams: a head, one chunk per record, a tail, so an export of a million
records holds one record at a time. The same functions serve `tongwen export`, the API (/api/export/…)
and, for DC and MARCXML, the OAI-PMH and SRU endpoints. Formatted citations for people (APA, Chicago,
GB/T 7714, SIST 02) are in `tongwen.export.cite`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from tongwen.export.citations import bibtex_entry, ris_entry
from tongwen.export.dc import dc_element
from tongwen.export.jsonld import SCHEMA_CONTEXT, jsonld_dict
from tongwen.export.marcxml import MARC_NS, marcxml_bytes
from tongwen.export.table import CSV_COLUMNS, csv_line, csv_row
from tongwen.model import Record


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    head: str
    separator: str
    tail: str
    one: Callable[[Record, str], str]  # (record, base_url) -> text


def _jsonld(record: Record, base_url: str) -> str:
    return json.dumps(jsonld_dict(record, base_url=base_url, with_context=False), ensure_ascii=False, indent=1)


def _marcxml(record: Record, base_url: str) -> str:
    return marcxml_bytes(record).decode("utf-8")


def _dc(record: Record, base_url: str) -> str:
    return etree.tostring(dc_element(record), encoding="unicode")


_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
FORMATS: dict[str, ExportFormat] = {
    "jsonld": ExportFormat("jsonld", "application/ld+json", "jsonld",
                           f'{{"@context": "{SCHEMA_CONTEXT}", "@graph": [\n', ",\n", "\n]}\n", one=_jsonld),
    "marcxml": ExportFormat("marcxml", "application/marcxml+xml", "xml",
                            f'{_XML_DECLARATION}<collection xmlns="{MARC_NS}">\n', "\n", "\n</collection>\n",
                            one=_marcxml),
    # No standard wrapper holds several oai_dc records; a plain <records> element does.
    "dc": ExportFormat("dc", "application/xml", "xml", f"{_XML_DECLARATION}<records>\n", "\n", "\n</records>\n",
                       one=_dc),
    "ris": ExportFormat("ris", "application/x-research-info-systems", "ris", "", "\n", "",
                        one=lambda record, base: ris_entry(record)),
    "bibtex": ExportFormat("bibtex", "application/x-bibtex", "bib", "", "\n", "",
                           one=lambda record, base: bibtex_entry(record)),
    "csv": ExportFormat("csv", "text/csv", "csv", "\ufeff" + csv_line(CSV_COLUMNS), "", "",
                        one=lambda record, base: csv_line(csv_row(record))),
}
# The byte-order mark lets Excel open the UTF-8 CSV with CJK text intact; csv readers given
# encoding="utf-8-sig" skip it.


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}; choose one of: {', '.join(FORMATS)}") from None


def export_chunks(format: str | ExportFormat, records: Iterable[Record], *, base_url: str = "") -> Iterator[str]:
    """The export as text chunks: head, records (with separators), tail."""
    fmt = get_format(format) if isinstance(format, str) else format
    yield fmt.head
    for number, record in enumerate(records):
        if number:
            yield fmt.separator
        yield fmt.one(record, base_url)
    yield fmt.tail


def export_record(format: str, record: Record, *, base_url: str = "") -> str:
    """One record alone (for single-record formats the record; for collections a collection of one)."""
    return "".join(export_chunks(format, [record], base_url=base_url))


__all__ = ["FORMATS", "ExportFormat", "export_chunks", "export_record", "get_format"]
