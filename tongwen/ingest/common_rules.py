"""Field rules shared by every reader (DC, MODS, CSV, and MARC where it wants them): clean text, standard
numbers, language codes, content types and year ranges. Pure functions, no I/O.

    >>> normalize_isbn("4-06-258087-X")
    '9784062580878'
    >>> normalize_issn("02770288")
    '0277-0288'
    >>> normalize_languages("jpneng")
    ['jpn', 'eng']
    >>> normalize_languages("日本語")
    ['jpn']
    >>> identifier_from_text("urn:isbn:9784794602237")
    Identifier(scheme='isbn', value='9784794602237', qualifier=None)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from tongwen.cjk.eras import OPEN_END, parse_date
from tongwen.cjk.scripts import char_script, detect_script
from tongwen.model import Identifier

_SPACES = re.compile(r"\s+")


def clean_text(text: str | None) -> str | None:
    """NFC-normalised, whitespace collapsed, ``None`` when nothing is left.

    NFC because real files mix decomposed Vietnamese/Korean with precomposed text (Tiki titles).

    >>> clean_text("  Nhà\\n  Xuất Bản ")
    'Nhà Xuất Bản'
    >>> clean_text("   ") is None
    True
    """
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return cleaned or None


def text_script(text: str | None) -> str | None:
    """ISO 15924 script of a title or name; like `detect_script`, but a reading written only in kana is
    ``Kana`` / ``Hira`` / ``Hrkt`` (so a search layer can tell a reading from the Japanese title it reads).

    >>> text_script("ノイマン ノ ユメ"), text_script("源氏物語"), text_script("げんじ モノガタリ")
    ('Kana', 'Hani', 'Hrkt')
    """
    if not text:
        return None
    letters = {char_script(ch) for ch in text} - {None}
    if letters and letters <= {"Kana", "Hira"}:
        return letters.pop() if len(letters) == 1 else "Hrkt"
    return detect_script(text)


_SCRIPT_LANGUAGE = {"Jpan": "jpn", "Hira": "jpn", "Kana": "jpn", "Hrkt": "jpn", "Kore": "kor", "Hang": "kor",
                    "Thai": "tha", "Mymr": "bur", "Khmr": "khm", "Laoo": "lao"}


def form_language(script: str | None, record_lang: str | None) -> str | None:
    """The language of one written form: what its script proves (kana -> ``jpn``, hangul -> ``kor``), else
    the record's language when the script can write it (Han for chi/jpn/kor), else unknown.

    >>> form_language("Jpan", "eng"), form_language("Hani", "chi"), form_language("Hani", "eng")
    ('jpn', 'chi', None)
    """
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script in ("Hani", "Hans", "Hant"):
        return record_lang if record_lang in ("chi", "jpn", "kor", "vie") else None
    if script == "Latn":
        return record_lang if record_lang and record_lang not in ("chi", "jpn", "kor", "tha", "bur") else None
    return record_lang


# ---------------------------------------------------------------- standard numbers (python-stdnum does the maths)

_ISBN_CANDIDATE = re.compile(r"(?<![0-9])(97[89][0-9 -]{10,14}|[0-9][0-9 -]{8,11}[0-9Xx])(?![0-9])")
_ISSN_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{4}-?[0-9]{3}[0-9Xx])(?![0-9])")


def normalize_isbn(text: str | None) -> str | None:
    """ISBN-13 without hyphens, or ``None`` when `text` holds no valid ISBN (check digit verified).

    >>> normalize_isbn("ISBN 978-4-344-01847-1 (pbk.)")
    '9784344018471'
    >>> normalize_isbn("0.00") is None
    True
    """
    if not text:
        return None
    for match in _ISBN_CANDIDATE.finditer(text.replace("‐", "-").replace("－", "-")):
        candidate = match.group(1)
        if stdnum_isbn.is_valid(candidate):
            return stdnum_isbn.compact(stdnum_isbn.to_isbn13(candidate))
    return None


def isbn_qualifier(text: str) -> str | None:
    """What follows an ISBN in parentheses, e.g. ``(pbk.)`` -> ``pbk.``."""
    match = re.search(r"\(([^)]+)\)", text)
    return clean_text(match.group(1)) if match else None


def normalize_issn(text: str | None) -> str | None:
    """ISSN as ``NNNN-NNNX`` or ``None`` when `text` holds no valid ISSN.

    >>> normalize_issn("ISSN 0125-1996")
    '0125-1996'
    """
    if not text:
        return None
    for match in _ISSN_CANDIDATE.finditer(text):
        if stdnum_issn.is_valid(match.group(1)):
            return stdnum_issn.format(match.group(1)).upper()
    return None


_DOI = re.compile(r"(?:doi:\s*|https?://(?:dx\.)?doi\.org/|info:doi/)?(10\.\d{4,9}/\S+)", re.IGNORECASE)
_URL = re.compile(r"^(https?|ftp)://\S+$", re.IGNORECASE)
_LCCN = re.compile(r"^\s*(?:lccn\s*:?\s*)?([a-z]{0,3}\s*\d{2,4}-?\d{1,6})\s*$", re.IGNORECASE)


def identifier_from_text(text: str | None, hint: str | None = None) -> Identifier | None:
    """Recognise one identifier string: ISBN, ISSN, DOI, URL (``uri``), LCCN, NCID or else ``local``/``other``.

    `hint` is what the source says the value is (MODS ``type``, DC-NDL ``xsi:type``/``rdf:datatype``, a CSV
    column); it wins over guessing when it names a scheme we know.

    >>> identifier_from_text("https://doi.org/10.1000/xyz123")
    Identifier(scheme='doi', value='10.1000/xyz123', qualifier=None)
    >>> identifier_from_text("21859930", hint="JPNO")
    Identifier(scheme='nbn', value='21859930', qualifier='JPNO')
    """
    value = clean_text(text)
    if not value:
        return None
    scheme_hint = (hint or "").rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit("#", 1)[-1].lower().replace("-", "")
    lowered = value.lower()
    if scheme_hint == "isbn" or lowered.startswith(("urn:isbn:", "isbn")):
        found = normalize_isbn(value)
        if found:
            return Identifier("isbn", found, isbn_qualifier(value))
        if scheme_hint == "isbn":
            return Identifier("other", value, "invalid ISBN")
    if scheme_hint in ("issn", "issnl") or lowered.startswith(("urn:issn:", "issn")):
        found = normalize_issn(value)
        if found:
            return Identifier("issn", found)
        if scheme_hint.startswith("issn"):
            return Identifier("other", value, "invalid ISSN")
    if scheme_hint == "lccn":
        match = _LCCN.match(value)
        return Identifier("lccn", (match.group(1) if match else value).replace(" ", "").replace("-", ""))
    if scheme_hint in ("oclc", "ocolc"):
        return Identifier("oclc", re.sub(r"^\(OCoLC\)|^oc[mn]", "", value))
    if scheme_hint == "ncid" or lowered.startswith("ncid"):
        return Identifier("ncid", value.split(":")[-1].strip())
    if scheme_hint in ("jpno", "nbn", "kornbn", "natbib"):
        return Identifier("nbn", value, hint.rsplit("/", 1)[-1] if hint else None)
    doi = _DOI.search(value)
    if scheme_hint == "doi" or (doi and (lowered.startswith(("doi", "info:doi", "10.")) or "doi.org/" in lowered)):
        return Identifier("doi", doi.group(1) if doi else value)
    if _URL.match(value):
        return Identifier("uri", value)
    if scheme_hint in ("uri", "url", "hdl", "handle"):
        return Identifier("uri", value)
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) in (10, 13) and normalize_isbn(value):
        return Identifier("isbn", normalize_isbn(value), isbn_qualifier(value))  # type: ignore[arg-type]
    if len(digits) == 8 and normalize_issn(value) and not scheme_hint:
        return Identifier("issn", normalize_issn(value))  # type: ignore[arg-type]
    if scheme_hint and scheme_hint not in IDENTIFIER_SCHEME_WORDS:
        return Identifier("other", value, hint)
    return Identifier("local", value) if scheme_hint == "local" else Identifier("other", value, hint)


IDENTIFIER_SCHEME_WORDS = {"isbn", "issn", "lccn", "oclc", "ncid", "doi", "uri", "url", "local"}


# ---------------------------------------------------------------- languages (pycountry holds ISO 639)

# Names pycountry does not know: the languages' own names and a few catalogue habits. Hand-written because
# pycountry only carries English names; these are the member libraries' languages.
_NATIVE_LANGUAGE_NAMES = {
    "日本語": "jpn", "にほんご": "jpn", "和文": "jpn", "国語": "jpn",
    "中文": "chi", "中国語": "chi", "汉语": "chi", "漢語": "chi", "華語": "chi", "华语": "chi", "中國語": "chi",
    "한국어": "kor", "조선어": "kor", "韓国語": "kor", "朝鮮語": "kor", "韓國語": "kor",
    "英語": "eng", "英文": "eng", "영어": "eng",
    "tiếng việt": "vie", "việt": "vie", "ภาษาไทย": "tha", "ไทย": "tha", "မြန်မာ": "bur", "မြန်မာဘာသာ": "bur",
    "bahasa melayu": "may", "bahasa indonesia": "ind", "filipino": "fil",
}


@lru_cache(maxsize=4096)
def language_code(text: str | None) -> str | None:
    """One language (code or name, any common form) -> ISO 639-2/B, or ``None`` when unknown.

    >>> [language_code(v) for v in ("ja", "jpn", "Japanese", "日本語", "zh-Hant", "zho", "ko_KR")]
    ['jpn', 'jpn', 'jpn', 'jpn', 'chi', 'chi', 'kor']
    """
    value = clean_text(text)
    if not value:
        return None
    lowered = value.lower()
    if lowered in _NATIVE_LANGUAGE_NAMES:
        return _NATIVE_LANGUAGE_NAMES[lowered]
    base = re.split(r"[-_]", lowered, maxsplit=1)[0] if re.fullmatch(r"[a-z]{2,3}([-_][a-z0-9]+)*", lowered) else lowered
    language = None
    try:
        if len(base) == 2:
            language = pycountry.languages.get(alpha_2=base)
        elif len(base) == 3:
            language = pycountry.languages.get(alpha_3=base) or _by_bibliographic(base)
        else:
            language = pycountry.languages.lookup(value)
    except LookupError:
        language = None
    if language is None or language.alpha_3 in _NO_LANGUAGE:
        return None
    return getattr(language, "bibliographic", None) or language.alpha_3


_NO_LANGUAGE = {"und", "zxx"}  # "undetermined" / "no linguistic content" say nothing about the text


@lru_cache(maxsize=1)
def _bibliographic_codes() -> dict[str, object]:
    return {lang.bibliographic: lang for lang in pycountry.languages if hasattr(lang, "bibliographic")}


def _by_bibliographic(code: str) -> object | None:
    return _bibliographic_codes().get(code)


def normalize_languages(text: str | None) -> list[str]:
    """Every language named in `text`: separated by ``;``/``,``/``|``/space, or run together as CiNii does
    (``jpneng``). Unknown parts are dropped (the caller reports them via `unknown_languages`).

    >>> normalize_languages("ja; en")
    ['jpn', 'eng']
    """
    codes: list[str] = []
    for part in _language_parts(text):
        code = language_code(part)
        if code and code not in codes:
            codes.append(code)
    return codes


def unknown_languages(text: str | None) -> list[str]:
    """The parts of `text` that `normalize_languages` could not read, for a diagnostic."""
    return [part for part in _language_parts(text) if not language_code(part) and part.lower() not in _NO_LANGUAGE]


def _language_parts(text: str | None) -> list[str]:
    value = clean_text(text)
    if not value:
        return []
    parts: list[str] = []
    for part in re.split(r"[;,|/、，]+|\s+(?=[a-z]{2,3}\b)", value):
        part = part.strip()
        if not part:
            continue
        # "jpneng", "engjpn", "chijpn": several 3-letter codes run together
        if len(part) % 3 == 0 and len(part) > 3 and part.isascii() and part.isalpha() and not language_code(part):
            chunks = [part[i : i + 3] for i in range(0, len(part), 3)]
            if all(language_code(chunk) for chunk in chunks):
                parts.extend(chunks)
                continue
        parts.append(part)
    return parts


@dataclass(frozen=True, slots=True)
class LanguageTag:
    """A BCP 47 tag (``xml:lang``) split into what the model keeps."""

    lang: str | None  # ISO 639-2/B
    script: str | None  # ISO 15924, from the tag's script subtag (``ja-Latn``) or a reading hint (``ja-Kana``)
    is_reading: bool  # kana / hangul reading, as in ``ja-Kana``, ``ja-Hrkt``, ``ko-Hang`` paired with hanja


def parse_lang_tag(tag: str | None) -> LanguageTag:
    """Split ``ja-Latn`` / ``ja-hrkt`` / ``zh-Hant-TW`` into language, script and whether it is a reading.

    >>> parse_lang_tag("ja-hrkt")
    LanguageTag(lang='jpn', script='Hrkt', is_reading=True)
    >>> parse_lang_tag("en")
    LanguageTag(lang='eng', script=None, is_reading=False)
    """
    if not tag:
        return LanguageTag(None, None, False)
    parts = re.split(r"[-_]", tag.strip())
    lang = language_code(parts[0])
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    is_reading = script in ("Hrkt", "Kana", "Hira") or (script == "Hang" and lang == "kor")
    if parts[0].lower() in ("ja", "jpn") and script is None and len(parts) > 1 and parts[1].lower() == "kana":
        script, is_reading = "Kana", True
    return LanguageTag(lang, script, is_reading)


# ---------------------------------------------------------------- content types

_CONTENT_TYPE_WORDS: dict[str, str] = {
    # DCMI Type vocabulary
    "text": "book", "image": "image", "stillimage": "image", "movingimage": "video", "sound": "sound",
    "dataset": "dataset", "software": "software", "collection": "mixed", "physicalobject": "other",
    "interactiveresource": "software", "event": "other", "service": "other",
    # MODS typeOfResource
    "cartographic": "map", "notated music": "score", "sound recording": "sound",
    "sound recording-musical": "music", "sound recording-nonmusical": "sound", "still image": "image",
    "moving image": "video", "three dimensional object": "other", "software, multimedia": "software",
    "mixed material": "mixed",
    # common words, NDL material types (materialType rdfs:label and ndltype URIs)
    "book": "book", "books": "book", "monograph": "book", "図書": "book", "本": "book", "書籍": "book",
    "serial": "serial", "periodical": "serial", "journal": "serial", "magazine": "serial", "newspaper": "serial",
    "雑誌": "serial", "新聞": "serial", "逐次刊行物": "serial", "article": "article", "記事": "article",
    "journal article": "article", "conference paper": "article", "departmental bulletin paper": "article",
    "map": "map", "地図": "map", "music": "music", "musicscore": "score", "score": "score", "楽譜": "score",
    "audio": "sound", "録音資料": "sound", "音楽録音": "music", "video": "video", "videodisc": "video",
    "映像資料": "video", "photograph": "image", "painting": "image", "picturepostcard": "image",
    "静止画資料": "image", "写真": "image", "絵はがき": "image", "manuscript": "manuscript", "手稿": "manuscript",
    "古典籍": "book", "点字": "book", "braille": "book", "thesis": "book", "doctoralthesis": "book",
    "博士論文": "book", "electronicresource": "software", "電子資料": "software", "research paper": "article",
}


def content_type_from(text: str | None) -> str | None:
    """Map a DCMI type, MODS typeOfResource, NDL material type or plain word to one of `CONTENT_TYPES`.

    >>> content_type_from("http://purl.org/dc/dcmitype/StillImage")
    'image'
    >>> content_type_from("notated music")
    'score'
    >>> content_type_from("http://ndl.go.jp/ndltype/Book")
    'book'
    """
    value = clean_text(text)
    if not value:
        return None
    key = value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower()
    return _CONTENT_TYPE_WORDS.get(key) or _CONTENT_TYPE_WORDS.get(value.lower())


# ---------------------------------------------------------------- dates

@dataclass(frozen=True, slots=True)
class YearRange:
    year_from: int | None
    year_to: int | None
    era: str | None = None


def year_range(text: str | None, *, country: str | None = None, lang: str | None = None) -> YearRange | None:
    """The normalised year range of a transcribed date, era names included (`tongwen.cjk.eras`). A range
    left open ("1950-", a serial still published) has ``year_to`` None.

    >>> year_range("1996.9")
    YearRange(year_from=1996, year_to=1996, era=None)
    >>> year_range("[19--]")
    YearRange(year_from=1900, year_to=1999, era=None)
    >>> year_range("昭和46年")
    YearRange(year_from=1971, year_to=1971, era='昭和46')
    """
    value = clean_text(text)
    if not value:
        return None
    parsed = parse_date(value, country=country, lang=lang)
    if parsed is None:
        return None
    return YearRange(parsed.year_from, closed_end(parsed.year_to), parsed.era)


def closed_end(year_to: int | None) -> int | None:
    """The era parser's open end (9999) becomes None: an open range has no last year to facet or sort on."""
    return None if year_to == OPEN_END else year_to
