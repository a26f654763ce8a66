"""One ideograph form across simplified/traditional Chinese, Japanese shinjitai/kyūjitai and Korean hanja.

    >>> fold_variants("紅樓夢") == fold_variants("红楼梦")
    True
    >>> fold_variants("国立国会図書館") == fold_variants("國立國會圖書館")
    True
    >>> fold_variants("仏教"), fold_variants("經濟")
    ('佛教', '经济')
    >>> to_traditional("红楼梦"), to_simplified("紅樓夢")
    ('紅樓夢', '红楼梦')

How the fold is built: OpenCC's ``jp2t`` (shinjitai → kyūjitai) then ``t2s`` (traditional → simplified), run once
per character over every CJK code point, then our own table (``data/variant_gaps.tsv``) for the pairs OpenCC
misses (戸/戶, 淸/清, 姫/姬 …), then ``s2t`` then ``t2s`` for the characters still left alone (侭 → 儘 → 尽), then
closed to a fixed point. The result is a plain character table applied with
``str.translate``:

- context-free on purpose: OpenCC's phrase tables convert 乾隆 differently from 乾 alone, which would make a
  one-character query miss the characters inside a longer title. A search key must map each character the same
  way wherever it stands;
- idempotent by construction (the table is closed), and fast (one C-level translate per string).

The price is some conflation (乾/干, 后/後, 芸/藝 fold together); it only widens matching, and display always
uses the catalogue's own text. `to_simplified` / `to_traditional` are OpenCC with phrases, for display.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources

import opencc

# Code points worth folding: the CJK Unified Ideographs blocks, compatibility ideographs (NFC-mapped), and the
# supplementary planes' extensions B–H plus the compatibility supplement.
_HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def load_gap_table() -> dict[str, str]:
    """Our own variant pairs (from → canonical) for what OpenCC leaves apart; see data/variant_gaps.tsv."""
    table: dict[str, str] = {}
    text = resources.files("tongwen.cjk").joinpath("data/variant_gaps.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, target, _why = line.split("\t", 2)
        table[source] = target
    return table


@cache
def _fold_table() -> dict[int, str]:
    """The closed character table behind `fold_variants` (built once, ~0.3 s)."""
    chars = [chr(cp) for low, high in _HAN_RANGES for cp in range(low, high + 1)]
    # One OpenCC call per config over all characters, one per line: newlines keep phrase rules from joining them.
    sources = [unicodedata.normalize("NFC", ch) for ch in chars]
    converted = _converter("t2s").convert(_converter("jp2t").convert("\n".join(sources))).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - would mean OpenCC changed line structure
        raise RuntimeError("OpenCC changed the number of lines while building the variant table")
    gaps = load_gap_table()
    step: dict[str, str] = {}
    for ch, out in zip(chars, converted):
        out = gaps.get(out, out)
        if len(out) == 1 and out != ch:
            step[ch] = out
    for source, target in gaps.items():
        step.setdefault(source, target)
    # A second simplified form OpenCC knows only from the other side: s2t reads 侭 as 儘 and 缐 as 線, whose
    # simplified forms are 尽 and 线, while t2s leaves 侭 and 缐 as they are. Without this step a query's
    # simplified form and the same text sent through traditional and back would fold apart (32 characters).
    round_trip = _converter("t2s").convert(_converter("s2t").convert("\n".join(sources))).split("\n")
    if len(round_trip) != len(chars):  # pragma: no cover - as above
        raise RuntimeError("OpenCC changed the number of lines while building the variant table")
    for ch, out in zip(chars, round_trip):
        if len(out) == 1 and out != ch and ch not in step:
            step[ch] = gaps.get(out, out)
    table: dict[int, str] = {}
    for ch, first in step.items():
        seen = [ch]
        target = first
        while target in step and target not in seen:  # follow chains (挙→擧→举) to the end; stop on cycles
            seen.append(target)
            target = step[target]
        if target in seen:  # a cycle: pick one member deterministically so every member maps to it
            target = min(seen[seen.index(target) :])
        if target != ch:
            table[ord(ch)] = target
    return table


@lru_cache(maxsize=65536)
def fold_variants(s: str) -> str:
    """Map every ideograph to its canonical (mostly simplified) form; other characters are untouched.

    >>> fold_variants("戸") == fold_variants("戶"), fold_variants("桜") == fold_variants("櫻")
    (True, True)
    >>> fold_variants("研究 硏究")
    '研究 研究'
    >>> fold_variants("げんじ Genji")
    'げんじ Genji'
    """
    return s.translate(_fold_table())


@cache
def _families() -> dict[str, tuple[str, ...]]:
    """Canonical form → every character that folds to it, the canonical one included (the fold table inverted)."""
    members: dict[str, list[str]] = {}
    for code, target in _fold_table().items():
        members.setdefault(target, [target]).append(chr(code))
    return {target: tuple(sorted(set(group))) for target, group in members.items()}


def variant_family(ch: str) -> tuple[str, ...]:
    """The characters `fold_variants` makes one with `ch` (`ch` among them), in code-point order: the forms a
    reader may know when it does not know `ch` (櫸, which neither pykakasi nor UniDic reads, is 欅 keyaki).

    >>> variant_family("櫸")
    ('榉', '櫸', '欅')
    >>> variant_family("a")
    ('a',)
    """
    return _families().get(fold_variants(ch), (ch,))


@lru_cache(maxsize=65536)
def to_simplified(s: str) -> str:
    """Traditional → simplified Chinese with OpenCC's phrase tables (for display and script guessing).

    >>> to_simplified("國立中央圖書館")
    '国立中央图书馆'
    """
    return _converter("t2s").convert(s)


@lru_cache(maxsize=65536)
def to_traditional(s: str) -> str:
    """Simplified → traditional Chinese with OpenCC's phrase tables.

    >>> to_traditional("国立中央图书馆")
    '國立中央圖書館'
    """
    return _converter("s2t").convert(s)
