"""IIIF Presentation reader and mapper: manifests and collections, API 2.x (``sc:Manifest``) and 3.0.

A manifest becomes one record; a collection yields one record per manifest it lists (``manifests`` in 2.x,
``items`` / ``members`` in 3.0 and 2.1), embedded sub-collections included. A sub-collection that is only
referenced by URL cannot be followed from a file: the reader hands its URL to ``options["on_collection"]``
when given (the harvester fetches it), else skips it.

Streaming: the JSON is read with ijson, one listed manifest at a time; a manifest's canvases
(``sequences``, ``structures``, 3.0 ``items`` of type Canvas) are skipped as they stream by, never held.

Mapping: ``label`` → titles (every language of a 3.0 language map is a form or a parallel title);
``metadata`` pairs by their label (Title, Author, Date, Publisher, Language, Subject, DOI/ISBN…, in English,
Japanese, Chinese or Korean; anything else becomes a note ``label: value``); ``summary``/``description`` →
notes; ``rights``/``license`` → license; ``requiredStatement``/``attribution`` → rights; ``thumbnail``,
``homepage``/``related``, ``seeAlso`` → links; the manifest URL → a ``Link(kind="iiif_manifest")`` and the
local id.

    >>> raws = list(read(io.BytesIO(SAMPLE), "sample.json", {}))
    >>> record, _ = map(raws[0], MapContext(source="demo"))
    >>> record.titles[0].text, record.year_from, [link.kind for link in record.links]
    ('雅楽譜', 1889, ['iiif_manifest', 'thumbnail'])
"""

from __future__ import annotations

import contextlib
import io  # noqa: F401 - the examples above use it
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import ijson
from ijson.common import ObjectBuilder
from lxml import html as lxml_html

from tongwen.ingest import common_rules as rules
from tongwen.ingest import iiif_pages
from tongwen.ingest.base import FIELD_LIMIT, Diagnostic, Format, MapContext, RawRecord, RecordRejected, oversized
from tongwen.model import Agent, Form, Link, Provenance, Publication, PublicationForm, Record, Subject, Title

SAMPLE = json.dumps(
    {
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": "https://example.org/iiif/1/manifest",
        "@type": "sc:Manifest",
        "label": "雅楽譜",
        "metadata": [{"label": "Date", "value": "1889[明治22]年"}],
        "thumbnail": {"@id": "https://example.org/iiif/1/thumb.jpg"},
        "sequences": [{"canvases": []}],
    },
    ensure_ascii=False,
).encode()

MANIFEST_TYPES = {"sc:Manifest", "Manifest"}
COLLECTION_TYPES = {"sc:Collection", "Collection"}
_LISTS = {"manifests", "collections", "members", "items"}  # entries streamed one at a time
_SKIPPED = {"sequences", "structures", "annotations", "service", "services", "start"}
_SNIFF = re.compile(rb'iiif\.io/api/presentation|"@type"\s*:\s*"sc:(?:Manifest|Collection)"')


# ====================================================================== reading


def sniff(head: bytes, name: str) -> bool:
    return head.lstrip()[:1] in (b"{", b"") and bool(_SNIFF.search(head))


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """One `RawRecord` per manifest (payload: the manifest as a dict, canvases left out). Broken JSON ends
    with one error `RawRecord`; the manifests before it are kept."""
    on_collection: Callable[[str], None] | None = (options or {}).get("on_collection")
    reader = _Reader(label, on_collection)
    try:
        for raw in reader.document(ijson.parse(stream)):
            too_long = _oversized_value(raw.payload, "")
            if too_long and not raw.error:
                raw = RawRecord(raw.position, local_id=raw.local_id, error=f"{raw.position}: {oversized(*too_long)}")
            yield raw
    except ijson.JSONError as exc:
        yield RawRecord(position=reader.next_position(), error=f"{label}: not well-formed JSON ({exc})")


def _oversized_value(value: Any, path: str) -> tuple[str, int] | None:
    """(JSON path, length) of the first string in a manifest longer than `FIELD_LIMIT`."""
    if isinstance(value, str):
        return (path or "value", len(value)) if len(value) > FIELD_LIMIT else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _oversized_value(item, (f"{path}.{key}" if path else key) if isinstance(key, str) else f"{path}[{key}]")
        if found:
            return found
    return None


