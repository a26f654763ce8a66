"""The query language people type into the search box, parsed into a small tree.

    >>> parse_query('紅樓夢 OR "Hong lou meng"')
    Or(children=(Text(value='紅樓夢', field=None, phrase=False), Text(value='Hong lou meng', field=None, phrase=True)))
    >>> parse_query('title:源氏物語 year:1900-1950 NOT subject:(poetry OR 詩)')
    And(children=(Text(value='源氏物語', field='title', phrase=False), YearRange(low=1900, high=1950), Not(child=Or(children=(Text(value='poetry', field='subject', phrase=False), Text(value='詩', field='subject', phrase=False))))))

The grammar, loosest binding first::

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*          -- words side by side are ANDed
    unary    := ("NOT" | "-") unary | primary
    primary  := "(" or_expr ")" | FIELD ":" value | phrase | word
    value    := "(" or_expr ")" | phrase | word  -- for year:, a range "1900-1950", "1900-", "-1950" or "1900"

Operators are upper case only (``and`` / ``or`` / ``not`` are ordinary words, as in most library catalogues).
Phrases take ASCII quotes or the CJK ones (“…”, 「…」, 『…』). ``name:`` is a field only when ``name`` is one
of `FIELDS`, so titles with colons ("Taiwan: a history") stay plain text. Full-width parentheses (（全三部）)
are title text, never grouping. Anything that does not parse raises `QuerySyntaxError`, whose message is
written for the person who typed the query.

The parser is hand-written (about 200 lines) rather than delegated to tantivy's own query parser because the
terms must go through our CJK analysis before they reach the engine, and because the same tree must work for
another engine later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = ("title", "creator", "subject", "isbn", "publisher", "year", "text")
MAX_NESTING = 32  # parentheses and NOTs inside each other; deeper is no query a person writes
# A lowercase ASCII name glued to a value ("nosuchfield:foo") is meant as a field; "Taiwan: a history",
# "Re:Zero" and URLs stay text.
_MEANT_AS_FIELD = re.compile(r"([a-z_]{2,30}):(?!//)\S")
FIELD_ALIASES = {"author": "creator", "ti": "title", "au": "creator", "su": "subject", "fulltext": "text"}
OPERATORS = ("AND", "OR", "NOT")
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
# A year range "1900-1950": the dash separates two years, so a leading minus is only read as BCE when the
# whole value is a single year ("-500").
_YEAR_RANGE = re.compile(r"^(\d{1,4})?\s*[-–]\s*(\d{1,4})?$")


class QuerySyntaxError(ValueError):
    """A query that cannot be understood. ``str(error)`` is a message for people; ``position`` is the
    0-based character offset where the problem was found (or None)."""

    def __init__(self, message: str, query: str = "", position: int | None = None) -> None:
        self.message = message
        self.query = query
        self.position = position
        super().__init__(message if position is None else f"{message} (at character {position + 1})")


@dataclass(frozen=True, slots=True)
class Text:
    """A word or a "phrase", optionally limited to one field."""

    value: str
    field: str | None = None
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class YearRange:
    """``year:1900-1950``; either end may be open (None)."""

    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class And:
    """``explicit``: the words were joined by a written AND (strict), not just side by side (a long run of
    words side by side may match with a few missing, see `tongwen.index.compiler`)."""

    children: tuple[Node, ...]
    explicit: bool = field(default=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Text | YearRange | And | Or | Not


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # word, phrase, lparen, rparen, and, or, not, field
    value: str
    position: int


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace() or ch == "\u3000":
            i += 1
        elif ch == "(":
            tokens.append(_Token("lparen", ch, i))
            i += 1
        elif ch == ")":
            tokens.append(_Token("rparen", ch, i))
            i += 1
        elif ch in _QUOTES:
            closing = _QUOTES[ch]
            end = query.find(closing, i + 1)
            if end < 0:
                raise QuerySyntaxError(f"the quotation mark {ch} is never closed", query, i)
            tokens.append(_Token("phrase", query[i + 1 : end], i))
            i = end + 1
        elif (
            ch == "-"
            and (i + 1 < n and not query[i + 1].isspace() and not query[i + 1].isdigit())
            and (not tokens or tokens[-1].kind != "field")
        ):
            # "-word" negates, like NOT; "-1950" after "year:" is a value, and a lone "-" is text.
            tokens.append(_Token("not", ch, i))
            i += 1
        else:
            start = i
            while i < n and not (query[i].isspace() or query[i] in '()"“「『\u3000'):
                i += 1
                # A field name ends at its colon so that title:"a b" and title:(a b) work.
                if query[i - 1] == ":" and _field_name(query[start : i - 1]):
                    break
            word = query[start:i]
            if word in OPERATORS:
                tokens.append(_Token(word.lower(), word, start))
            elif word.endswith(":") and _field_name(word[:-1]):
                tokens.append(_Token("field", _field_name(word[:-1]) or "", start))
            elif (meant := _MEANT_AS_FIELD.match(word)) and not _field_name(meant.group(1)):
                raise QuerySyntaxError(
                    f"there is no field {meant.group(1)!r}; the fields are {', '.join(f + ':' for f in FIELDS)} "
                    f"(put the words in quotes to search for them as written)", query, start)
            else:
                tokens.append(_Token("word", word, start))
    return tokens


def _field_name(name: str) -> str | None:
    lowered = name.lower()
    if lowered in FIELDS:
        return lowered
    return FIELD_ALIASES.get(lowered)


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokenize(query)
        self.index = 0
        self.depth = 0

    def error(self, message: str, position: int | None = None) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.query, position)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise self.error("the query is empty: type a word, a title or a name")
        node = self.or_expr(field=None)
        token = self.peek()
        if token is not None:
            # Only a stray ")" can stop or_expr early.
            raise self.error("there is a closing parenthesis ) without an opening one", token.position)
        return node

    def or_expr(self, field: str | None) -> Node:
        children = [self.and_expr(field)]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            if self.peek() is None or self.peek().kind in ("rparen", "or", "and"):
                raise self.error("OR needs something on both sides", token.position)
            children.append(self.and_expr(field))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self, field: str | None) -> Node:
        token = self.peek()
        if token is not None and token.kind in ("and", "or"):
            raise self.error(f"{token.value} needs something on both sides", token.position)
        children = [self.unary(field)]
        explicit = False
        while (token := self.peek()) is not None and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                explicit = True
                self.take()
                following = self.peek()
                if following is None or following.kind in ("rparen", "or", "and"):
                    raise self.error("AND needs something on both sides", token.position)
            children.append(self.unary(field))
        return children[0] if len(children) == 1 else And(tuple(children), explicit)

    def unary(self, field: str | None) -> Node:
        token = self.peek()
        if token is not None and token.kind in ("not", "lparen"):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise self.error(f"the query nests more than {MAX_NESTING} parentheses or NOTs deep", token.position)
            try:
                return self._unary(field)
            finally:
                self.depth -= 1
        return self.primary(field)

    def _unary(self, field: str | None) -> Node:
        token = self.peek()
        if token is not None and token.kind == "not":
            self.take()
            following = self.peek()
            if following is None or following.kind in ("rparen", "or", "and"):
                raise self.error("NOT needs a word or a group after it", token.position)
            return Not(self.unary(field))
        return self.primary(field)

    def primary(self, field: str | None) -> Node:
        token = self.peek()
        if token is None:
            raise self.error("the query ends too early")
        if token.kind == "lparen":
            self.take()
            if (inner := self.peek()) is not None and inner.kind == "rparen":
                raise self.error("the parentheses are empty", token.position)
            if inner is None:
                raise self.error("the parenthesis ( is never closed", token.position)
            node = self.or_expr(field)
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise self.error("the parenthesis ( is never closed", token.position)
            self.take()
            return node
        if token.kind == "rparen":
            raise self.error("there is a closing parenthesis ) without an opening one", token.position)
        if token.kind == "field":
            self.take()
            if field is not None:
                raise self.error(f"{token.value}: cannot be used inside {field}:(…)", token.position)
            value = self.peek()
            if value is None or value.kind not in ("word", "phrase", "lparen"):
                raise self.error(f"{token.value}: needs a value right after the colon", token.position)
            if token.value == "year":
                return self.year(self.take())
            return self.primary(token.value)
        token = self.take()
        if token.kind == "phrase":
            if not token.value.strip():
                raise self.error("the quotation marks are empty", token.position)
            return Text(token.value.strip(), field, phrase=True)
        return Text(token.value, field)

    def year(self, token: _Token) -> YearRange:
        value = token.value.strip()
        single = re.fullmatch(r"\d{1,4}", value)
        if single:
            year = int(value)
            return YearRange(year, year)
        match = _YEAR_RANGE.fullmatch(value)
        if token.kind != "word" or not match or (match.group(1) is None and match.group(2) is None):
            raise self.error(
                f"year:{value} is not a year or a range; write for example year:1900-1950, year:1900- or year:1868",
                token.position,
            )
        low = int(match.group(1)) if match.group(1) else None
        high = int(match.group(2)) if match.group(2) else None
        if low is not None and high is not None and low > high:
            raise self.error(
                f"year:{value} starts after it ends; write the earlier year first", token.position
            )
        return YearRange(low, high)


def parse_query(query: str) -> Node:
    """Parse a query string into a tree of `Text`, `YearRange`, `And`, `Or` and `Not`.

    >>> parse_query("isbn:9787020002207")
    Text(value='9787020002207', field='isbn', phrase=False)
    >>> parse_query("(a")
    Traceback (most recent call last):
    ...
    tongwen.index.query.QuerySyntaxError: the parenthesis ( is never closed (at character 1)
    """
    return _Parser(query).parse()


def positive_texts(node: Node) -> list[Text]:
    """The `Text` leaves that are not under a NOT: what a highlighter should mark.

    >>> [t.value for t in positive_texts(parse_query('a (b OR c) NOT d'))]
    ['a', 'b', 'c']
    """
    if isinstance(node, Text):
        return [node]
    if isinstance(node, (And, Or)):
        return [text for child in node.children for text in positive_texts(child)]
    return []
