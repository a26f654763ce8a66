"""English ↔ CJK: a query in Latin words that finds translations also searches their originals' titles.

"Tale of Genji" finds the English translations, whose records name the original as a uniform or variant title
(MARC 130/240, 246, 765/767: 源氏物語); the Japanese editions carry only 源氏物語 and its romanization, which
share no word with the English. So when the hits whose *titles* matched a plain Latin-script query name titles
in another script, those titles are searched too, and the result says so ("also searched: 源氏物語"). The
forms come from the records themselves, never from a list of our own, and only when they bring in more records.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from tongwen.cjk.scripts import detect_script
from tongwen.index.query import QuerySyntaxError, Text, parse_query

MAX_ALSO_SEARCHED = 3
HITS_CONSULTED = 10  # the best title matches: further down a list the link to the query grows thin


def is_plain_latin_query(query: str) -> bool:
    """Words (or one phrase) in Latin script with no fields or operators: what people type for a title.

    >>> is_plain_latin_query("Tale of Genji"), is_plain_latin_query("title:Genji"), is_plain_latin_query("源氏")
    (True, False, False)
    """
    try:
        node = parse_query(query)
    except QuerySyntaxError:
        return False
    words = getattr(node, "children", (node,))
    return (all(isinstance(word, Text) and word.field is None for word in words)
            and detect_script(query) == "Latn")


def titles_to_search_too(query: str, title_matches: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[str]:
    """The non-Latin title forms most often named by the records a title search found, counting only records
    with a Latin title the query's words make up whole (the query names that title, not one word of it: "tale"
    is no name of "The tale of Genji"). `title_matches`: per record, best first, (Latin titles, others).

    >>> genji = (["The tale of Genji"], ["源氏物語"])
    >>> titles_to_search_too("Tale of Genji", [genji]), titles_to_search_too("tale", [genji])
    (['源氏物語'], [])
    """
    words = content_words(query)
    counted: Counter[str] = Counter()
    for latin, others in title_matches[:HITS_CONSULTED]:
        if any(content_words(title) <= words for title in latin):
            counted.update(form for form in dict.fromkeys(others) if '"' not in form)
    return [form for form, _ in counted.most_common(MAX_ALSO_SEARCHED)]


def content_words(text: str) -> frozenset[str]:
    """Lower-case words without accents and without the articles and particles titles start or join with.

    >>> sorted(content_words("The Tale of Genji: a study")) == ["genji", "study", "tale"]
    True
    """
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    return frozenset(word for word in re.findall(r"[a-z0-9]+", plain) if word not in _FUNCTION_WORDS)


_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "in", "on", "to", "or", "from", "with", "for"})


def title_probe(query: str) -> str:
    """The query limited to titles (all of them: main, parallel, variant, uniform), to find the records the
    words name rather than mention.

    >>> title_probe("Tale of Genji")
    'title:(Tale of Genji)'
    """
    return f"title:({query})"


def expanded_query(query: str, titles: Sequence[str]) -> str:
    """The query or any of the titles.

    >>> expanded_query("Tale of Genji", ["源氏物語"])
    '(Tale of Genji) OR title:"源氏物語"'
    """
    return f"({query}) OR " + " OR ".join(f'title:"{title}"' for title in titles)
