"""CSV / TSV reader and mapper with a declared (or guessed) column mapping.

Options (``read(stream, label, options)``, the same dict as ``MapContext.options``):

- ``columns``: ``{model key: column header}`` (a list of headers where several columns feed one key);
  keys are `MODEL_KEYS`. Without it the mapping is guessed from the headers (`guess_columns`) and reported
  as a diagnostic on the first record.
- ``delimiter`` (default: tab for ``.tsv``/``.tab`` files, else whichever of ``,`` ``\\t`` ``;`` the header
  line uses most), ``encoding`` (default: detected, see `detect_encoding`; a file whose encoding is uncertain
  is refused, never stored as mojibake), ``language`` of the text (``zh-Hans``, ``zh-Hant``, ``ja``, ``ko``;
  default: the importing institution's, `INSTITUTION_LANGUAGES`), which decides between plausible encodings,
  ``separator`` between several
  values inside one cell (default ``|``), ``comment_prefix`` (default ``#``; rows starting with it before the
  header are header candidates, after it comments), ``header_row`` (1-based row number of the header, when
  the guess is wrong), ``missing_id``: ``"error"`` (default) or ``"line"`` (use ``line-N`` as the id, for
  files such as new-item imports that have no ids yet).

Rows stream through `csv.reader` one at a time. A row whose id is empty, whose cell count differs from the
header's, or that holds bytes the encoding cannot decode becomes a `RawRecord` with an ``error`` naming the
line and column; the rest of the file goes on.

    >>> data = "ID,Title,Author,Language\\n 001 ,源氏物語,紫式部,jpn\\n".encode("utf-8")
    >>> raw = next(read(io.BytesIO(data), "demo.csv", {}))
    >>> record, diagnostics = map(raw, MapContext(source="demo"))
    >>> record.local_id, record.titles[0].text, record.agents[0].name, record.languages
    ('001', '源氏物語', '紫式部', ['jpn'])
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tongwen.ingest import common_rules as rules
from tongwen.ingest.base import FIELD_LIMIT, Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.model import Agent, Form, Link, Provenance, Publication, PublicationForm, Record, Subject, Title

csv.field_size_limit(FIELD_LIMIT)  # the csv module's own limit (128 KB by default) made the shared one

MODEL_KEYS = (
    "id", "title", "title_reading", "title_romanized", "title_variant", "creator", "creator_romanized",
    "contributor", "publisher", "place", "date", "language", "isbn", "issn", "identifier", "subject", "genre",
    "type", "extent", "notes", "url", "iiif_manifest", "thumbnail", "rights", "license", "institution",
)
OPTION_KEYS = ("columns", "delimiter", "encoding", "language", "separator", "comment_prefix", "header_row",
               "missing_id", "institution")
_SINGLE_VALUED = {"id", "title", "title_reading", "title_romanized", "date", "extent", "rights", "license",
                  "institution", "place", "publisher"}

# Common header names, best first, compared case-insensitively without spaces/underscores/leading '#'.
HEADER_GUESSES: dict[str, tuple[str, ...]] = {
    "id": ("id", "record id", "bib id", "item id", "book id", "作品id", "書誌id", "資料id", "书目id", "제어번호",
           "doulist id", "ncid", "jpno", "identifier"),
    "title": ("title", "書名", "タイトル", "作品名", "題名", "题名", "标题", "書名・タイトル", "서명", "제목", "표제",
              "tên sách", "doulist name", "name"),
    "title_reading": ("title reading", "書名よみ", "書名ヨミ", "タイトルよみ", "タイトルヨミ", "作品名読み", "読み", "서명 한글"),
    "title_romanized": ("title romanized", "romanized title", "title romaji", "作品名ローマ字", "ローマ字"),
    "title_variant": ("title variant", "alternative title", "別書名", "並列タイトル", "副书名"),
    "creator": ("creator", "author", "authors", "著者", "著者名", "作者", "责任者", "著作者", "저자", "tác giả"),
    "creator_romanized": ("creator romanized", "author romanized", "著者名ローマ字"),
    "contributor": ("contributor", "translator", "翻訳者名等", "訳者", "译者", "역자", "dịch giả"),
    "publisher": ("publisher", "出版社", "出版者", "出版社名", "出版社名等", "발행자", "출판사", "nhà xuất bản",
                  "manufacturer"),
    "place": ("place", "publication place", "出版地", "발행지"),
    "date": ("date", "year", "pubdate", "publication date", "出版年", "出版年月", "出版日", "発行年", "발행년",
             "năm xuất bản", "year1"),
    "language": ("language", "lang", "言語", "语种", "언어"),
    "isbn": ("isbn",),
    "issn": ("issn",),
    "subject": ("subject", "subjects", "件名", "主题词", "주제어", "keywords", "tags"),
    "genre": ("genre", "category", "catagory", "ジャンル", "类别", "분류"),
    "type": ("type", "material type", "資料種別", "资料类型"),
    "extent": ("extent", "pages", "ページ数", "页数", "페이지"),
    "notes": ("notes", "note", "description", "注記", "備考", "内容", "附注"),
    "url": ("url", "link", "landing page", "uri"),
    "iiif_manifest": ("iiif manifest", "manifest", "iiif"),
    "thumbnail": ("thumbnail", "cover link", "cover", "表紙", "img"),
    "rights": ("rights", "権利", "版权"),
    "license": ("license", "licence", "ライセンス"),
    "institution": ("institution", "holding library", "所蔵館"),
}

_DELIMITERS = (",", "\t", ";")


# ====================================================================== mapping files and options


def load_column_mapping(path: str | Path) -> dict[str, Any]:
    """Read a mapping file: a ``[columns]`` table (model key = header, or a list of headers) and an optional
    ``[options]`` table. Returns the options dict `read` takes.

    ```toml
    [columns]
    id = "作品ID"
    title = "作品名"
    creator = ["著者名"]
    [options]
    separator = ";"
    ```
    """
    with open(path, "rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML ({exc})") from exc
    if not isinstance(data.get("columns"), dict):
        raise ValueError(f"{path}: a [columns] table mapping model keys to column headers is required")
    options = dict(data.get("options", {}))
    options["columns"] = dict(data["columns"])
    _check_options(options, str(path))
    return options


def _check_options(options: dict[str, Any], where: str) -> None:
    unknown = sorted(set(options) - set(OPTION_KEYS))
    if unknown:
        raise ValueError(f"{where}: unknown option(s) {unknown}; known: {list(OPTION_KEYS)}")
    columns = options.get("columns") or {}
    bad = sorted(set(columns) - set(MODEL_KEYS))
    if bad:
        raise ValueError(f"{where}: unknown model key(s) {bad} in columns; known: {list(MODEL_KEYS)}")
    for key, header in columns.items():
        if not (isinstance(header, str) or (isinstance(header, list) and all(isinstance(h, str) for h in header))):
            raise ValueError(f"{where}: columns.{key} must be a header name or a list of header names")
    if options.get("missing_id", "error") not in ("error", "line"):
        raise ValueError(f"{where}: missing_id must be 'error' or 'line'")


# ====================================================================== encodings


class _Prepended(io.RawIOBase):
    """A raw stream that first returns bytes already read (the sniffed head), then the rest of `stream`."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class UncertainEncoding(ValueError):
    """The bytes read plausibly in several encodings (or none): refused rather than stored as mojibake."""