def _type(entry: dict[str, Any]) -> str:
    value = entry.get("type") or entry.get("@type") or ""
    return value if isinstance(value, str) else ""


def _id(entry: dict[str, Any]) -> str | None:
    value = entry.get("id") or entry.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


class _Reader:
    def __init__(self, label: str, on_collection: Callable[[str], None] | None):
        self.label = label
        self.on_collection = on_collection
        self.count = 0
        self.canvases: list[dict[str, Any]] = []  # of the top-level manifest, as they stream by

    def next_position(self) -> str:
        return f"{self.label} manifest {self.count + 1}"

    def document(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[RawRecord]:
        prefix, event, _ = next(events, ("", "", None))
        if event != "start_map":
            yield RawRecord(self.next_position(), error=f"{self.label}: not a IIIF document (no JSON object)")
            return
        top: dict[str, Any] = {}
        for prefix, event, value in events:
            if event == "end_map" and prefix == "":
                break
            if event != "map_key":
                continue
            if value == "sequences":
                self.canvases += iiif_pages.canvases_in_sequences(_build(events))
            elif value in _SKIPPED:
                _skip(events)
            elif value in _LISTS:
                yield from self._entries(events, value, top)
            else:
                top[value] = _build(events)
        kind = _type(top)
        if kind in MANIFEST_TYPES:
            yield self._raw(top)
        elif kind not in COLLECTION_TYPES:
            yield RawRecord(
                self.next_position(),
                error=f"{self.label}: not a IIIF manifest or collection (type {kind or 'missing'!r})",
            )

    def _entries(
        self, events: Iterator[tuple[str, str, Any]], key: str, top: dict[str, Any]
    ) -> Iterator[RawRecord]:
        _, event, _ = next(events)
        if event != "start_array":  # a malformed list: consume the value and go on
            _skip_after(events, event)
            return
        while True:
            _, event, value = next(events)
            if event == "end_array":
                return
            builder = ObjectBuilder()
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                _feed_until_closed(events, builder)
            entry = builder.value
            if isinstance(entry, dict):
                yield from self._entry(entry)

    def _entry(self, entry: dict[str, Any]) -> Iterator[RawRecord]:
        kind = _type(entry)
        if kind in MANIFEST_TYPES:
            yield self._raw(entry)
        elif kind in COLLECTION_TYPES:
            nested = [item for key in _LISTS for item in entry.get(key) or [] if isinstance(item, dict)]
            if nested:
                for item in nested:
                    yield from self._entry(item)
            elif self.on_collection is not None and _id(entry):
                self.on_collection(_id(entry))
        elif kind == "Canvas":  # a 3.0 manifest's items: its pages
            self.canvases.append(entry)
        # anything else (a Range) is not a record

    def _raw(self, manifest: dict[str, Any]) -> RawRecord:
        self.count += 1
        position = f"{self.label} manifest {self.count}"
        canvases, self.canvases = [*self.canvases, *iiif_pages.canvases_of(manifest)], []
        for key in _SKIPPED | {"items"}:
            manifest.pop(key, None)
        original = json.dumps(manifest, ensure_ascii=False)
        manifest[iiif_pages.PAGES_KEY], problems = iiif_pages.pages_from_canvases(canvases)
        return RawRecord(
            position=position, payload=manifest, original=original, local_id=_id(manifest), diagnostics=problems
        )


def _build(events: Iterator[tuple[str, str, Any]]) -> Any:
    _, event, value = next(events)
    builder = ObjectBuilder()
    builder.event(event, value)
    if event in ("start_map", "start_array"):
        _feed_until_closed(events, builder)
    return builder.value


def _feed_until_closed(events: Iterator[tuple[str, str, Any]], builder: ObjectBuilder) -> None:
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return


def _skip(events: Iterator[tuple[str, str, Any]]) -> None:
    _, event, _ = next(events)
    _skip_after(events, event)


def _skip_after(events: Iterator[tuple[str, str, Any]], event: str) -> None:
    if event not in ("start_map", "start_array"):
        return
    depth = 1
    for _, inner, _ in events:
        if inner in ("start_map", "start_array"):
            depth += 1
        elif inner in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return


# ====================================================================== values


def language_values(value: Any) -> list[tuple[str | None, str]]:
    """Any IIIF text value as (language, text) pairs: a string, a list, 2.x ``{"@value", "@language"}``
    objects, or a 3.0 language map ``{"ja": ["…"], "none": ["…"]}``. HTML markup is reduced to its text.

    >>> language_values({"ja": ["雅楽譜"], "en": ["Gagakufu"]})
    [('ja', '雅楽譜'), ('en', 'Gagakufu')]
    >>> language_values([{"@value": "<b>Bold</b> text", "@language": "en"}, "plain"])
    [('en', 'Bold text'), (None, 'plain')]
    """
    pairs: list[tuple[str | None, str]] = []
    if isinstance(value, str):
        text = _plain(value)
        if text:
            pairs.append((None, text))
    elif isinstance(value, list):
        for item in value:
            pairs.extend(language_values(item))
    elif isinstance(value, dict):
        if "@value" in value:
            for _, text in language_values(value["@value"]):
                pairs.append((value.get("@language"), text))
        else:
            for lang, texts in value.items():
                for _, text in language_values(texts):
                    pairs.append((None if lang in ("none", "@none") else lang, text))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        pairs.append((None, str(value)))
    return pairs


def _plain(text: str) -> str:
    text = text.strip()
    if "<" in text and ">" in text:  # IIIF allows a little HTML in values; lxml reads it, tags dropped
        with contextlib.suppress(Exception):  # text that only looks like markup is kept as written
            text = lxml_html.fragment_fromstring(text, create_parent="div").text_content()
    return " ".join(text.split())


def _texts(value: Any) -> list[str]:
    return [text for _, text in language_values(value)]


def _urls(value: Any) -> list[tuple[str, str | None]]:
    """(url, label) of a link value: a string, an object with id/@id, or a list of them."""
    if isinstance(value, str):
        return [(value, None)] if value.startswith(("http://", "https://")) else []
    if isinstance(value, list):
        return [pair for item in value for pair in _urls(item)]
    if isinstance(value, dict) and _id(value):
        labels = _texts(value.get("label"))
        url = _id(value)
        return [(url, labels[0] if labels else None)] if url.startswith(("http://", "https://")) else []
    return []


# ====================================================================== mapping

# metadata labels (casefolded) → what they are; librarians' labels in the languages our members use
_LABELS: dict[str, set[str]] = {
    "title": {"title", "タイトル", "書名", "標題", "表題", "题名", "題名", "서명", "資料名", "name"},
    "agent": {
        "author",
        "creator",
        "contributor",
        "著者",
        "作者",
        "著者名",
        "作成者",
        "責任表示",
        "责任者",
        "著者・編者",
        "저자",
        "편자",
        "artist",
        "編者",
    },
    "date": {
        "date",
        "published",
        "date of publication",
        "出版年",
        "刊行年",
        "年代",
        "日付",
        "出版日",
        "制作年",
        "成立年",
        "書写年",
        "出版年月日",
        "발행년",
        "出版时间",
        "issued",
        "created",
    },
    "publisher": {"publisher", "出版者", "出版社", "発行者", "版元", "出版者・書写者", "发行者", "발행처"},
    "place": {"place", "出版地", "place of publication"},
    "language": {"language", "言語", "语言", "언어"},
    "subject": {"subject", "subjects", "主題", "件名", "キーワード", "keywords", "keyword", "주제", "分類"},
    "identifier": {
        "identifier",
        "識別子",
        "doi",
        "isbn",
        "issn",
        "ncid",
        "id",
        "call number",
        "請求記号",
        "資料番号",
        "書誌id",
    },
    "type": {"type", "資料種別", "material type", "資料形態", "genre"},
    "extent": {"extent", "数量", "形態", "physical description", "size", "大きさ", "員数"},
    "description": {"description", "note", "notes", "注記", "解題", "summary", "abstract", "内容"},
}
_LABEL_KIND = {label: kind for kind, labels in _LABELS.items() for label in labels}
_IDENTIFIER_HINTS = {"doi": "doi", "isbn": "isbn", "issn": "issn", "ncid": "ncid"}


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
    """Map one IIIF manifest `RawRecord` (payload: the manifest dict) to a `Record`."""
    if raw.error:
        raise RecordRejected(raw.error)
    manifest: dict[str, Any] = raw.payload or {}
    diagnostics = list(raw.diagnostics)
    manifest_url = raw.local_id or _id(manifest)
    if not manifest_url:
        raise RecordRejected("the manifest has no id (@id in 2.x)", "id")
    record = Record(source=ctx.source, local_id=manifest_url, institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "iiif", position=raw.position, original=raw.original)
    pairs = metadata_pairs(manifest, diagnostics)
    record.languages = _languages(pairs, diagnostics)
    main_lang = record.languages[0] if record.languages else None
    record.titles = titles_from_label(manifest.get("label"), main_lang)
    for kind, label, text in pairs:
        if kind == "title" and all(_loose(text) != _loose(f.text) for t in record.titles for f in t.forms):
            role = "main" if not record.titles else "variant"
            record.titles.append(Title([_form(text, None, main_lang)], role))
    if not record.titles:
        raise RecordRejected("no label and no Title in metadata", "label")
    _apply_metadata(record, pairs, main_lang, diagnostics)
    _dates(record, manifest, pairs, main_lang, diagnostics)
    for key in ("summary", "description"):
        for text in _texts(manifest.get(key)):
            if text not in record.notes:
                record.notes.append(text)
    record.rights, record.license = rights_from_manifest(manifest)
    record.links = links_from_manifest(manifest, manifest_url)
    iiif_pages.apply(record, manifest, diagnostics)
    return record, diagnostics


def metadata_pairs(manifest: dict[str, Any], diagnostics: list[Diagnostic]) -> list[tuple[str, str, str]]:
    """(kind, label as written, value) for every ``metadata`` entry; kind is a key of `_LABELS` or "other"."""
    entries = manifest.get("metadata") or []
    if not isinstance(entries, list):
        diagnostics.append(Diagnostic("not a list; ignored", "metadata"))
        return []
    pairs: list[tuple[str, str, str]] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            diagnostics.append(
                Diagnostic("entry is not a label/value object; ignored", f"metadata[{number}]")
            )
            continue
        labels = _texts(entry.get("label"))
        label = labels[0] if labels else ""
        kind = next((_LABEL_KIND[x.casefold()] for x in labels if x.casefold() in _LABEL_KIND), "other")
        for text in _texts(entry.get("value")):
            pairs.append((kind, label, text))
    return pairs


def _form(text: str, lang: str | None, default_lang: str | None) -> Form:
    tag = rules.parse_lang_tag(lang)
    script = tag.script or rules.text_script(text)
    return Form(text, script, tag.lang or rules.form_language(script, default_lang))


def titles_from_label(label: Any, main_lang: str | None) -> list[Title]:
    """The first label value is the main title; the same language in another script (``ja`` then
    ``ja-Latn``) is another form of it; other languages are parallel titles, further values variants."""
    titles: list[Title] = []
    for lang, text in language_values(label):
        form = _form(text, lang, main_lang)
        if not titles:
            titles.append(Title([form], "main"))
            continue
        if any(_loose(text) == _loose(f.text) for t in titles for f in t.forms):
            continue
        first = titles[0].forms[0]
        if lang and form.lang == first.lang and form.script != first.script and len(titles[0].forms) == 1:
            titles[0].forms.append(form)
        else:
            role = "parallel" if lang and form.lang and form.lang != first.lang else "variant"
            titles.append(Title([form], role))
    return titles


def _loose(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _languages(pairs: list[tuple[str, str, str]], diagnostics: list[Diagnostic]) -> list[str]:
    codes: list[str] = []
    for kind, label, text in pairs:
        if kind != "language":
            continue
        for code in rules.normalize_languages(text):
            if code not in codes:
                codes.append(code)
        for unknown in rules.unknown_languages(text):
            diagnostics.append(Diagnostic(f"unknown language {unknown!r} dropped", f"metadata {label!r}"))
    return codes


def _apply_metadata(
    record: Record, pairs: list[tuple[str, str, str]], main_lang: str | None, diagnostics: list[Diagnostic]
) -> None:
    publishers = [text for kind, _, text in pairs if kind == "publisher"]
    place = next((text for kind, _, text in pairs if kind == "place"), None)
    for kind, label, text in pairs:
        if kind == "agent" and all(a.name != text for a in record.agents):
            record.agents.append(Agent([_form(text, None, main_lang)], "creator"))
        elif kind == "subject" and all(s.term != text for s in record.subjects):
            record.subjects.append(Subject(text, None, "topic", rules.text_script(text)))
        elif kind == "identifier":
            identifier = rules.identifier_from_text(text, _IDENTIFIER_HINTS.get(label.casefold()))
            if identifier and all(i.value != identifier.value for i in record.identifiers):
                record.identifiers.append(identifier)
            elif identifier is None:
                record.notes.append(f"{label}: {text}")
        elif kind == "type":
            record.content_type = record.content_type or rules.content_type_from(text)
            if text not in record.genres:
                record.genres.append(text)
        elif kind == "extent":
            record.extent = record.extent or text
        elif kind in ("description", "other"):
            note = text if kind == "description" else f"{label}: {text}" if label else text
            if note not in record.notes:
                record.notes.append(note)
    for publisher in dict.fromkeys(publishers):
        record.publications.append(
            Publication([PublicationForm(place, publisher, None, rules.text_script(publisher))])
        )


def _dates(
    record: Record,
    manifest: dict[str, Any],
    pairs: list[tuple[str, str, str]],
    main_lang: str | None,
    diagnostics: list[Diagnostic],
) -> None:
    """``date_display`` and years from a Date-like metadata entry, else from ``navDate``; a label whose
    text carries an era or year (``1889[明治22]年4月``) gives the years when nothing else does."""
    dates = [(label, text) for kind, label, text in pairs if kind == "date"]
    nav_date = manifest.get("navDate") if isinstance(manifest.get("navDate"), str) else None
    for label, text in dates:
        found = rules.year_range(text, lang=main_lang)
        if found:
            record.date_display, record.year_from, record.year_to = text, found.year_from, found.year_to
            break
        diagnostics.append(Diagnostic(f"no year found in {text!r}", f"metadata {label!r}"))
    else:
        candidates = [nav_date] if nav_date else []
        candidates += [form.text for title in record.titles[:1] for form in title.forms]
        for text in candidates:
            found = rules.year_range(text, lang=main_lang)
            if found:
                record.year_from, record.year_to = found.year_from, found.year_to
                break
        record.date_display = dates[0][1] if dates else nav_date
    if record.publications and record.date_display:
        record.publications[0].forms[0].date = record.date_display


def rights_from_manifest(manifest: dict[str, Any]) -> tuple[str | None, str | None]:
    """(rights statement, licence URI): 3.0 ``requiredStatement`` / 2.x ``attribution`` as the statement,
    3.0 ``rights`` / 2.x ``license`` as the licence (the first URL)."""
    statement = manifest.get("requiredStatement")
    parts: list[str] = []
    if isinstance(statement, dict):
        label = " ".join(_texts(statement.get("label")))
        value = " ".join(_texts(statement.get("value")))
        parts.append(f"{label}: {value}" if label and value else value or label)
    parts.extend(_texts(manifest.get("attribution")))
    licence = next((url for url, _ in _urls(manifest.get("rights")) + _urls(manifest.get("license"))), None)
    return ("; ".join(p for p in parts if p) or None), licence


def links_from_manifest(manifest: dict[str, Any], manifest_url: str) -> list[Link]:
    links = [Link(manifest_url, "iiif_manifest")]
    for key, kind in (
        ("thumbnail", "thumbnail"),
        ("homepage", "landing"),
        ("related", "landing"),
        ("seeAlso", "other"),
        ("rendering", "fulltext"),
    ):
        for url, label in _urls(manifest.get(key)):
            if all(link.url != url for link in links):
                links.append(Link(url, kind, label))
    return links


FORMAT = Format(
    name="iiif",
    description="IIIF Presentation manifests and collections (API 2.x and 3.0, JSON)",
    sniff=sniff,
    read=read,
    map=map,
)
