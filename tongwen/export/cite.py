"""Formatted citations ("cite this"): APA, Chicago, GB/T 7714 and SIST 02, rendered by citeproc-py from the
CSL styles of the Citation Style Language project (kept in ``styles/``, provenance in its README).

Each style wants a record's names and titles in its own script: APA romanized, Chicago romanized followed by the
original characters (CMOS 11.x), GB/T 7714 (Chinese) and SIST 02 (Japanese) in the original script. So the
CSL item is built per style from the record's forms; a romanization the record lacks is made with
`tongwen.cjk.romanize` where that can be done well (see `_pinyin_syllables`).

    >>> from tongwen.model import Agent, Form, Publication, PublicationForm, Record, Title
    >>> rec = Record("nlc", "1", titles=[Title([Form("红楼梦", "Hans", "chi"), Form("Hong lou meng", "Latn", "chi")])],
    ...              agents=[Agent([Form("曹雪芹", "Hani"), Form("Cao, Xueqin", "Latn")])], year_from=1982,
    ...              publications=[Publication([PublicationForm(place="北京", publisher="人民文学出版社")])],
    ...              languages=["chi"], content_type="book")
    >>> for style in STYLES:
    ...     print(style, "|", citation(rec, style, url="https://example.org/record/nlc:1").text)
    apa | Cao, X. (1982). Hong lou meng. 人民文学出版社. https://example.org/record/nlc:1
    chicago | Cao, Xueqin 曹雪芹. Hong lou meng 红楼梦. 人民文学出版社, 1982. https://example.org/record/nlc:1.
    gbt7714 | 曹雪芹. 红楼梦[M/OL]. 北京：人民文学出版社，1982. https://example.org/record/nlc:1.
    sist02 | 曹雪芹. 红楼梦. 北京, 人民文学出版社, 1982. https://example.org/record/nlc:1.

A record without a romanization gets pinyin made by `tongwen.cjk.romanize` in APA and Chicago when it is
Chinese; Japanese and Korean text without one stays in its script.

The portal always passes a URL (the landing page at the holding library, else the record's permanent link):
citeproc-py decides statically whether a group calls a variable, so GB/T 7714's "[M]" only appears beside
"/OL" when the URL is there.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

from tongwen.cjk.scripts import bcp47_language, detect_script
from tongwen.export.common import display_date, links_of, publication_forms
from tongwen.model import Agent, Form, Record

Script = Literal["roman", "roman+original", "original"]


@dataclass(frozen=True, slots=True)
class CitationStyle:
    name: str
    label: str  # as the style is known, in its own language
    file: str  # in tongwen/export/styles/
    script: Script  # how names and titles are written
    lang: str  # BCP 47 of the style's own words (punctuation, "[M]", "ページ")


STYLES: dict[str, CitationStyle] = {s.name: s for s in (
    CitationStyle("apa", "APA (7th ed.)", "apa.csl", "roman", "en"),
    CitationStyle("chicago", "Chicago (18th ed.)", "chicago-notes-bibliography.csl", "roman+original", "en"),
    CitationStyle("gbt7714", "GB/T 7714—2025", "china-national-standard-gb-t-7714-2025-numeric.csl", "original",
                  "zh-Hans"),
    CitationStyle("sist02", "SIST 02", "sist02.csl", "original", "ja"),
)}


@dataclass(frozen=True, slots=True)
class Citation:
    style: CitationStyle
    text: str  # plain text, for the clipboard and tests
    html: str  # escaped text with <i>…</i> (and small capitals as a class): safe to insert as markup


_CSL_TYPES = {
    "book": "book", "serial": "periodical", "manuscript": "manuscript", "map": "map", "score": "musical_score",
    "music": "musical_score", "sound": "song", "video": "motion_picture", "image": "graphic",
    "article": "article-journal", "dataset": "dataset", "software": "software",
}
_EDITOR_ROLES = {"editor", "compiler", "edt", "com"}
_TRANSLATOR_ROLES = {"translator", "trl"}
_PAGES = re.compile(r"(\d+)\s*(?:p\b|pp\b|pages|页|頁|ページ|쪽|장)", re.IGNORECASE)
# Numeric styles number the bibliography; a single record's "cite this" has no list to number.
_CITATION_NUMBER = re.compile(r"^\s*(?:\[1\]|\(1\))\s*")
# citeproc-py keeps per-entry state on the parsed style (what a substitute suppressed): one render at a time.
_RENDERING = threading.Lock()
_TAG = re.compile(r"<[^>]+>")


def citation(record: Record, style: str, *, url: str | None = None) -> Citation:
    """One record cited in one style. `url`: where the record can be read (default: its landing page)."""
    from citeproc import Citation as CslCitation
    from citeproc import CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    chosen = STYLES[style]
    item = csl_item(record, chosen.script, url=url)
    # citeproc-py's HTML formatter does not escape the values it is given: the HTML is rendered from an
    # escaped copy of the item, so a title "<script>…" stays text. The plain text is that HTML without its
    # tags (citeproc's own <i>, <b>, <span>…) and unescaped: one render instead of two (APA and Chicago take
    # ~20 ms each).
    with _RENDERING:
        bibliography = CitationStylesBibliography(_parsed_style(chosen.file), CiteProcJSON([_escaped(item)]),
                                                  formatter.html)
        bibliography.register(CslCitation([CitationItem(item["id"])]))
        entries = bibliography.bibliography()
    markup = _CITATION_NUMBER.sub("", "".join(str(e) for e in entries[:1])).strip()
    # citeproc-py writes small capitals as an inline style, which the portal's CSP refuses.
    markup = markup.replace('<span style="font-variant:small-caps;">', '<span class="small-caps">')
    text = html.unescape(_TAG.sub("", markup))
    return Citation(chosen, " ".join(text.split()), markup)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {key: item if key == "id" else _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def citations(record: Record, *, url: str | None = None) -> list[Citation]:
    return [citation(record, name, url=url) for name in STYLES]


@lru_cache(maxsize=len(STYLES))
def _parsed_style(file: str):
    from citeproc import CitationStylesStyle

    _repress_substituted_macros()
    # Parsed once per process (Chicago's style is 240 kB of XML); validation against the CSL schema is left
    # to the CSL project's own tests of these files.
    with files("tongwen.export").joinpath("styles", file).open("rb") as handle:
        return CitationStylesStyle(handle, validate=False)


_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


def _repress_substituted_macros() -> None:
    """Make citeproc-py suppress what a ``<substitute>`` rendered through a macro.

    The CSL specification says variables a substitute renders are suppressed in the rest of the entry.
    citeproc-py 0.11 suppresses only a variable the substitute names itself; APA and Chicago substitute the
    title *macro* for a missing author, so a work without a name (common among classics and manuscripts)
    came out with its title twice. There is no hook for this, so the one method is wrapped, once per process;
    it represses the macro's variables whose values the substitute printed.
    """
    from citeproc import model

    substitute = model.Substitute
    if getattr(substitute, "represses_macros", False):
        return
    render = substitute.render

    def render_and_repress(self, item, context=None, **kwargs):
        text = render(self, item, context=context, **kwargs)
        if text and context is not None:
            repressed = context.get_layout().repressed.setdefault(_CSL_NS + "text", [])
            shown = str(text).casefold()
            for child in self.iterchildren(_CSL_NS + "text"):
                if child.get("macro"):
                    # What the substitute printed, not every variable the macro could print (publisher…).
                    repressed.extend(v for v in _macro_variables(child, child.get("macro"), set())
                                     if v.replace("-", "_") in item.reference
                                     and str(item.reference[v.replace("-", "_")]).casefold() in shown)
        return text

    substitute.render = render_and_repress
    substitute.represses_macros = True


def _macro_variables(element, name: str, seen: set[str]) -> list[str]:
    """The variables the macro `name` (and the macros it calls) renders with ``<text variable=…>``."""
    if name in seen:
        return []
    seen.add(name)
    variables: list[str] = []
    for text in element.get_macro(name).iter(_CSL_NS + "text"):
        if text.get("variable"):
            variables.append(text.get("variable"))
        elif text.get("macro"):
            variables.extend(_macro_variables(element, text.get("macro"), seen))
    return variables


def csl_item(record: Record, script: Script, *, url: str | None = None) -> dict[str, Any]:
    """The record as a CSL-JSON item, its names and titles written as `script` says."""
    lang = record.languages[0] if record.languages else None
    item: dict[str, Any] = {"id": record.id, "type": _CSL_TYPES.get(record.content_type or "book", "document")}
    main = record.main_title
    if main is not None and main.forms:
        item["title"] = _written(main.forms, script, lang, generate=True)
    roles = (("author", lambda a: a.role in ("creator", "author")), ("editor", lambda a: a.role in _EDITOR_ROLES),
             ("translator", lambda a: a.role in _TRANSLATOR_ROLES))
    for variable, wanted in roles:
        names = [_csl_name(agent, script, lang) for agent in record.agents if wanted(agent) and agent.forms]
        if names:
            item[variable] = names
    forms = list(publication_forms(record))
    publisher = _written([Form(f.publisher, f.script) for f in forms if f.publisher], _plain(script), lang)
    place = _written([Form(f.place, f.script) for f in forms if f.place], _plain(script), lang)
    if publisher:
        item["publisher"] = publisher
    if place:
        item["publisher-place"] = place
    if record.year_from is not None:
        parts = [[record.year_from]]
        if record.year_to not in (None, record.year_from):
            parts.append([record.year_to])
        item["issued"] = {"date-parts": parts}
    elif display_date(record):
        item["issued"] = {"literal": display_date(record)}
    pages = _PAGES.search(record.extent or "")
    if pages:
        item["number-of-pages"] = pages.group(1)
    link = url or next(iter(links_of(record, "landing")), None)
    if link:
        item["URL"] = link
    if lang:
        item["language"] = bcp47_language(lang) or lang
    return item


def _plain(script: Script) -> Script:
    # Publishers and places: Chicago romanizes them without the characters; nothing is romanized by machine.
    return "roman" if script == "roman+original" else script


def _is_roman(form: Form) -> bool:
    return (form.script or detect_script(form.text)) in (None, "Latn")


def _split(forms: list[Form]) -> tuple[str | None, str | None]:
    """(the form in the original script, the romanized form), either None when the record has none."""
    texts = [f for f in forms if f.text.strip()]
    original = next((f.text.strip() for f in texts if not _is_roman(f)), None)
    roman = next((f.text.strip() for f in texts if _is_roman(f)), None)
    return original, roman


def _written(forms: list[Form], script: Script, lang: str | None, *, generate: bool = False) -> str:
    """The text of one title, publisher or place as the style writes it."""
    original, roman = _split(forms)
    if roman is None and original is not None and generate and script != "original":
        syllables = _pinyin_syllables(original, lang)
        roman = " ".join(syllables).capitalize() if syllables else None
    if script == "original":
        return original or roman or ""
    if script == "roman+original" and roman and original and roman != original:
        return f"{roman} {original}"
    return roman or original or ""


def _pinyin_syllables(text: str, lang: str | None) -> list[str]:
    """A machine romanization to stand in for one the catalogue did not give: pinyin for Chinese records only.
    Hepburn and Revised Romanization come out of the romanizers run together ("murasakishikibu"), without
    the word division a citation needs, so Japanese and Korean text stays in its own script."""
    from tongwen.cjk.romanize import romanizations

    if (lang or "").lower()[:3] not in ("chi", "zho"):
        return []
    forms = romanizations(text, lang="chi")
    return forms[0].split() if forms else []


def _csl_name(agent: Agent, script: Script, lang: str | None) -> dict[str, str]:
    """A CSL name as the style wants it:

    - APA: romanized, split into family and given name so the style can give initials ("Cao, X.");
    - Chicago: romanized with the characters after it, kept whole ("Cao Xueqin 曹雪芹") — whole, too, because
      citeproc-py ignores the style's ``initialize="false"`` and would shorten given names to initials;
    - GB/T 7714, SIST 02: in the original script, whole (曹雪芹); a Latin-only "Family, Given" split.
    """
    original, roman = _split(agent.forms)
    family = given = None
    if roman is None and original is not None:
        syllables = _pinyin_syllables(original, lang)
        if len(syllables) > 1:
            family, given = syllables[0].capitalize(), "".join(syllables[1:]).capitalize()
            roman = f"{family} {given}"
    elif roman is not None:
        head, comma, rest = roman.partition(", ")
        if comma and detect_script(roman) == "Latn":
            family, given = head, rest
    if script == "roman+original":
        return {"literal": f"{roman} {original}" if roman and original and roman != original else roman or original}
    if script == "original" and original:
        return {"literal": original}
    if family and given:
        # "Man-jung" → "Man-Jung": citeproc-py takes a lower-case part for a particle and initials it "M.-. jung".
        return {"family": family, "given": "-".join(part[:1].upper() + part[1:] for part in given.split("-"))}
    return {"literal": roman or original or ""}
