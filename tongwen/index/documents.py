"""A `Record` turned into what the index stores: analysed tokens per field, facet values, a sort key and
the small summary a hit list shows.

    >>> from tongwen.model import Record, Title, Form
    >>> record = Record("demo", "1", institution="NLC", languages=["chi"],
    ...                 titles=[Title([Form("紅樓夢", "Hani"), Form("Hong lou meng", "Latn")])])
    >>> document = DocumentBuilder(countries={"NLC": "CN"}).build(record)
    >>> document.keywords["country"], document.keywords["script"]
    (['CN'], ['Hani', 'Latn'])
    >>> [t["text"] for t in document.display["titles"]]
    ['紅樓夢', 'Hong lou meng']
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from functools import lru_cache

from tongwen.cjk.japanese import personal_name_hepburn
# romanization's cached one: each form's script is asked for several times per record (readings, keywords,
# display) and again by romanization, so it is detected once
from tongwen.cjk.romanize import detect_script as _detect_script
from tongwen.cjk.scripts import ROMANIZED_TITLE_LANGUAGES, lang_tag
from tongwen.index.analysis import TextAnalysis, default_analysis
from tongwen.index.fulltext import page_documents, running_text_analyzer
from tongwen.index.plan import IndexDocument
from tongwen.cjk.learned_readings import ReadingLexicon
from tongwen.index.readings import is_japanese, learned_readings
from tongwen.model import Form, Record
from tongwen.places import record_places

INDEXED_TITLE_ROLES = ("main", "parallel", "variant", "uniform")  # series titles go to "other"
READING_SCRIPTS = ("Latn", "Hira", "Kana", "Hang")
CHINESE_CODES = ("chi", "zho")  # forms that can serve as the reading of a Han form
MAX_CREATORS_SHOWN = 5
MAX_SUBJECT_FACETS = 20
FULL_TEXT, PAGE_IMAGES = "full text", "page images"  # values of the "digitised" facet
_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:/=]+$")


def title_key(tokens: Iterable[str]) -> str | None:
    """One token standing for a whole title: the same analysed tokens give the same key, so a query that is
    exactly a title (in any variant form) meets it. Hashed so the term dictionary stays small.

    >>> title_key(["红", "楼", "梦"]) == title_key(["红", "楼", "梦"]) != title_key(["红", "楼"])
    True
    """
    joined = "\x1f".join(tokens)
    if not joined:
        return None
    return hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()


def roman_title_key(key: str) -> str | None:
    """The title-key token for a whole roman key ("honglomeng"), kept apart from vernacular keys."""
    return title_key(["roman", key]) if key else None


def normalise_identifier(value: str) -> str:
    """ISBNs and other numbers as matched: no hyphens or spaces, lower case; ISBN-10 becomes ISBN-13.

    >>> normalise_identifier("4-00-000001-X")
    '9784000000017'
    """
    compact = re.sub(r"[\s\-]", "", value).lower()
    if re.fullmatch(r"\d{9}[\dx]", compact):
        return isbn10_to_13(compact)
    return compact


def isbn10_to_13(isbn10: str) -> str:
    # Five lines of check-digit arithmetic: not worth a dependency (python-stdnum) for the index alone.
    core = "978" + isbn10[:9]
    total = sum(int(digit) * (1 if i % 2 == 0 else 3) for i, digit in enumerate(core))
    return core + str((10 - total % 10) % 10)


def _script(form: Form) -> str | None:
    return form.script or _detect_script(form.text)


def country_lookup_from_registry() -> Mapping[str, str]:
    """Institution code → ISO country code from `tongwen.registry`."""
    from tongwen.registry import institution_directory

    return {
        code: info.country for code, info in institution_directory().items() if getattr(info, "country", None)
    }


class DocumentBuilder:
    """Builds `IndexDocument`s. ``countries`` maps institution codes to country codes (default: the
    registry); ``analysis`` is the text analysis (default: `tongwen.cjk.analysis`)."""

    def __init__(
        self,
        *,
        analysis: TextAnalysis | None = None,
        countries: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        agent_forms: Callable[[str], Iterable[Any]] | None = None,
        readings: ReadingLexicon | None = None,
    ) -> None:
        self.analysis = analysis or default_analysis()
        # Readings learned from other records' catalogued yomi (`tongwen.index.readings`), for Japanese text
        # that has none of its own: 新村出 is also indexed as "Shinmura Izuru".
        self.readings = readings
        # record id → its agents with every form each is known by (`tongwen.agents.store.AgentForms`): a
        # name catalogued elsewhere in another script finds this record too (吉田一 ↔ Yoshida, Hajime).
        self.agent_forms = agent_forms
        self.analyze_pages = running_text_analyzer(self.analysis)
        if countries is None:
            countries = country_lookup_from_registry
        self._countries = countries

    @property
    def countries(self) -> Mapping[str, str]:
        if callable(self._countries):
            self._countries = self._countries()
        return self._countries

    def build(self, record: Record) -> IndexDocument:
        lang = record.languages[0] if record.languages else None
        texts: dict[str, list[str]] = {
            "title": [],
            "title_roman": [],
            "title_key": [],
            "creator": [],
            "creator_roman": [],
            "subject": [],
            "publisher": [],
            "other": [],
            "isbn": [],
        }
        pages = page_documents(record, self.analyze_pages)
        texts["text"] = [page.tokens for page in pages]
        analyze = self.analysis.analyze
        roman = self.analysis.roman_tokens

        def add(field: str, tokens: list[str]) -> None:
            if tokens:
                texts[field].append(" ".join(tokens))

        sort_title = ""
        for title in record.titles:
            if title.role not in INDEXED_TITLE_ROLES:
                for form in title.forms:
                    add("other", analyze(form.text, form.lang or lang))
                continue
            for form in title.forms:
                form_lang = form.lang or lang
                readings = tuple(
                    other.text
                    for other in title.forms
                    if other is not form and _script(other) in READING_SCRIPTS
                )
                readings, learned = learned_readings(self.readings, form.text, form_lang, readings)
                vernacular = analyze(form.text, form_lang)
                add("title", vernacular)
                add("title_roman", roman(form.text, form_lang, readings))
                roman_keys = self.analysis.roman_keys(form.text, form_lang, readings)
                extra_keys: list[str] = []
                for respelled in learned:
                    add("title_roman", roman(respelled, form_lang, ()))
                    extra_keys.extend(self.analysis.roman_keys(respelled, form_lang, ()))
                if _script(form) == "Hani" and (form_lang or "")[:3] not in CHINESE_CODES:
                    # Ideographs alone are read in every CJK language: a kanbun title catalogued as
                    # Japanese is cited in pinyin by sinologists (Kanripo gives both).
                    add("title_roman", roman(form.text, "chi", ()))
                    extra_keys.extend(self.analysis.roman_keys(form.text, "chi", ()))
                for key in (title_key(vernacular), *(roman_title_key(k) for k in (*roman_keys, *extra_keys))):
                    if key and key not in texts["title_key"]:
                        texts["title_key"].append(key)
                if not sort_title and title is record.main_title:
                    # Sort by romanization (as library catalogues file CJK titles), falling back to the text.
                    sort_title = roman_keys[0] if roman_keys else "".join(vernacular)
        own_forms = {form.text for agent in record.agents for form in agent.forms}
        known_agents = list(self.agent_forms(record.id)) if self.agent_forms else []
        agent_ids = list(dict.fromkeys(known.agent_id for known in known_agents))  # the creator facet
        learned = [form for known in known_agents for form in known.forms if form.text not in own_forms]
        read = {id(form) for agent in record.agents if any(_script(f) in READING_SCRIPTS for f in agent.forms)
                for form in agent.forms}  # names catalogued with their reading need no learned one
        for form in [*(form for agent in record.agents for form in agent.forms), *learned]:
            form_lang = form.lang or lang
            add("creator", analyze(form.text, form_lang))
            own, respellings = learned_readings(None if id(form) in read else self.readings, form.text, form_lang, ())
            add("creator_roman", roman(form.text, form_lang, own))
            for respelled in respellings:
                add("creator_roman", roman(respelled, form_lang, ()))
            if id(form) not in read and _script(form) == "Hani" and is_japanese(form.text, form_lang):
                name = personal_name_hepburn(form.text)  # 新村出 also as "Shinmura, Izuru" (not niimura shutsu)
                if name:
                    add("creator_roman", roman(name, form_lang, ()))
        for subject in record.subjects:
            add("subject", analyze(subject.term, lang))
        for genre in record.genres:
            add("subject", analyze(genre, lang))
        for publication in record.publications:
            for pub_form in publication.forms:
                for part in (pub_form.publisher, pub_form.place):
                    if part:
                        add("publisher", analyze(part, lang))
        for note in record.notes:
            add("other", analyze(note, lang))
        for identifier in record.identifiers:
            if identifier.value.strip():
                texts["isbn"].append(normalise_identifier(identifier.value))

        return IndexDocument(
            id=record.id,
            texts=texts,
            keywords=self.keywords(record) | {"agent_facet": agent_ids},
            year=record.year_from,
            sort_title=sort_title or "\uffff",  # untitled records sort last
            display=display_summary(record),
            pages=pages,
        )

    def keywords(self, record: Record) -> dict[str, list[str]]:
        scripts: dict[str, None] = {}
        for group in (*record.titles, *record.agents):
            for form in group.forms:
                script = _script(form)
                if script:
                    scripts.setdefault(script, None)
        subjects: dict[str, None] = {}
        for subject in record.subjects:
            term = _TRAILING_PUNCTUATION.sub("", subject.term)
            if term:
                subjects.setdefault(term, None)
        country = self.countries.get(record.institution) if record.institution else None
        return {
            "institution": [record.institution] if record.institution else [],
            "country": [country] if country else [],
            "language": list(dict.fromkeys(record.languages)),
            "script": list(scripts),
            "type": [record.content_type] if record.content_type else [],
            "subject_facet": list(subjects)[:MAX_SUBJECT_FACETS],
            "digitised": digitised_values(record),
            "place_facet": [match.place.id for match in record_places(record)],  # GeoNames id or ISO country
        }


def digitised_values(record: Record) -> list[str]:
    """The "digitised" facet: ``full text`` when a page has text, ``page images`` when a page has an image."""
    values = []
    if any(page.text for page in record.pages):
        values.append(FULL_TEXT)
    if any(page.image for page in record.pages):
        values.append(PAGE_IMAGES)
    return values


def _form_summary(form: Form, lang: str | None) -> dict[str, str | None]:
    script, tag = _script_and_tag(form.text, form.script, form.lang or lang)
    return {"text": form.text, "script": script, "lang": tag}


@lru_cache(maxsize=65536)
def _script_and_tag(text: str, script: str | None, lang: str | None) -> tuple[str | None, str | None]:
    # Names and titles recur; the tag of Han text asks OpenCC whether it is simplified.
    script = script or _detect_script(text)
    return script, lang_tag(script, lang, text)


MAX_OTHER_TITLES = 5


def display_summary(record: Record) -> dict:
    """What a hit shows without asking the store: the main title in every script (then other titles),
    creators with their forms, year, institution."""
    lang = record.languages[0] if record.languages else None
    main = record.main_title
    titles = [_form_summary(form, lang) | {"role": main.role} for form in main.forms] if main else []
    others = [
        _form_summary(form, lang) | {"role": title.role}
        for title in record.titles
        if title is not main and title.role in ("parallel", "uniform")
        for form in title.forms
    ]
    creators = [
        {"name": agent.name, "role": agent.role, "forms": [_form_summary(form, lang) for form in agent.forms]}
        for agent in record.agents[:MAX_CREATORS_SHOWN]
    ]
    named = [form for title in record.titles if title.role != "series" for form in title.forms]
    other_scripts = list(dict.fromkeys(form.text for form in named if _script(form) not in ("Latn", None)))
    translated = [form for form in named
                  if _script(form) == "Latn" and (form.lang or lang) not in ROMANIZED_TITLE_LANGUAGES]
    translations = list(dict.fromkeys(form.text for form in translated))
    return {
        "titles": titles + others,
        # for English ↔ CJK queries, `tongwen.index.expansion`
        "other_scripts": other_scripts[:MAX_OTHER_TITLES],
        "translated_titles": translations[:MAX_OTHER_TITLES],
        "creators": creators,
        "year": record.year_from,
        "date": record.date_display,
        "institution": record.institution,
        "type": record.content_type,
        "languages": record.languages,
        "pages": len(record.pages),
    }
