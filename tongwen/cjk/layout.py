"""How a page of CJK text is laid out for reading: vertically (top to bottom, columns right to left) or not."""

from __future__ import annotations

from collections.abc import Iterable

from tongwen.cjk.scripts import detect_script

# Scripts written vertically before the twentieth century: Han characters, Japanese (Han + kana), Korean
# (hangul, with or without hanja). Simplified characters (a 1950s reform) are modern horizontal print.
VERTICAL_SCRIPTS = frozenset({"Hani", "Hant", "Jpan", "Kore", "Hang"})
CJK_SCRIPTS = VERTICAL_SCRIPTS | {"Hans"}
# Horizontal CJK print spread in the first half of the twentieth century (Chinese science journals from the
# 1910s, government print after 1945); a text dated before 1912 (the Qing's end, late Meiji, late Joseon)
# was almost always set vertically.
LAST_PREMODERN_YEAR = 1911


def reads_vertically(text: str | None, script: str | None = None, year: int | None = None,
                     viewing_direction: str | None = None,
                     line_boxes: Iterable[tuple[int, int]] = ()) -> bool:
    """Whether to show a page's text vertically by default (``writing-mode: vertical-rl``).

    The page itself says it best: when its lines have boxes (``line_boxes``: width, height of each, from
    ALTO, hOCR or TEI ``facs``), CJK text whose lines are mostly taller than wide was set in columns — the
    1919 Korean declaration as much as a Song edition. Without boxes, the script (``script`` as the source
    gives it, else read from the text) must be one of `VERTICAL_SCRIPTS` and the text premodern: dated up to
    `LAST_PREMODERN_YEAR`, or undated but turned right to left as vertical books are (the Kanseki
    Repository's texts).

    >>> reads_vertically("學而時習之，不亦說乎", year=1750)
    True
    >>> reads_vertically("学而时习之", year=1750)  # simplified characters: a modern edition
    False
    >>> reads_vertically("學而時習之", viewing_direction="right-to-left")
    True
    >>> reads_vertically("학이시습지", year=1985), reads_vertically("學而時習之", year=1985)
    (False, False)
    >>> reads_vertically("吾人은玆에我朝鮮의獨立", year=1919, line_boxes=[(64, 1152), (64, 1152)])  # columns
    True
    >>> reads_vertically("今天晚上，很好的月光。", "Hans", 1918, line_boxes=[(846, 47), (846, 47)])  # rows
    False
    >>> reads_vertically("Confucius", line_boxes=[(40, 900)])
    False
    """
    found = script or detect_script((text or "")[:400])
    boxes = [(width, height) for width, height in line_boxes if width > 0 and height > 0]
    if boxes:
        if found not in CJK_SCRIPTS and found != "Hani":
            return False
        columns = sum(height > width for width, height in boxes)
        return columns * 2 > len(boxes)
    if found == "Hani" and text and _simplified(text[:400]):
        found = "Hans"
    if found not in VERTICAL_SCRIPTS:
        return False
    if year is not None:
        return year <= LAST_PREMODERN_YEAR
    return viewing_direction == "right-to-left"


def _simplified(text: str) -> bool:
    """Text in simplified characters: simplifying it changes nothing, and it has characters that only
    simplified Chinese writes (turning it traditional changes it)."""
    from tongwen.cjk.variants import to_simplified, to_traditional

    return to_simplified(text) == text and to_traditional(text) != text
