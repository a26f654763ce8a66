"""Interface languages: gettext catalogues (Babel), chosen from ?lang=, a cookie, or Accept-Language.

The catalogues are the ``.po`` files in ``web/locales/<locale>/LC_MESSAGES/messages.po``. They are read with
Babel at start-up (no compile step, so a translator's edit shows on the next start). Templates call ``_()``;
the current request's translations live in a context variable so one Jinja2 environment serves every language.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
COOKIE = "tongwen_lang"


@dataclass(frozen=True, slots=True)
class UILanguage:
    code: str  # the code used in URLs and the cookie
    babel: str  # Babel / gettext locale name (folder under locales/)
    html_lang: str  # BCP 47 for <html lang>
    label: str  # the language's name in itself, shown in the switcher


LANGUAGES: tuple[UILanguage, ...] = (
    UILanguage("en", "en", "en", "English"),
    UILanguage("zh-Hans", "zh_Hans", "zh-Hans", "简体中文"),
    UILanguage("zh-Hant", "zh_Hant", "zh-Hant", "繁體中文"),
    UILanguage("ja", "ja", "ja", "日本語"),
    UILanguage("ko", "ko", "ko", "한국어"),
)
BY_CODE = {lang.code: lang for lang in LANGUAGES}
DEFAULT = LANGUAGES[0]

_current: ContextVar[dict[str, str]] = ContextVar("translations")


@cache
def translations(babel_locale: str) -> dict[str, str]:
    """msgid -> translation for one locale; fuzzy and empty entries are left out (they fall back to English).
    The interface has no plural messages: counts are shown as "Results: 12", which reads well in all five
    languages (CJK languages have no grammatical plural)."""
    po_path = LOCALES_DIR / babel_locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return {}
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale)
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> UILanguage:
    """?lang= wins, then the remembered cookie, then the browser's Accept-Language, then English."""
    for explicit in (query_lang, cookie_lang):
        if explicit in BY_CODE:
            return BY_CODE[explicit]
    if accept_language:
        for tag in _preferred_tags(accept_language):
            language = _match(tag)
            if language is not None:
                return language
    return DEFAULT


_current_language: ContextVar[UILanguage] = ContextVar("ui_language", default=DEFAULT)


_HANT_REGIONS = ("tw", "hk", "mo")


def _preferred_tags(header: str) -> list[str]:
    """Accept-Language tags, most preferred first (q=0 means "not this one")."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag and weight > 0:
            weighted.append((-weight, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]


def _match(tag: str) -> UILanguage | None:
    """Map a BCP 47 tag onto our five languages. Chinese needs care: the script subtag decides when present
    (zh-Hant-HK), else the region (TW, HK, MO read traditional characters), else simplified."""
    parts = tag.replace("_", "-").split("-")
    if parts[0] == "zh":
        if "hant" in parts[1:] or any(region in parts[1:] for region in _HANT_REGIONS):
            return BY_CODE["zh-Hant"]
        return BY_CODE["zh-Hans"]
    return BY_CODE.get(parts[0])


def activate(language: UILanguage) -> None:
    _current_language.set(language)
    _current.set(translations(language.babel))


def current_language() -> UILanguage:
    return _current_language.get()


def gettext(message: str) -> str:
    current = _current.get(None)
    return (current.get(message) or message) if current else message
