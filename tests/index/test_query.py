"""The query language: what people type and the tree it becomes, and messages for what cannot be read."""

import doctest

import pytest

import tongwen.index.query
from tongwen.index.query import And, Not, Or, QuerySyntaxError, Text, YearRange, parse_query, positive_texts


def test_docstring_examples():
    failures, _ = doctest.testmod(tongwen.index.query, optionflags=doctest.IGNORE_EXCEPTION_DETAIL)
    assert failures == 0


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("紅樓夢", Text("紅樓夢")),
        ("Hong lou meng", And((Text("Hong"), Text("lou"), Text("meng")))),
        ('"Hong lou meng"', Text("Hong lou meng", phrase=True)),
        ("「源氏物語」", Text("源氏物語", phrase=True)),
        ("a OR b c", Or((Text("a"), And((Text("b"), Text("c")))))),
        ("a AND (b OR c)", And((Text("a"), Or((Text("b"), Text("c")))))),
        ("a -b", And((Text("a"), Not(Text("b"))))),
        ("NOT a", Not(Text("a"))),
        ('title:"a b"', Text("a b", "title", phrase=True)),
        ("author:曹雪芹", Text("曹雪芹", "creator")),
        ("title:(春香傳 OR 춘향전)", Or((Text("春香傳", "title"), Text("춘향전", "title")))),
        ("year:1900-1950", YearRange(1900, 1950)),
        ("year:1900-", YearRange(1900, None)),
        ("year:-1950", YearRange(None, 1950)),
        ("year:1868", YearRange(1868, 1868)),
        ("isbn:978-7-02-000220-7", Text("978-7-02-000220-7", "isbn")),
        # Not operators, not fields: lower-case words, unknown prefixes, full-width brackets.
        ("war and peace", And((Text("war"), Text("and"), Text("peace")))),
        ("Taiwan: history", And((Text("Taiwan:"), Text("history")))),
        ("平凡的世界（全三部）", Text("平凡的世界（全三部）")),
    ],
)
def test_parses(query, tree):
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ('"源氏物語', "never closed"),
        ("(a OR b", "never closed"),
        ("a)", "without an opening"),
        ("()", "empty"),
        ("a AND", "AND needs something"),
        ("OR a", "OR needs something"),
        ("a OR OR b", "OR needs something"),
        ("NOT", "NOT needs"),
        ("title:", "needs a value"),
        ("year:abc", "not a year"),
        ("year:1950-1900", "starts after it ends"),
        ("title:(creator:x)", "cannot be used inside"),
        ("nosuchfield:foo", "there is no field 'nosuchfield'; the fields are title:, creator:"),
        ("(" * 40 + "a" + ")" * 40, "nests more than 32"),
        ("-" * 40 + "a", "nests more than 32"),
        ("NOT " * 40 + "a", "nests more than 32"),
    ],
)
def test_malformed_queries_get_a_message(query, message):
    with pytest.raises(QuerySyntaxError) as error:
        parse_query(query)
    assert message in str(error.value)


@pytest.mark.parametrize("query", ["Taiwan: a history", "Re:Zero", "http://example.org/a", '"nosuchfield:foo"',
                                   "Title:源氏物語", "(" * 32 + "a" + ")" * 32])
def test_colons_and_nesting_that_are_not_mistakes_still_parse(query):
    assert parse_query(query) is not None


def test_positive_texts_skip_negated_words():
    assert [t.value for t in positive_texts(parse_query("紅樓夢 NOT 研究 (a OR b)"))] == ["紅樓夢", "a", "b"]
