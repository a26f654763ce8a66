"""Citation formats for reference managers: RIS and BibTeX, one entry per record.

    >>> from tongwen.model import Agent, Form, Record, Title
    >>> rec = Record("ndl", "1", titles=[Title([Form("Genji monogatari", "Latn", "jpn"), Form("源氏物語", "Hani", "jpn")])],
    ...              agents=[Agent([Form("Murasaki Shikibu", "Latn"), Form("紫式部", "Hani")])], year_from=1958,
    ...              languages=["jpn"], content_type="book")
    >>> print(ris_entry(rec), end="")
    TY  - BOOK
    ID  - ndl:1
    TI  - Genji monogatari = 源氏物語
    AU  - Murasaki Shikibu = 紫式部
    PY  - 1958
    LA  - jpn
    ER  - 
    >>> print(bibtex_entry(rec), end="")
    @book{ndl_1,
      title = {Genji monogatari = 源氏物語},
      author = {{Murasaki Shikibu = 紫式部}},
      year = {1958},
      language = {jpn},
      note = {Tongwen record ndl:1},
    }

The forms of a title or a name in several scripts are joined with " = ", the ISBD sign for parallel forms,
so one entry keeps every script without the reference manager seeing two authors. Both formats are written
here rather than with a library: RIS is "tag, two spaces, dash, space, value" per line, and the BibTeX
libraries (pybtex, bibtexparser) neither escape TeX specials nor protect a name from being split into
first/last parts, which a CJK name written without a comma needs (hence the double braces).
"""

from __future__ import annotations

import re

from tongwen.export.common import display_date, identifiers_of, links_of, publication_forms
from tongwen.model import Agent, Form, Record

_RIS_TYPES = {
    "book": "BOOK", "serial": "JFULL", "manuscript": "MANSCPT", "map": "MAP", "music": "MUSIC", "score": "MUSIC",
    "sound": "SOUND", "video": "VIDEO", "image": "ART", "article": "JOUR", "dataset": "DATA", "software": "COMP",
}
_BIBTEX_TYPES = {"book": "book", "serial": "periodical", "manuscript": "unpublished", "article": "article"}
_EDITOR_ROLES = ("editor", "compiler", "edt", "com")


def joined(forms: list[Form]) -> str:
    texts = list(dict.fromkeys(f.text.strip() for f in forms if f.text.strip()))
    return " = ".join(texts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def ris_entry(record: Record) -> str:
    lines = [("TY", _RIS_TYPES.get(record.content_type or "", "GEN")), ("ID", record.id)]
    main = record.main_title
    if main is not None:
        lines.append(("TI", joined(main.forms)))
    for title in record.titles:
        if title is main:
            continue
        lines.append(("T3" if title.role == "series" else "TT", joined(title.forms)))
    for agent in record.agents:
        tag = "A2" if agent.role in _EDITOR_ROLES else ("AU" if agent.role == "creator" else "A4")
        lines.append((tag, joined(agent.forms)))
    year = record.year_from
    if year is not None:
        lines.append(("PY", f"{year:04d}"))
    if display_date(record) and display_date(record) != (f"{year:04d}" if year is not None else None):
        lines.append(("DA", display_date(record)))
    for form in publication_forms(record):
        if form.publisher:
            lines.append(("PB", form.publisher))
        if form.place:
            lines.append(("CY", form.place))
    for value in identifiers_of(record, "isbn") + identifiers_of(record, "issn"):
        lines.append(("SN", value))
    for value in identifiers_of(record, "doi"):
        lines.append(("DO", value))
    for code in record.languages:
        lines.append(("LA", code))
    for subject in record.subjects:
        lines.append(("KW", subject.term))
    if record.extent:
        lines.append(("N1", f"Extent: {record.extent}"))
    for note in record.notes:
        lines.append(("N1", note))
    for url in links_of(record, "landing", "fulltext", "iiif_manifest", "other"):
        lines.append(("UR", url))
    if record.institution:
        lines.append(("DP", record.institution))
    text = "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines if value)
    return text + "ER  - \n"


_TEX_SPECIALS = re.compile(r"([\\{}%&$#_^~])")
_TEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def tex_escape(text: str) -> str:
    """Escape TeX's special characters (UTF-8 text itself is left alone: biber and modern BibTeX read it)."""
    return _TEX_SPECIALS.sub(lambda m: _TEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), _one_line(text))


def bibtex_key(record: Record) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]", "_", record.id)


def _bibtex_name(agent: Agent) -> str:
    name = tex_escape(joined(agent.forms))
    # "Yamagishi, Tokuhei" is already last, first; any other form (紫式部, an organisation) is kept whole.
    return name if ("," in name and len(agent.forms) == 1) else "{" + name + "}"


def bibtex_entry(record: Record) -> str:
    fields: list[tuple[str, str]] = []
    main = record.main_title
    if main is not None:
        fields.append(("title", tex_escape(joined(main.forms))))
    authors = [a for a in record.agents if a.role == "creator"]
    editors = [a for a in record.agents if a.role in _EDITOR_ROLES]
    if authors:
        fields.append(("author", " and ".join(_bibtex_name(a) for a in authors)))
    if editors:
        fields.append(("editor", " and ".join(_bibtex_name(a) for a in editors)))
    series = [t for t in record.titles if t.role == "series"]
    if series:
        fields.append(("series", tex_escape(joined(series[0].forms))))
    publishers = [f.publisher for f in publication_forms(record) if f.publisher]
    if publishers:
        fields.append(("publisher", tex_escape(" = ".join(dict.fromkeys(publishers)))))
    places = [f.place for f in publication_forms(record) if f.place]
    if places:
        fields.append(("address", tex_escape(" = ".join(dict.fromkeys(places)))))
    if record.year_from is not None:
        fields.append(("year", str(record.year_from)))
    elif display_date(record):
        fields.append(("year", tex_escape(display_date(record))))
    isbns = identifiers_of(record, "isbn")
    if isbns:
        fields.append(("isbn", isbns[0]))
    issns = identifiers_of(record, "issn")
    if issns:
        fields.append(("issn", issns[0]))
    if record.languages:
        fields.append(("language", ", ".join(record.languages)))
    urls = links_of(record, "landing", "fulltext")
    if urls:
        fields.append(("url", urls[0]))
    if record.subjects:
        fields.append(("keywords", tex_escape(", ".join(s.term for s in record.subjects))))
    fields.append(("note", tex_escape(f"Tongwen record {record.id}")))
    entry_type = _BIBTEX_TYPES.get(record.content_type or "", "misc")
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{entry_type}{{{bibtex_key(record)},\n{body}}}\n"
