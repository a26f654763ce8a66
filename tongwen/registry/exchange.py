"""Exports of the registry (JSON: everything in one document; CSV: one table per kind of fact) and imports
of both, with validation messages that name the line and column (CSV) or the fact and field (JSON).

CSV cells: one column per field (see `csv_columns`); empty = not known. List cells use a short form or,
when a value cannot be written that way (it contains ``|``, a citation has a quote), a JSON array:

- lists of words (``roles``, ``outcomes``, ``member_countries``): ``BN|KH|ID``
- ``parties``: ``CODE[:role][=people]``, e.g. ``NLK:host|NLC:sender=1``
- ``names``: ``lang[-Script]:text``, e.g. ``kor-Hang:국립중앙도서관|kor-Hani:國立中央圖書館``
- ``sources``: source ids ``cdnlao-82|ndl-links``, or ``[{"source": "cdnlao-82", "quote": "..."}]``
- ``aggregate``: ``true`` / ``false``

Rows are imported in file order, so a row may refer to facts of earlier rows; a bad row is reported and
skipped, the others are saved.

    >>> parse_parties("NLK:host|NLC:sender=1")
    [Party(code='NLK', role='host', participants=None), Party(code='NLC', role='sender', participants=1)]
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from tongwen.model import Form
from tongwen.registry.auth import User, require_role
from tongwen.registry.database import PLURAL, Registry, RegistryData
from tongwen.registry.model import (
    ENTITY_BY_NAME,
    ENTITY_TYPES,
    Citation,
    Party,
    entity_key,
    from_dict,
    to_dict,
)
from tongwen.registry.schema import SCHEMA_VERSION
from tongwen.registry.validation import ValidationError

JSON_FORMAT = "tongwen-registry"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    where: str  # "activities.csv line 4" / "activity nlc-ndl-1981"
    column: str | None
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}, column '{self.column}': {self.message}"
            if self.column
            else f"{self.where}: {self.message}"
        )


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({p.where for p in self.problems})

    def count(self, action: str) -> None:
        setattr(self, action, getattr(self, action) + 1)


# ---- JSON ----------------------------------------------------------------------------------------------------


def export_json(data: RegistryData) -> dict[str, Any]:
    """Every fact as one JSON-ready document (deterministic: ordered by kind, then key)."""
    document: dict[str, Any] = {"format": JSON_FORMAT, "schema_version": SCHEMA_VERSION}
    for cls in ENTITY_TYPES:
        document[PLURAL[cls.entity]] = [to_dict(f) for f in dependency_order(data.of(cls))]
    return document


def import_json(registry: Registry, user: User, document: dict[str, Any]) -> ImportReport:
    """Load an `export_json` document: every fact created or updated, bad facts reported and skipped."""
    require_role(user, "editor", "import registry facts")
    if document.get("format") != JSON_FORMAT:
        raise ValueError(f"not a Tongwen registry export (its 'format' is {document.get('format')!r})")
    report = ImportReport()
    with registry.transaction():
        for cls in ENTITY_TYPES:
            for index, entry in enumerate(document.get(PLURAL[cls.entity], []), start=1):
                where = f"{cls.entity} {entry.get(cls.key_field, f'#{index}')}"
                try:
                    report.count(registry.save(user, from_dict(cls, entry)))
                except ValidationError as exc:
                    report.problems.extend(ImportProblem(where, p.field, p.message) for p in exc.problems)
                except (TypeError, ValueError) as exc:
                    report.problems.append(ImportProblem(where, None, str(exc)))
    return report


# ---- CSV -----------------------------------------------------------------------------------------------------


def csv_columns(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def export_csv(data: RegistryData, entity: str) -> str:
    """One kind of fact (``"activity"``...) as CSV text with a header row."""
    cls = ENTITY_BY_NAME[entity]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(cls))
    for fact in dependency_order(data.of(cls)):
        writer.writerow([_format_cell(getattr(fact, name)) for name in csv_columns(cls)])
    return out.getvalue()


def export_csv_dir(data: RegistryData, directory: Path) -> list[Path]:
    """Write ``sources.csv``, ``institutions.csv``... into ``directory``; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for cls in ENTITY_TYPES:
        path = directory / f"{PLURAL[cls.entity]}.csv"
        path.write_text(export_csv(data, cls.entity), encoding="utf-8")
        paths.append(path)
    return paths


def dependency_order(facts: list) -> list:
    """Facts ordered by key, except that a fact another one refers to within the same kind (an aggregate
    activity and its ``part_of`` events, a parent programme or organisation) comes first, so that importing
    the rows in order always finds what they refer to."""
    by_key = {entity_key(f): f for f in facts}
    ordered: dict[str, Any] = {}

    def visit(fact: Any, seen: frozenset[str]) -> None:
        key = entity_key(fact)
        if key in ordered or key in seen:
            return
        target = by_key.get(getattr(fact, "part_of", None) or getattr(fact, "parent", None) or "")
        if target is not None:
            visit(target, seen | {key})
        ordered[key] = fact

    for key in sorted(by_key):
        visit(by_key[key], frozenset())
    return list(ordered.values())


def entity_for_file(path: Path) -> str:
    """``activities.csv`` -> ``"activity"``; ValueError when the name says no kind."""
    stem = path.stem.lower()
    for entity, plural in PLURAL.items():
        if stem in (entity, plural):
            return entity
    raise ValueError(
        f"{path.name}: cannot tell which kind of fact it holds; name it like "
        f"{', '.join(p + '.csv' for p in PLURAL.values())} or give the kind"
    )


