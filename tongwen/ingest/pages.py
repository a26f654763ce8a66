"""What every reader of page-bearing formats shares (Kanseki Repository text, TEI, ALTO, hOCR, plain text,
IIIF canvases): one place that finishes a `Page` — its text tidied and bounded, its script and language
found — and reports what was wrong with it, naming the page.

    >>> page, problems = finish_page(Page("001-2a", text="  學而時習之 \\n"), lang="chi", source="transcription")
    >>> page.text, page.script, page.lang, page.text_source, problems
    ('學而時習之', 'Hant', 'chi', 'transcription', [])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from tongwen.cjk.scripts import detect_script
from tongwen.ingest.base import Diagnostic
from tongwen.ingest.common_rules import form_language
from tongwen.model import Page

# A page of a premodern book holds a few thousand characters; a newspaper page some tens of thousands. A
# page text beyond this is a broken file (a whole book without page breaks, binary junk): it is cut here,
# with a warning naming the page, so one page never takes the store's or the index's memory.
MAX_PAGE_TEXT = 200_000
_SCRIPT_SAMPLE = 4_000  # characters looked at to tell the script (and traditional from simplified)
_BLANK_RUNS = re.compile(r"[ \t\u3000]*\n[ \t\u3000\n]*\n")
_LINE_SPACES = re.compile(r"[ \t]+")
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_NUMBERED_FILE = re.compile(r"^(.+?)[_-]\d+(?:\.\w+)?$")


def numbered_item_key(name: str) -> str | None:
    """Files of one item named by a common stem and a running number (``KR1h0004_003.txt``,
    ``bsb00084914_00005.xml``) share the stem: the `Format.item_key` of page-per-file formats.

    >>> numbered_item_key("KR1h0004_003.txt"), numbered_item_key("page.xml")
    ('KR1h0004', None)
    """
    match = _NUMBERED_FILE.match(name)
    return match.group(1) if match else None


def item_parts(stream: BinaryIO, label: str) -> Iterator[tuple[str, BinaryIO]]:
    """(name, stream) of each file of one item: formats with one document per file (ALTO, hOCR) parse them
    one at a time; the import hands several files of one item as one stream with their paths in ``parts``."""
    paths: list[Path] | None = getattr(stream, "parts", None)
    if not paths:
        yield label, stream
        return
    for path in paths:
        with ExitStack() as stack:
            yield path.name, stack.enter_context(open(path, "rb"))


def join_cjk_words(text: str) -> str:
    """OCR engines put a space between CJK characters they boxed one by one; the text has none.

    >>> join_cjk_words("大 森 海岸 駅 から ¥367")
    '大森海岸駅から ¥367'
    """
    return _SPACE_BETWEEN_CJK.sub("", text)


def tidy_text(text: str) -> str:
    """NFC, no trailing spaces, at most one empty line in a row, no blank start or end. Line ends are kept:
    they are the page's lines, and search reads across them."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_LINE_SPACES.sub(" ", line).strip(" \t") for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def page_script(text: str) -> str | None:
    """ISO 15924 code of a page's text. Han-only text is ``Hant`` when simplifying would change it, ``Hans``
    when making it traditional would, else ``Hani`` (characters both forms share: the reader decides)."""
    sample = text[:_SCRIPT_SAMPLE]
    script = detect_script(sample)
    if script == "Hani":
        from tongwen.cjk.variants import to_simplified, to_traditional  # loads OpenCC on first use

        if to_simplified(sample) != sample:
            return "Hant"
        if to_traditional(sample) != sample:
            return "Hans"
    return script


def finish_page(
    page: Page, *, lang: str | None = None, source: str | None = None, script: str | None = None
) -> tuple[Page, list[Diagnostic]]:
    """Tidy the page's text, cut it at `MAX_PAGE_TEXT`, fill in its script (the text's own, or the item's
    ``script`` when the text cannot tell, as a page of characters simplification leaves alone), its language
    (what the script proves, else ``lang``) and where the text came from (``source``, unless the reader
    already knew)."""
    problems: list[Diagnostic] = []
    if page.text is not None:
        text = tidy_text(page.text)
        if len(text) > MAX_PAGE_TEXT:
            problems.append(
                Diagnostic(
                    f"the text of page {page.label!r} has {len(text):,} characters; only the first "
                    f"{MAX_PAGE_TEXT:,} are kept (is a page break missing?)",
                    f"page {page.label} text",
                )
            )
            text = text[:MAX_PAGE_TEXT]
        page.text = text or None
    if page.text:
        if page.script is None:
            found = page_script(page.text)
            page.script = script if script and found in (None, "Hani") else found
        page.lang = page.lang or form_language(page.script, lang) or lang
        page.text_source = page.text_source or source
    if page.id is None:
        page.id = page.label
    return page, problems


def unique_labels(pages: list[Page]) -> list[Diagnostic]:
    """Labels say where a hit is, so two pages with one label are reported (both are kept, in order)."""
    seen: set[str] = set()
    problems = []
    for page in pages:
        if page.label in seen:
            problems.append(Diagnostic(f"two pages are labelled {page.label!r}; both are kept", "page label"))
        seen.add(page.label)
    return problems