# The institution's language decides between encodings that all read plausibly: short GBK text is also valid
# Big5, EUC-JP and cp949, and Shift_JIS without kana also reads as cp949 Hangul.
INSTITUTION_LANGUAGES = {"NLC": "zh-Hans", "NCL": "zh-Hant", "NDL": "ja", "NIJL": "ja", "NLK": "ko"}
_LANGUAGE_ENCODINGS = {
    "zh-Hans": ("gb18030",), "zh": ("gb18030", "big5"), "zh-Hant": ("big5", "gb18030"),
    "ja": ("cp932", "euc_jp"), "ko": ("cp949",),
}
_ENOUGH_TO_WEIGH = 400  # non-ASCII bytes; below that charset-normalizer's statistics among CJK codecs are noise
_CJK_ENCODINGS = ("gb18030", "big5", "cp932", "euc_jp", "cp949")
_ENCODING_NAMES = {"gb18030": "GBK/GB18030", "big5": "Big5", "cp932": "Shift_JIS (cp932)", "euc_jp": "EUC-JP",
                   "cp949": "EUC-KR (cp949)"}
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = re.compile(r"[\u3041-\u30ff]")
_PLAUSIBLE = {  # what the non-ASCII text of a catalogue in that encoding consists of
    "gb18030": re.compile(rf"[{_HAN}\u3000-\u303f\uff01-\uff5e\u00b7\u2014\u2018-\u201d\u2026]"),
    "big5": re.compile(rf"[{_HAN}\u3000-\u303f\uff01-\uff5e\u2014\u2018-\u201d\u2026]"),
    "cp932": re.compile(rf"[{_HAN}\u3000-\u30ff\uff01-\uff5e]"),
    "euc_jp": re.compile(rf"[{_HAN}\u3000-\u30ff\uff01-\uff5e]"),
    "cp949": re.compile(rf"[{_HAN}\uac00-\ud7a3\u3000-\u303f\uff01-\uff5e\u00b7]"),
}


