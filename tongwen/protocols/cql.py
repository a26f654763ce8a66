"""CQL (Contextual Query Language, the query language of SRU) parsed and compiled into our own query tree.

    >>> to_query(parse_cql('dc.title any "源氏 平家" and dc.date >= 1900'))
    And(children=(Or(children=(Text(value='源氏', field='title', phrase=False), Text(value='平家', field='title', phrase=False))), YearRange(low=1900, high=None)))
    >>> to_query_string(parse_cql('dc.creator adj "Murasaki Shikibu" not dc.subject = poetry'))
    'creator:"Murasaki Shikibu" AND NOT subject:poetry'

The grammar (CQL 1.2, https://www.loc.gov/standards/sru/cql/spec.html), booleans left-associative and of
equal precedence::

    cqlQuery     := prefixAssignment cqlQuery | scopedClause [sortBy ...]
    scopedClause := scopedClause boolean [modifiers] searchClause | searchClause
    searchClause := "(" cqlQuery ")" | index relation [modifiers] term | term
    relation     := "=" | "==" | "<>" | "<" | ">" | "<=" | ">=" | name (any, all, adj, within, ...)
    modifiers    := ("/" name [comparitor value])*

Hand-written (about 150 lines) because it compiles into `tongwen.index.query`'s tree, not into a search
engine's syntax, and every construct we do not support must become the SRU diagnostic that names it.
Supported: the indexes of `INDEXES`, relations ``=`` (all words), ``all``, ``any``, ``adj`` / ``==`` (phrase),
and ``=, <, >, <=, >=, within`` on ``dc.date``; ``and``, ``or``, ``not``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tongwen.index.query import And, Node, Not, Or, Text, YearRange

# Bounds on what one query may ask (a client can send anything; the parser and the printer recurse).
MAX_CQL_LENGTH = 2_000  # characters
MAX_CQL_BOOLEANS = 15  # and / or / not: each adds a level to the query the index runs
MAX_CQL_DEPTH = 15  # parentheses inside each other


class CqlError(ValueError):
    """A query we cannot run, as an SRU diagnostic: ``code`` is N of ``info:srw/diagnostic/1/N``;
    ``details`` is the part of the query concerned."""

    def __init__(self, code: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


@dataclass(frozen=True, slots=True)
class Modifier:
    name: str
    comparitor: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class SearchClause:
    index: str  # "cql.serverchoice" when none was written
    relation: str
    term: str
    modifiers: tuple[Modifier, ...] = ()


@dataclass(frozen=True, slots=True)
class BooleanClause:
    operator: str  # and, or, not, prox
    left: CqlNode
    right: CqlNode
    modifiers: tuple[Modifier, ...] = ()


CqlNode = SearchClause | BooleanClause

SERVER_CHOICE = "cql.serverchoice"
INDEXES: dict[str, str | None] = {
    # CQL index (lower case, prefix included) -> field of our query language (None: every field).
    "cql.serverchoice": None, "cql.anywhere": None, "dc.anywhere": None,
    "dc.title": "title", "dc.creator": "creator", "dc.author": "creator", "dc.contributor": "creator",
    "dc.subject": "subject", "dc.date": "year", "dc.identifier": "isbn", "dc.publisher": "publisher",
}
DEFAULT_PREFIXES = {"dc", "cql"}
_COMPARITORS = ("==", "<>", "<=", ">=", "=", "<", ">")
_BOOLEANS = ("and", "or", "not", "prox")
_TOKEN = re.compile(r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*"?)|(?P<cmp>==|<>|<=|>=|[=<>])|(?P<punct>[()/])|'
                    r'(?P<word>[^\s()=<>"/]+))')


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # quoted, cmp, punct, word
    value: str
    position: int


def _tokens(query: str) -> list[_Tok]:
    tokens = []
    position = 0
    while position < len(query):
        if query[position:].strip() == "":
            break
        match = _TOKEN.match(query, position)
        if match is None:  # pragma: no cover - every character is covered by one alternative
            raise CqlError(10, "the query cannot be read", query[position:])
        kind = match.lastgroup or "word"
        value = match.group(kind)
        if kind == "quoted":
            if len(value) < 2 or not value.endswith('"') or value.endswith('\\"') and not value.endswith('\\\\"'):
                raise CqlError(14, 'a quotation mark " is never closed', value)
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append(_Tok(kind, value, match.start(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.index = 0
        self.prefixes = set(DEFAULT_PREFIXES)
        self.booleans = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> _Tok | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def take(self) -> _Tok:
        token = self.peek()
        if token is None:
            raise CqlError(10, "the query ends too early", self.query)
        self.index += 1
        return token

    def parse(self) -> CqlNode:
        if not self.tokens:
            raise CqlError(27, "the query is empty")
        node = self.cql_query()
        token = self.peek()
        if token is not None:
            if token.kind == "word" and token.value.lower() == "sortby":
                raise CqlError(80, "sorting (sortBy) is not supported", token.value)
            if token.value == ")":
                raise CqlError(13, "a closing parenthesis ) has no opening one", token.value)
            raise CqlError(10, f"unexpected {token.value!r} after a complete query: put several words in quotes "
                               f'("a b"), or join them with and / or', token.value)
        return node

    def cql_query(self) -> CqlNode:
        while (token := self.peek()) is not None and token.kind == "cmp" and token.value == ">":
            self.take()  # prefix assignment: > dc = "info:srw/cql-context-set/1/dc-v1.1"
            name = self.take()
            if self.peek() is not None and self.peek().value == "=":
                self.take()
                self.take()
                self.prefixes.add(name.value.lower())
        node = self.search_clause()
        while (token := self.peek()) is not None and token.kind == "word" and token.value.lower() in _BOOLEANS:
            operator = self.take().value.lower()
            self.booleans += 1
            if self.booleans > MAX_CQL_BOOLEANS:
                raise CqlError(10, f"the query joins more than {MAX_CQL_BOOLEANS} terms with and / or / not; "
                                   f"split it into several searches", token.value)
            modifiers = self.modifiers()
            right = self.search_clause()
            node = BooleanClause(operator, node, right, modifiers)
        return node

    def modifiers(self) -> tuple[Modifier, ...]:
        found = []
        while (token := self.peek()) is not None and token.value == "/" and token.kind == "punct":
            self.take()
            name = self.take().value.lower()
            if (token := self.peek()) is not None and token.kind == "cmp":
                comparitor = self.take().value
                found.append(Modifier(name, comparitor, self.take().value))
            else:
                found.append(Modifier(name))
        return tuple(found)

    def search_clause(self) -> CqlNode:
        token = self.take()
        if token.kind == "punct" and token.value == "(":
            self.depth += 1
            if self.depth > MAX_CQL_DEPTH:
                raise CqlError(10, f"the query nests parentheses more than {MAX_CQL_DEPTH} deep", token.value)
            node = self.cql_query()
            self.depth -= 1
            closing = self.peek()
            if closing is None or closing.value != ")":
                raise CqlError(13, "a parenthesis ( is never closed", self.query[token.position:])
            self.take()
            return node
        if token.kind in ("punct", "cmp"):
            raise CqlError(10, f"a search term was expected, not {token.value!r}", token.value)
        following = self.peek()
        is_relation = following is not None and (
            following.kind == "cmp"
            or (following.kind == "word" and following.value.lower() not in (*_BOOLEANS, "sortby")
                and token.kind == "word" and self._next_is_term(1))
        )
        if not is_relation:
            return SearchClause(SERVER_CHOICE, "=", token.value)
        relation = self.take().value.lower()
        modifiers = self.modifiers()
        term = self.take()
        if term.kind not in ("word", "quoted"):
            raise CqlError(10, f"a search term was expected after {relation!r}", term.value)
        return SearchClause(self.index_name(token.value), relation, term.value, modifiers)

    def _next_is_term(self, offset: int) -> bool:
        # "title any x": a word followed by a word is index + relation only when a term comes after.
        after = self.peek(offset)
        if after is None:
            return False
        if after.kind == "punct" and after.value == "/":
            return True
        return after.kind in ("word", "quoted") and not (after.kind == "word" and after.value.lower() in _BOOLEANS
                                                         and self.peek(offset + 1) is not None)

    def index_name(self, name: str) -> str:
        lowered = name.lower()
        if "." in lowered:
            prefix = lowered.split(".", 1)[0]
            if prefix not in self.prefixes:
                raise CqlError(15, f"the context set {prefix!r} is not supported; use dc or cql", name)
            return lowered
        if lowered in ("serverchoice", "anywhere"):
            return SERVER_CHOICE
        return f"dc.{lowered}"


def parse_cql(query: str) -> CqlNode:
    """Parse a CQL query; `CqlError` (with its SRU diagnostic code) when it cannot be read."""
    if len(query) > MAX_CQL_LENGTH:
        raise CqlError(10, f"the query is {len(query):,} characters long; the limit is {MAX_CQL_LENGTH:,}",
                       query[:50])
    return _Parser(query).parse()


# --- compiling into our query tree ------------------------------------------------------------------------

_YEAR = re.compile(r"^(-?\d{1,4})(?:-\d{2}(?:-\d{2})?)?$")


def to_query(node: CqlNode) -> Node:
    """The CQL tree as a `tongwen.index.query` tree; `CqlError` for what the index cannot do."""
    if isinstance(node, BooleanClause):
        if node.operator == "prox":
            raise CqlError(39, "proximity (prox) is not supported", "prox")
        if node.modifiers:
            raise CqlError(46, f"boolean modifiers are not supported ({node.modifiers[0].name})",
                           node.modifiers[0].name)
        left, right = to_query(node.left), to_query(node.right)
        if node.operator == "and":
            return And((left, right), explicit=True)
        if node.operator == "or":
            return Or((left, right))
        return And((left, Not(right)), explicit=True)
    return _clause(node)


def _clause(clause: SearchClause) -> Node:
    if clause.index not in INDEXES:
        raise CqlError(16, f"the index {clause.index!r} is not supported; use one of {', '.join(INDEXES)}",
                       clause.index)
    if clause.modifiers:
        raise CqlError(20, f"relation modifiers are not supported ({clause.modifiers[0].name})",
                       clause.modifiers[0].name)
    field = INDEXES[clause.index]
    term = clause.term.strip()
    if not term:
        raise CqlError(27, "empty search terms are not supported", clause.index)
    if field == "year":
        return _year(clause, term)
    if any(ch in term for ch in "*?^"):
        raise CqlError(28, "masking (* ?) and anchoring (^) characters are not supported", term)
    words = term.split()
    relation = clause.relation
    if relation in ("adj", "==", "exact"):
        return Text(" ".join(words), field, phrase=len(words) > 1)
    if relation in ("=", "all"):
        return _joined(And, [Text(w, field) for w in words], explicit=True)
    if relation == "any":
        return _joined(Or, [Text(w, field) for w in words])
    raise CqlError(19, f"the relation {relation!r} is not supported for {clause.index}; use =, all, any or adj",
                   relation)


def _joined(kind, children: list[Node], **options) -> Node:
    return children[0] if len(children) == 1 else kind(tuple(children), **options)


def _year_of(value: str, clause: SearchClause) -> int:
    match = _YEAR.match(value)
    if match is None:
        raise CqlError(36, f"{value!r} is not a year (dc.date takes years such as 1868 or 1900-01-01)", value)
    return int(match.group(1))


def _year(clause: SearchClause, term: str) -> YearRange:
    relation = clause.relation
    if relation == "within":
        parts = term.split()
        if len(parts) != 2:
            raise CqlError(36, 'dc.date within needs two years: dc.date within "1900 1950"', term)
        low, high = (_year_of(p, clause) for p in parts)
        return YearRange(min(low, high), max(low, high))
    year = _year_of(term, clause)
    ranges = {"=": (year, year), "==": (year, year), "<": (None, year - 1), "<=": (None, year),
              ">": (year + 1, None), ">=": (year, None)}
    if relation not in ranges:
        raise CqlError(19, f"the relation {relation!r} is not supported for dc.date; use = < > <= >= or within",
                       relation)
    return YearRange(*ranges[relation])


# --- printing our tree as a query string (what `SearchRequest` takes) -------------------------------------


def to_query_string(node: CqlNode | Node) -> str:
    """Our query language's text for a tree, so the SRU search runs through `SearchIndex.search` like any
    other (same analysis, same ranking)."""
    tree = to_query(node) if isinstance(node, (SearchClause, BooleanClause)) else node
    return _print(tree)


def _print(node: Node) -> str:
    if isinstance(node, Text):
        value = node.value
        if node.phrase or any(ch.isspace() for ch in value) or value.upper() in ("AND", "OR", "NOT") \
                or any(ch in value for ch in '()"“「『:') or value.startswith("-"):
            quote_open, quote_close = ("「", "」") if '"' in value else ('"', '"')
            value = f"{quote_open}{value}{quote_close}"
        return f"{node.field}:{value}" if node.field else value
    if isinstance(node, YearRange):
        low = "" if node.low is None else str(node.low)
        high = "" if node.high is None else str(node.high)
        return f"year:{low}" if node.low == node.high else f"year:{low}-{high}"
    if isinstance(node, Not):
        return f"NOT {_group(node.child)}"
    if isinstance(node, And):
        return " AND ".join(_group(child) for child in node.children)
    return " OR ".join(_group(child) for child in node.children)


def _group(node: Node) -> str:
    text = _print(node)
    return f"({text})" if isinstance(node, (And, Or)) and len(node.children) > 1 else text
