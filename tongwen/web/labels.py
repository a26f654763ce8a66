"""Names of languages, countries, content types and roles in the interface language.

Language and country names come from Babel's CLDR data, so they are right in all five interface languages
without translating them by hand; content types and roles are our own words and live in the gettext catalogues.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from tongwen.cjk.scripts import bcp47_language
from tongwen.web import i18n
from tongwen.web.i18n import gettext as _


@cache
def _locale(babel_name: str) -> Locale:
    return Locale.parse(babel_name)


def _current_locale() -> Locale:
    return _locale(i18n.current_language().babel)


def language_label(code: str | None) -> str:
    """'jpn' -> 'Japanese' / '日本語' / '일본어' … ; unknown codes are shown as they are."""
    if not code:
        return "—"
    base = bcp47_language(code)
    if base:
        name = _current_locale().languages.get(base)
        if name:
            return name
    return code


def country_label(code: str | None) -> str | None:
    if not code:
        return None
    return _current_locale().territories.get(code.upper(), code)


def content_type_label(kind: str | None) -> str:
    labels = {
        "book": _("Book"), "serial": _("Serial"), "manuscript": _("Manuscript"), "map": _("Map"),
        "music": _("Music"), "score": _("Score"), "sound": _("Sound recording"), "video": _("Video"),
        "image": _("Image"), "article": _("Article"), "dataset": _("Dataset"), "software": _("Software"),
        "mixed": _("Mixed materials"), "other": _("Other"),
    }
    return labels.get(kind or "", kind or "—")


def role_label(role: str | None) -> str:
    labels = {
        "main": _("Title"), "parallel": _("Parallel title"), "variant": _("Variant title"),
        "uniform": _("Uniform title"), "series": _("Series"), "creator": _("Creator"),
        "author": _("Author"), "editor": _("Editor"), "translator": _("Translator"),
        "illustrator": _("Illustrator"), "contributor": _("Contributor"), "publisher": _("Publisher"),
        "compiler": _("Compiler"), "annotator": _("Annotator"),
    }
    return labels.get(role or "", role or "—")


def script_label(code: str | None) -> str:
    """ISO 15924 code -> its name in the interface language ('Hani' -> 'Han' / '汉字' / '漢字' …)."""
    if not code:
        return "—"
    return _current_locale().scripts.get(code, code)
