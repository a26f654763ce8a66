"""What every serialiser needs from a `Record`: language tags for its forms and its parts flattened to text.

    >>> from tongwen.model import Form, Record, Title
    >>> rec = Record("ndl", "1", titles=[Title([Form("Genji monogatari", "Latn", "jpn"), Form("源氏物語", "Hani", "jpn")])],
    ...              languages=["jpn"])
    >>> [(f.text, form_tag(f, rec)) for f in rec.titles[0].forms]
    [('Genji monogatari', 'ja-Latn'), ('源氏物語', 'ja')]
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from tongwen.cjk.scripts import bcp47_language, detect_script, lang_tag
from tongwen.model import Form, PublicationForm, Record

ROMAN_SCRIPTS = ("Latn",)


@lru_cache(maxsize=65536)
def _cached_tag(script: str | None, lang: str | None, text: str) -> str | None:
    # lang_tag asks OpenCC whether Han text without a language is simplified or traditional: worth caching,
    # names and publishers repeat across many records.
    return lang_tag(script, lang, text)


def form_tag(form: Form, record: Record) -> str | None:
    """The BCP 47 tag of one written form, the record's first language standing in when the form has none
    (a name 山岸徳平 in a Japanese book is Japanese, not Chinese)."""
    script = form.script or detect_script(form.text)
    return _cached_tag(script, form.lang or record_language(record), form.text)


def text_tag(text: str, script: str | None, record: Record) -> str | None:
    return _cached_tag(script or detect_script(text), record_language(record), text)


def record_language(record: Record) -> str | None:
    return record.languages[0] if record.languages else None


def record_bcp47_languages(record: Record) -> list[str]:
    """ISO 639-2 codes as BCP 47 (``jpn`` → ``ja``), unknown codes kept as they are."""
    return [bcp47_language(code) or code for code in record.languages]


def roman_first(forms: list[Form]) -> list[Form]:
    """The forms with the romanized one first: the order MARC wants (regular field romanized, 880 vernacular)."""
    roman = [f for f in forms if f.script in ROMAN_SCRIPTS]
    return roman[:1] + [f for f in forms if f not in roman[:1]]


def publication_forms(record: Record) -> Iterator[PublicationForm]:
    for publication in record.publications:
        yield from publication.forms


def first_publication(record: Record) -> PublicationForm | None:
    return next(publication_forms(record), None)


def identifiers_of(record: Record, scheme: str) -> list[str]:
    return [i.value for i in record.identifiers if i.scheme == scheme]


def links_of(record: Record, *kinds: str) -> list[str]:
    return [link.url for link in record.links if link.kind in kinds]


def display_date(record: Record) -> str | None:
    """The date as people should read it: the display form, else the year range."""
    if record.date_display:
        return record.date_display
    if record.year_from is None:
        return None
    if record.year_to is not None and record.year_to != record.year_from:
        return f"{record.year_from}-{record.year_to}"
    return str(record.year_from)


def iso_year(record: Record) -> str | None:
    """``1958`` or ``1958/1963`` (ISO 8601 interval) for machine-readable dates."""
    if record.year_from is None:
        return None
    if record.year_to is not None and record.year_to != record.year_from:
        return f"{record.year_from:04d}/{record.year_to:04d}"
    return f"{record.year_from:04d}"