def import_csv(
    registry: Registry, user: User, stream: IO[str], entity: str, label: str = "CSV"
) -> ImportReport:
    """Import one kind of fact from CSV rows (header = field names, see `csv_columns`).

    Every problem names the line and column. A header with unknown or missing required columns is refused
    as a whole (nothing imported); bad rows are skipped and the good rows saved.
    """
    require_role(user, "editor", "import registry facts")
    cls = ENTITY_BY_NAME[entity]
    report = ImportReport()
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        report.problems.append(
            ImportProblem(f"{label} line 1", None, "the file is empty; expected a header row")
        )
        return report
    header = [h.strip() for h in header]
    known = csv_columns(cls)
    required = [f.name for f in fields(cls) if _required(f)]
    for column in header:
        if column not in known:
            report.problems.append(
                ImportProblem(
                    f"{label} line 1", column, f"unknown column for {entity} facts; known: {', '.join(known)}"
                )
            )
    for column in required:
        if column not in header:
            report.problems.append(ImportProblem(f"{label} line 1", column, "required column is missing"))
    if report.problems:
        return report
    with registry.transaction():
        line = reader.line_num + 1
        for row in reader:
            where = f"{label} line {line}"
            line = reader.line_num + 1  # the next row starts after this one (rows may span lines)
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                report.problems.append(
                    ImportProblem(where, None, f"{len(row)} cells, the header has {len(header)}")
                )
                continue
            values: dict[str, Any] = {}
            row_problems = []
            for column, cell in zip(header, row, strict=True):
                try:
                    values[column] = _parse_cell(cls, column, cell)
                except ValueError as exc:
                    row_problems.append(ImportProblem(where, column, str(exc)))
                    continue
                if values[column] is None and column in required:
                    row_problems.append(ImportProblem(where, column, "required; the cell may not be empty"))
            if row_problems:
                report.problems.extend(row_problems)
                continue
            try:
                # An empty cell means "not known"; fields with a default ("held", "exact"...) take it.
                defaults = {f.name for f in fields(cls) if f.default not in (None, MISSING)}
                fact = from_dict(cls, {k: v for k, v in values.items() if v is not None or k not in defaults})
                report.count(registry.save(user, fact))
            except ValidationError as exc:
                report.problems.extend(
                    ImportProblem(where, _column_of(p.field), p.message) for p in exc.problems
                )
            except (TypeError, ValueError) as exc:
                report.problems.append(ImportProblem(where, None, str(exc)))
    return report


def _required(f: Any) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _column_of(field_name: str | None) -> str | None:
    """``parties[1]`` -> ``parties``: the CSV column a validation problem is about."""
    return field_name.split("[", 1)[0] if field_name else None


# ---- cells ---------------------------------------------------------------------------------------------------

_PARTY = re.compile(r"^(?P<code>[^:=]+?)(?::(?P<role>[a-z_]+))?(?:=(?P<n>\d+))?$")
_NAME = re.compile(r"^(?P<lang>[a-z]{3})(?:-(?P<script>[A-Z][a-z]{3}))?:(?P<text>.+)$", re.DOTALL)


def parse_parties(cell: str) -> list[Party]:
    """``NLK:host|NLC:sender=1`` -> parties (role defaults to "party")."""
    parties = []
    for item in _split(cell):
        match = _PARTY.match(item)
        if not match:
            raise ValueError(f"{item!r} is not CODE[:role][=people]")
        n = match["n"]
        parties.append(Party(match["code"], match["role"] or "party", int(n) if n is not None else None))
    return parties


def _format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, list):
        return str(value)
    if not value:
        return ""
    plain = [_plain_item(v) for v in value]
    if all(p is not None and "|" not in p for p in plain):
        return "|".join(plain)  # type: ignore[arg-type]
    return json.dumps([v if isinstance(v, str) else _item_dict(v) for v in value], ensure_ascii=False)


def _item_dict(item: Any) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in fields(item)}


def _plain_item(item: Any) -> str | None:
    """The short form of one list item, None when it has none (a citation with a quote)."""
    if isinstance(item, str):
        return item
    if isinstance(item, Party):
        text = item.code + (f":{item.role}" if item.role != "party" else "")
        return text + (f"={item.participants}" if item.participants is not None else "")
    if isinstance(item, Form):
        if not item.lang:
            return None
        return f"{item.lang}{'-' + item.script if item.script else ''}:{item.text}"
    if isinstance(item, Citation):
        return None if item.quote else item.source
    return None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _parse_cell(cls: type, column: str, cell: str) -> Any:
    """A CSV cell as the field's value; ValueError with a message for the editor."""
    f = next(f for f in fields(cls) if f.name == column)
    text = cell.strip()
    if f.type.startswith("list"):
        if not text:
            return []
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"starts with '[' but is not a JSON array: {exc.msg}") from exc
            if not isinstance(items, list):
                raise ValueError("expected a JSON array")
            return items
        if column == "parties":
            return parse_parties(text)
        if column == "names":
            return [_parse_name(item) for item in _split(text)]
        if column == "sources":
            return [Citation(item) for item in _split(text)]
        return _split(text)
    if not text:
        return None
    if f.type == "bool":
        if text.lower() not in ("true", "false", "yes", "no", "1", "0"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() in ("true", "yes", "1")
    if f.type.startswith("int"):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    return text


def _parse_name(item: str) -> Form:
    match = _NAME.match(item)
    if not match:
        raise ValueError(f"{item!r} is not lang[-Script]:text (e.g. kor-Hang:국립중앙도서관)")
    return Form(match["text"], match["script"], match["lang"])
