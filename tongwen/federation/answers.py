"""A node's `/api/search` answer, read as untrusted input: checked field by field and rebuilt into our types.

Another portal is another organisation's server. Whatever it sends — HTML instead of JSON, a list, a hit
without an id, a snippet with a <script>, ten thousand hits for a page of twenty — becomes either a clean
`NodeHits` or a `BadAnswer` naming what was wrong; nothing a peer sends reaches a template unchecked.

    >>> hits = read_answer({"total": 1, "hits": [{"id": "nlk-demo:1", "score": 2.5, "titles": [{"text": "춘향전"}],
    ...     "snippet": "<mark>춘향</mark>전<script>"}], "facets": {}}, page_size=20)
    >>> hits.total, hits.hits[0].snippet
    (1, '<mark>춘향</mark>전&lt;script&gt;')
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from tongwen.index.search_index import Hit
from tongwen.works.keys import Features

MAX_TEXT = 10_000  # one title, name or snippet; a longer one is not a search hit summary
_MARK = re.compile(r"(</?mark>)")


class BadAnswer(ValueError):
    """The answer is not a Tongwen search result; the message says which field."""


@dataclass(slots=True)
class NodeHits:
    """One node's page of hits, in its own rank order, with its facet counts and total."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    # hit id -> the node's work of it: {"id", "copies", "institutions": {code: copies}}
    works: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, Features] = field(default_factory=dict)  # hit id -> its work match keys


def _text(value: Any, where: str, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadAnswer(f"{where} is not a text of at most {MAX_TEXT:,} characters")
    return value


def _int(value: Any, where: str, *, optional: bool = True) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadAnswer(f"{where} is not a whole number")
    return value


def _list(value: Any, where: str, limit: int = 1_000) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit:
        raise BadAnswer(f"{where} is not a list of at most {limit:,} items")
    return value


def _dict(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise BadAnswer(f"{where} is not an object")
    return value


def safe_snippet(snippet: str | None) -> str | None:
    """A snippet that is plain text with only <mark> and </mark> as markup, whatever the sender escaped."""
    if snippet is None:
        return None
    parts = _MARK.split(snippet)
    return "".join(part if part in ("<mark>", "</mark>") else html.escape(html.unescape(part), quote=False)
                   for part in parts)


def _form(value: Any, where: str) -> dict[str, Any]:
    form = _dict(value, where)
    clean = {"text": _text(form.get("text"), f"{where}.text", optional=False)}
    for name in ("lang", "script", "role"):
        if form.get(name) is not None:
            clean[name] = _text(form.get(name), f"{where}.{name}")
    return clean


def _creator(value: Any, where: str) -> dict[str, Any]:
    creator = _dict(value, where)
    return {"name": _text(creator.get("name"), f"{where}.name") or "",
            "forms": [_form(form, f"{where}.forms[{i}]") for i, form in enumerate(_list(creator.get("forms"),
                                                                                         f"{where}.forms"))]}


def _hit(value: Any, where: str) -> Hit:
    hit = _dict(value, where)
    score = hit.get("score", 0.0)
    if isinstance(score, bool) or not isinstance(score, int | float) or score != score:
        raise BadAnswer(f"{where}.score is not a number")
    record_id = _text(hit.get("id"), f"{where}.id", optional=False)
    if not record_id:
        raise BadAnswer(f"{where}.id is empty")
    return Hit(
        id=record_id,
        score=float(score),
        titles=[_form(title, f"{where}.titles[{i}]") for i, title in enumerate(_list(hit.get("titles"),
                                                                                     f"{where}.titles"))],
        creators=[_creator(c, f"{where}.creators[{i}]") for i, c in enumerate(_list(hit.get("creators"),
                                                                                   f"{where}.creators"))],
        year=_int(hit.get("year"), f"{where}.year"),
        date=_text(hit.get("date"), f"{where}.date"),
        institution=_text(hit.get("institution"), f"{where}.institution"),
        type=_text(hit.get("type"), f"{where}.type"),
        snippet=safe_snippet(_text(hit.get("snippet"), f"{where}.snippet")),
        snippet_lang=_text(hit.get("snippet_lang"), f"{where}.snippet_lang"),
    )


def _work(value: Any, where: str) -> dict[str, Any] | None:
    if value is None:
        return None
    work = _dict(value, where)
    institutions = _dict(work.get("institutions") or {}, f"{where}.institutions")
    if len(institutions) > 1_000:
        raise BadAnswer(f"{where}.institutions names more than 1,000 institutions")
    return {"id": _text(work.get("id"), f"{where}.id", optional=False),
            "copies": _int(work.get("copies"), f"{where}.copies") or 1,
            "institutions": {_text(code, f"{where}.institutions", optional=False):
                             _int(count, f"{where}.institutions[{code!r}]", optional=False)
                             for code, count in institutions.items()}}


def _keys(record_id: str, value: Any, where: str) -> Features | None:
    if value is None:
        return None
    keys = _dict(value, where)
    titles = _dict(keys.get("titles", {}), f"{where}.titles")
    if len(titles) > 1_000:
        raise BadAnswer(f"{where}.titles has more than 1,000 keys")
    for key, strength in titles.items():
        _text(key, f"{where}.titles key", optional=False)
        _text(strength, f"{where}.titles[{key!r}]", optional=False)
    checked = {
        "titles": titles,
        "creators": [_text(k, f"{where}.creators", optional=False) for k in _list(keys.get("creators"),
                                                                                   f"{where}.creators")],
        "identifiers": [_text(k, f"{where}.identifiers", optional=False)
                        for k in _list(keys.get("identifiers"), f"{where}.identifiers")],
        "year": _int(keys.get("year"), f"{where}.year"),
        "type": _text(keys.get("type"), f"{where}.type"),
        "languages": [_text(k, f"{where}.languages", optional=False) for k in _list(keys.get("languages"),
                                                                                     f"{where}.languages")],
        "publisher": _text(keys.get("publisher"), f"{where}.publisher"),
        "institution": _text(keys.get("institution"), f"{where}.institution"),
    }
    return Features.from_dict(record_id, checked)


def _facets(value: Any) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {}
    for name, pairs in _dict(value if value is not None else {}, "facets").items():
        counted = []
        for i, pair in enumerate(_list(pairs, f"facets.{name}")):
            pair = _dict(pair, f"facets.{name}[{i}]")
            count = _int(pair.get("count"), f"facets.{name}[{i}].count", optional=False)
            counted.append((_text(pair.get("value"), f"facets.{name}[{i}].value", optional=False), max(count, 0)))
        facets[_text(name, "a facet name", optional=False)] = counted
    return facets


def read_answer(body: Any, *, page_size: int) -> NodeHits:
    """A decoded `/api/search` JSON answer as `NodeHits`; BadAnswer when it is not one. Hits past `page_size`
    are dropped: a peer is asked for one page and gets no more room than that on ours."""
    answer = _dict(body, "the answer")
    total = _int(answer.get("total"), "total", optional=False)
    hits, works, keys = [], {}, {}
    for i, value in enumerate(_list(answer.get("hits"), "hits", limit=10_000)[:page_size]):
        hit = _hit(value, f"hits[{i}]")
        hits.append(hit)
        work = _work(value.get("work"), f"hits[{i}].work")
        if work is not None:
            works[hit.id] = work
        features = _keys(hit.id, value.get("match_keys"), f"hits[{i}].match_keys")
        if features is not None:
            keys[hit.id] = features
    return NodeHits(max(total, len(hits)), hits, _facets(answer.get("facets")), works, keys)