def _decodes(head: bytes, codec: str) -> str | None:
    try:  # incremental, not final: a head cut in the middle of a character still decodes
        return codecs.getincrementaldecoder(codec)("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return None


def _plausible_cjk(head: bytes) -> list[str]:
    """The CJK encodings in which every non-ASCII character of `head` is one a catalogue of that language
    uses (ideographs, kana, hangul, full-width punctuation): no half-width katakana, no private use."""
    found = []
    for codec in _CJK_ENCODINGS:
        text = _decodes(head, codec)
        if text is None:
            continue
        wide = [c for c in text if ord(c) > 127]
        if wide and all(_PLAUSIBLE[codec].match(c) for c in wide):
            found.append(codec)
    return found


def detect_encoding(head: bytes, language: str | None = None) -> tuple[str, str]:
    """(codec, how it was chosen) for the first bytes of a table; raises `UncertainEncoding` when unsure.

    BOMs first; then strict UTF-8; then the CJK encodings by trial decode, keeping those whose text is all
    ideographs, kana, hangul and full-width punctuation. Kana settles Japanese (real Japanese text always
    has it, and GBK or EUC-KR bytes never decode to it under EUC-JP); else one plausible encoding is taken,
    and between several the `language` (declared, or the institution's: NLC → GBK/GB18030 first, NDL →
    Shift_JIS first) decides, or charset-normalizer among them when the sample is long enough for its
    statistics. Otherwise the file is refused naming the candidates — charset-normalizer alone reads short
    GBK as mac_latin2 and Shift_JIS without kana as cp949. Other scripts (Thai TIS-620,
    Vietnamese windows-1258…) go to charset-normalizer.

    >>> detect_encoding("書名,著者\\nげんじ".encode("cp932"))
    ('cp932', 'Shift_JIS (cp932) by trial decode: kana')
    >>> detect_encoding("书名,作者\\n红楼梦,曹雪芹".encode("gbk"), "zh-Hans")
    ('gb18030', 'GBK/GB18030 by trial decode, chosen for language zh-Hans among GBK/GB18030, EUC-JP, EUC-KR (cp949)')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 byte order mark"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 byte order mark"
    if _decodes(head, "utf-8") is not None:
        return "utf-8", "valid UTF-8"
    candidates = _plausible_cjk(head)
    japanese = [c for c in candidates if c in ("euc_jp", "cp932") and _KANA.search(_decodes(head, c) or "")]
    if japanese:
        return japanese[0], f"{_ENCODING_NAMES[japanese[0]]} by trial decode: kana"
    if len(candidates) == 1:
        return candidates[0], f"{_ENCODING_NAMES[candidates[0]]} by trial decode (the only plausible one)"
    names = ", ".join(_ENCODING_NAMES[c] for c in candidates)
    if candidates:
        preferred = _LANGUAGE_ENCODINGS.get(language or "", ()) or _LANGUAGE_ENCODINGS.get((language or "")[:2], ())
        chosen = next((c for c in preferred if c in candidates), None)
        if chosen:
            return chosen, f"{_ENCODING_NAMES[chosen]} by trial decode, chosen for language {language} among {names}"
        if sum(b > 127 for b in head) >= _ENOUGH_TO_WEIGH:
            from charset_normalizer import from_bytes  # imported here: only non-UTF-8 files need it

            best = from_bytes(head, cp_isolation=candidates).best()
            if best is not None:
                return best.encoding, f"{best.encoding} by charset-normalizer among {names}"
        raise UncertainEncoding(
            f"the encoding is not certain: the text reads plausibly as {names}. Say which with "
            "--encoding (e.g. --encoding gb18030) or encoding = \"…\" in the column mapping's [options], "
            "or give --institution so its language decides"
        )
    from charset_normalizer import (
        from_bytes,  # imported here: only files that are not UTF-8 or CJK need it
    )

    best = from_bytes(head).best()
    if best is not None:
        return best.encoding, f"{best.encoding} guessed by charset-normalizer"
    raise UncertainEncoding(
        "the encoding could not be recognised (not UTF-8, no CJK encoding reads it); say which with --encoding"
    )


# ====================================================================== reading


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lstrip("#").strip().casefold()).strip()


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Model key -> header, from common header names (English, Japanese, Chinese, Korean, Vietnamese).

    >>> guess_columns(["人物ID", "著者名", "作品ID", "作品名"])
    {'id': '作品ID', 'title': '作品名', 'creator': '著者名'}
    """
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(_norm_header(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for key, names in HEADER_GUESSES.items():
        for name in names:
            header = by_norm.get(_norm_header(name))
            if header is not None and header not in used:
                mapping[key] = header
                used.add(header)
                break
    return mapping


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """Stream the rows of a CSV/TSV file as `RawRecord`s whose payload is ``{model key: [cell, ...]}``.
    Raises `ValueError` before the first record when the options or the header are unusable."""
    options = dict(options or {})
    _check_options(options, label)
    head = stream.read(65536)
    if options.get("encoding"):
        encoding, how = options["encoding"], "declared"
    else:
        language = options.get("language") or INSTITUTION_LANGUAGES.get((options.get("institution") or "").upper())
        try:
            encoding, how = detect_encoding(head, language)
        except UncertainEncoding as exc:
            raise UncertainEncoding(f"{label}: {exc}") from None
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ValueError(f"{label}: unknown encoding {encoding!r}") from exc
    text = io.TextIOWrapper(
        io.BufferedReader(_Prepended(head, stream)), encoding=encoding, errors="surrogateescape", newline=""
    )
    delimiter = options.get("delimiter") or _guess_delimiter(head, encoding, label)
    rows = csv.reader(text, delimiter=delimiter)
    comment = options.get("comment_prefix", "#")
    header, header_line, pending = _find_header(rows, options, comment, label)
    mapping, guessed = _resolve_columns(header, options, label)
    indexes = {key: [header.index(h) for h in ([v] if isinstance(v, str) else v)] for key, v in mapping.items()}
    first_note = _describe(mapping, guessed, encoding, how, delimiter, header_line)
    line = header_line
    for row, row_line in _rows_after(rows, pending):
        line = row_line
        if not any(cell.strip() for cell in row) or (comment and row and row[0].startswith(comment)):
            continue
        raw = _row_record(row, line, header, indexes, options, label, encoding)
        if first_note:
            raw.diagnostics.insert(0, Diagnostic(first_note, None, "info"))
            first_note = None
        yield raw


def _guess_delimiter(head: bytes, encoding: str, label: str) -> str:
    if label.lower().endswith((".tsv", ".tab")):
        return "\t"
    first_line = head.decode(encoding if encoding != "utf-16" else "utf-8", "replace").splitlines()[:1]
    line = first_line[0] if first_line else ""
    return max(_DELIMITERS, key=line.count)


def _rows_after(rows, pending: list[tuple[list[str], int]]) -> Iterator[tuple[list[str], int]]:
    """Rows (with the line they start on) after the header, including ones read ahead while finding it.
    A csv.Error (a runaway quoted cell, a field over the size limit) becomes an error row, not a crash."""
    yield from pending
    previous_end = rows.line_num
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield [f"\x00csv-error:{exc}"], previous_end + 1
            previous_end = rows.line_num
            continue
        yield row, previous_end + 1
        previous_end = rows.line_num


def _find_header(rows, options: dict[str, Any], comment: str | None, label: str):
    """The header row: ``header_row`` if given; else, among the leading comment rows (WEKO writes five
    ``#`` header rows) and the first other row, the one naming most mapped/guessable columns."""
    candidates: list[tuple[list[str], int]] = []
    previous_end = 0
    for row in rows:
        start = previous_end + 1
        previous_end = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        candidates.append((row, start))
        wanted = options.get("header_row")
        if wanted and start >= int(wanted):
            return _strip_header(row), start, []
        if not wanted and not (comment and row[0].startswith(comment)):
            break
        if len(candidates) > 50:
            break
    if not candidates:
        raise ValueError(f"{label}: the file has no header row")
    declared = options.get("columns") or {}
    wanted_headers = {_norm_header(h) for v in declared.values() for h in ([v] if isinstance(v, str) else v)}

    def score(row: list[str]) -> int:
        names = {_norm_header(cell) for cell in row}
        return len(wanted_headers & names) if wanted_headers else len(guess_columns(_strip_header(row)))

    best = max(range(len(candidates)), key=lambda i: (score(candidates[i][0]), -i))
    last = candidates[-1]
    is_comment_block = comment and candidates[best][0][0].startswith(comment)
    pending = [last] if is_comment_block and not last[0][0].startswith(comment) else []
    return _strip_header(candidates[best][0]), candidates[best][1], pending


def _strip_header(row: list[str]) -> list[str]:
    return [cell.strip().lstrip("#").strip() if i == 0 else cell.strip() for i, cell in enumerate(row)]


def _resolve_columns(header: list[str], options: dict[str, Any], label: str) -> tuple[dict[str, Any], bool]:
    declared = options.get("columns")
    if declared:
        available = {h: h for h in header} | {_norm_header(h): h for h in header}
        mapping: dict[str, Any] = {}
        for key, value in declared.items():
            names = [value] if isinstance(value, str) else value
            found = []
            for name in names:
                actual = available.get(name) or available.get(_norm_header(name))
                if actual is None:
                    raise ValueError(
                        f"{label}: column {name!r} (for {key}) is not in the header; headers are "
                        f"{header[:30]}{' …' if len(header) > 30 else ''}"
                    )
                found.append(actual)
            mapping[key] = found if isinstance(value, list) else found[0]
        guessed = False
    else:
        mapping, guessed = guess_columns(header), True
    if "id" not in mapping and options.get("missing_id", "error") != "line":
        raise ValueError(
            f"{label}: no id column (found headers {header[:30]}); declare columns.id or set missing_id='line'"
        )
    if "title" not in mapping:
        raise ValueError(f"{label}: no title column (found headers {header[:30]}); declare columns.title")
    return mapping, guessed


def _describe(mapping, guessed, encoding, how, delimiter, header_line) -> str:
    pairs = ", ".join(f"{key}={value!r}" for key, value in mapping.items())
    source = "guessed from the headers" if guessed else "as declared"
    return (f"columns {source}: {pairs}; header on line {header_line}; encoding {encoding} ({how}); "
            f"delimiter {delimiter!r}")


def _row_record(row, line, header, indexes, options, label, encoding) -> RawRecord:
    position = f"{label} line {line}"
    original = _as_csv_line(row)
    if row and row[0].startswith("\x00csv-error:"):
        problem = row[0].split(":", 1)[1]
        if "field larger than field limit" in problem:
            return RawRecord(position, error=f"{position}: a cell is over the per-field limit of {FIELD_LIMIT:,} "
                                             "characters; record not imported")
        return RawRecord(position, error=f"{position}: unreadable CSV ({problem})")
    diagnostics: list[Diagnostic] = []
    if len(row) > len(header) and not any(cell.strip() for cell in row[len(header):]):
        diagnostics.append(Diagnostic(f"{len(row) - len(header)} empty cell(s) after the last column dropped"))
        row = row[: len(header)]
    if len(row) != len(header):
        where = (f"column {header[len(row)]!r} and after are missing" if len(row) < len(header)
                 else f"{len(row) - len(header)} cell(s) after column {header[-1]!r} have no header")
        return RawRecord(position, original=original,
                         error=f"{position}: {len(row)} cells where the header has {len(header)} ({where})")
    for index, cell in enumerate(row):
        if any("\udc80" <= ch <= "\udcff" for ch in cell):
            return RawRecord(position, original=original.encode("utf-8", "replace").decode("utf-8"),
                             error=f"{position}, column {header[index]!r}: bytes that are not valid {encoding}")
    payload = {key: [row[i] for i in idx if row[i].strip()] for key, idx in indexes.items()}
    local_id = rules.clean_text(payload.get("id", [""])[0] if payload.get("id") else "")
    if not local_id:
        if options.get("missing_id", "error") == "line":
            local_id = f"line-{line}"
            diagnostics.append(Diagnostic(f"no id; using {local_id!r}", "column id"))
        else:
            column = header[indexes["id"][0]] if "id" in indexes else "id"
            return RawRecord(position, original=original, error=f"{position}, column {column!r}: the id is empty")
    return RawRecord(position, payload=payload, original=original, local_id=local_id, diagnostics=diagnostics)


def _as_csv_line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue().encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# ====================================================================== mapping


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:  # noqa: A001 - the Format seam's name
    """Map one row (payload ``{model key: [cells]}``) to a `Record`."""
    if raw.error:
        raise RecordRejected(raw.error)
    cells: dict[str, list[str]] = raw.payload or {}
    separator = ctx.options.get("separator", "|")
    diagnostics = list(raw.diagnostics)

    def values(key: str) -> list[str]:
        found: list[str] = []
        for cell in cells.get(key, []):
            parts = [cell] if key in _SINGLE_VALUED or not separator else cell.split(separator)
            found.extend(v for p in parts if (v := rules.clean_text(p)) and v not in found)
        return found

    def first(key: str) -> str | None:
        found = values(key)
        return found[0] if found else None

    record = Record(source=ctx.source, local_id=raw.local_id or "", institution=first("institution") or ctx.institution)
    record.provenance = Provenance(ctx.source, "csv", position=raw.position, original=raw.original)
    record.languages = []
    for value in values("language"):
        record.languages.extend(c for c in rules.normalize_languages(value) if c not in record.languages)
        for unknown in rules.unknown_languages(value):
            diagnostics.append(Diagnostic(f"unknown language {unknown!r} dropped", "column language"))
    main_lang = record.languages[0] if record.languages else None
    record.titles = titles_from_row(first("title"), first("title_reading"), first("title_romanized"),
                                    values("title_variant"), main_lang)
    if not record.titles:
        raise RecordRejected("the title is empty", "column title")
    record.agents = agents_from_row(values("creator"), values("creator_romanized"), values("contributor"), main_lang)
    place, publisher, date = first("place"), first("publisher"), first("date")
    if place or publisher or date:
        script = rules.text_script(" ".join(filter(None, (place, publisher)))) if place or publisher else None
        record.publications = [Publication([PublicationForm(place, publisher, date, script)])]
    record.date_display = date
    if date:
        found = rules.year_range(date, country=record.institution, lang=main_lang)
        if found:
            record.year_from, record.year_to = found.year_from, found.year_to
        else:
            diagnostics.append(Diagnostic(f"no year found in {date!r}", "column date"))
    record.identifiers = identifiers_from_row(values("isbn"), values("issn"), values("identifier"), diagnostics)
    record.subjects = [Subject(term, None, "topic", rules.text_script(term)) for term in values("subject")]
    record.genres = values("genre")
    for value in values("type"):
        mapped = rules.content_type_from(value)
        if mapped and not record.content_type:
            record.content_type = mapped
        elif not mapped and value not in record.genres:
            record.genres.append(value)
    record.extent = first("extent")
    record.notes = values("notes")
    record.links = [Link(u, "landing") for u in values("url")] + [
        Link(u, "iiif_manifest") for u in values("iiif_manifest")] + [Link(u, "thumbnail") for u in values("thumbnail")]
    record.rights, record.license = first("rights"), first("license")
    return record, diagnostics


def titles_from_row(title: str | None, reading: str | None, romanized: str | None, variants: list[str],
                    main_lang: str | None) -> list[Title]:
    """Main title with its reading (kana/hangul) and romanized forms; variants as separate titles."""
    if not title:
        return []
    script = rules.text_script(title)
    forms = [Form(title, script, rules.form_language(script, main_lang))]
    if reading and reading != title:
        reading_script = rules.text_script(reading)
        forms.append(Form(reading, reading_script, rules.form_language(reading_script, main_lang)))
    if romanized and romanized != title:
        forms.append(Form(romanized, "Latn", None))  # a romanization's language is its original's, not Latin's
    titles = [Title(forms, "main")]
    titles.extend(Title([Form(v, rules.text_script(v), None)], "variant") for v in variants if v != title)
    return titles


def agents_from_row(creators: list[str], romanized: list[str], contributors: list[str],
                    main_lang: str | None) -> list[Agent]:
    """Creators paired by position with their romanized forms; contributors after them."""
    agents = []
    for index, name in enumerate(creators):
        forms = [Form(name, rules.text_script(name), None)]
        if index < len(romanized) and romanized[index] != name:
            forms.append(Form(romanized[index], "Latn", None))
        agents.append(Agent(forms, "creator"))
    agents.extend(Agent([Form(n, rules.text_script(n), None)], "contributor") for n in contributors)
    return agents


def identifiers_from_row(isbns: list[str], issns: list[str], others: list[str],
                         diagnostics: list[Diagnostic]) -> list[rules.Identifier]:
    found: list[rules.Identifier] = []
    for value, hint in [*((v, "isbn") for v in isbns), *((v, "issn") for v in issns), *((v, None) for v in others)]:
        identifier = rules.identifier_from_text(value, hint)
        if identifier is None:
            continue
        if identifier.qualifier and identifier.qualifier.startswith("invalid"):
            diagnostics.append(Diagnostic(f"{identifier.qualifier} {value!r} kept as 'other'", f"column {hint}"))
        if all((i.scheme, i.value) != (identifier.scheme, identifier.value) for i in found):
            found.append(identifier)
    return found


def sniff(head: bytes, name: str) -> bool:
    return name.lower().endswith((".csv", ".tsv", ".tab"))


FORMAT = Format(
    name="csv",
    description="CSV / TSV tables with a declared or guessed column mapping (UTF-8, Shift_JIS, EUC-JP…)",
    sniff=sniff,
    read=read,
    map=map,
)
