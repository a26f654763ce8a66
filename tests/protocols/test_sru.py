"""SRU 2.0 and 1.2 over the demo collection: CQL compiled into our query language, paging, both record
schemas, and a diagnostic for everything not supported."""

from __future__ import annotations

import pytest
from lxml import etree

from tongwen.index.query import And, Not, Or, Text, YearRange, parse_query
from tongwen.protocols.cql import CqlError, parse_cql, to_query, to_query_string

SRU2 = "{http://docs.oasis-open.org/ns/search-ws/sruResponse}"
SRW = "{http://www.loc.gov/zing/srw/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MARC = "{http://www.loc.gov/MARC21/slim}"


def sru(web, **params) -> etree._Element:
    response = web.get("/sru", params=params)
    assert response.status_code == 200
    return etree.fromstring(response.content)


def diagnostic(root) -> str | None:
    uri = root.find(".//{*}diagnostic/{*}uri")
    return None if uri is None else uri.text.rsplit("/", 1)[1]


# --- CQL -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cql", "tree"), [
    ("源氏物語", Text("源氏物語")),
    ('dc.title = "Genji monogatari"', And((Text("Genji", "title"), Text("monogatari", "title")), explicit=True)),
    ('title adj "Genji monogatari"', Text("Genji monogatari", "title", phrase=True)),
    ('dc.creator any "紫式部 Murasaki"', Or((Text("紫式部", "creator"), Text("Murasaki", "creator")))),
    ("dc.subject = poetry or dc.title = 詩", Or((Text("poetry", "subject"), Text("詩", "title")))),
    ("a not b", And((Text("a"), Not(Text("b"))), explicit=True)),
    ("dc.date within \"1900 1950\"", YearRange(1900, 1950)),
    ("dc.date >= 1868", YearRange(1868, None)),
    ("dc.date < 1868", YearRange(None, 1867)),
    ("cql.serverChoice = 紅樓夢", Text("紅樓夢")),
    ('> dc = "info:srw/cql-context-set/1/dc-v1.1" DC.Identifier = 9787020002207', Text("9787020002207", "isbn")),
])
def test_cql_compiles_into_our_query_tree(cql, tree):
    assert to_query(parse_cql(cql)) == tree


def test_the_printed_query_reads_back_as_the_same_tree():
    for cql in ('dc.title all "a b" or (dc.creator = x and dc.date within "1900 1950")',
                'title adj "say \\"hi\\" twice" not dc.subject any "poetry 詩"'):
        tree = to_query(parse_cql(cql))
        assert parse_query(to_query_string(tree)) == tree


@pytest.mark.parametrize(("cql", "code"), [
    ("", 27), ("(a", 13), ('"a', 14), ("a and", 10), ("Genji monogatari", 10), ("x.title = a", 15),
    ("dc.format = a", 16), ("dc.title <> a", 19), ("dc.title =/locale=ja a", 20), ("dc.title = a*", 28),
    ("dc.date = Meiji", 36), ("a prox b", 39), ("a and/rel.combine=sum b", 46), ("a sortBy dc.date", 80),
])
def test_unsupported_cql_names_its_diagnostic(cql, code):
    with pytest.raises(CqlError) as caught:
        to_query(parse_cql(cql))
    assert caught.value.code == code


# --- searchRetrieve ----------------------------------------------------------------------------------------


def test_a_romanized_title_finds_the_vernacular_record_in_dc(web):
    root = sru(web, query='dc.title = "Genji monogatari"', maximumRecords="50")
    assert root.tag == f"{SRU2}searchRetrieveResponse" and root.findtext(f"{SRU2}version") == "2.0"
    titles = [t.text for t in root.iter(f"{DC}title")]
    assert "源氏物語" in titles and int(root.findtext(f"{SRU2}numberOfRecords")) >= 1


def test_paging_with_start_record_and_maximum_records(web):
    total = int(sru(web, query="cql.allRecords = 1", maximumRecords="0").findtext(f"{SRU2}numberOfRecords"))
    assert total > 150
    seen, start = [], 1
    while start:
        root = sru(web, query="cql.allRecords = 1", startRecord=str(start), maximumRecords="70")
        positions = [int(p.text) for p in root.iter(f"{SRU2}recordPosition")]
        assert positions == list(range(start, start + len(positions)))
        seen += [p.getparent().find(f"{SRU2}recordData")[0] for p in root.iter(f"{SRU2}recordPosition")]
        following = root.findtext(f"{SRU2}nextRecordPosition")
        start = int(following) if following else 0
    assert len(seen) == total
    assert diagnostic(sru(web, query="cql.allRecords = 1", startRecord=str(total + 1))) == "61"


def test_sru_1_2_with_marcxml_and_string_packing(web):
    root = sru(web, version="1.2", operation="searchRetrieve", query="dc.creator = 紫式部",
               recordSchema="marcxml", recordPacking="string", maximumRecords="3")
    assert root.tag == f"{SRW}searchRetrieveResponse" and root.findtext(f"{SRW}version") == "1.2"
    records = root.findall(f".//{SRW}record")
    assert {record.findtext(f"{SRW}recordSchema") for record in records} == {"info:srw/schema/1/marcxml-v1.1"}
    marcs = [etree.fromstring(record.findtext(f"{SRW}recordData").encode()) for record in records]
    assert all(marc.tag == f"{MARC}record" for marc in marcs)
    # Every hit is by her; the first may be the Korean translation, which names her only as Murasaki Shikibu
    # and 무라사키 시키부 (her agent's forms find it).
    names = [{s.text for s in marc.iter(f"{MARC}subfield")} for marc in marcs]
    assert all("Murasaki Shikibu" in found for found in names) and any("紫式部" in found for found in names)


def test_explain_describes_indexes_and_schemas(web):
    for params, ns in (({}, SRU2), ({"version": "1.2", "operation": "explain"}, SRW)):
        root = sru(web, **params)
        assert root.tag == f"{ns}explainResponse"
        names = {n.text for n in root.iter("{http://explain.z3950.org/dtd/2.0/}name")}
        assert {"title", "creator", "subject", "date", "identifier", "serverchoice"} <= names


@pytest.mark.parametrize(("params", "code"), [
    ({"version": "1.2", "operation": "scan", "scanClause": "a"}, "4"),
    ({"version": "3.0", "query": "a"}, "5"),
    ({"query": "a", "maximumRecords": "many"}, "6"),
    ({"version": "1.2", "operation": "searchRetrieve"}, "7"),
    ({"query": "a", "color": "blue"}, "8"),
    ({"query": "dc.format = a"}, "16"),
    ({"query": "a", "recordSchema": "mods"}, "66"),
    ({"query": "a", "recordXMLEscaping": "json"}, "71"),
    ({"version": "1.2", "operation": "searchRetrieve", "query": "a", "recordXPath": "/a"}, "72"),
    ({"version": "1.2", "operation": "searchRetrieve", "query": "a", "sortKeys": "title"}, "80"),
    ({"query": "a", "stylesheet": "x.xsl"}, "110"),
])
def test_diagnostics(web, params, code):
    root = sru(web, **params)
    assert diagnostic(root) == code


@pytest.mark.parametrize(("query", "says"), [
    (" and ".join(["a"] * 3000), "characters long"),
    ("(" * 5000 + "a" + ")" * 5000, "characters long"),
    (" and ".join(["a"] * 20), "more than 15 terms"),
    ("(" * 20 + "a" + ")" * 20, "parentheses more than 15 deep"),
])
def test_a_query_too_long_or_too_deep_is_a_diagnostic_not_a_server_error(web, query, says):
    response = web.get("/sru", params={"query": query})
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert diagnostic(root) == "10"
    assert says in root.find(".//{*}diagnostic/{*}message").text


def test_paging_stops_at_the_result_window_and_points_to_oai(web):
    root = sru(web, query="cql.allRecords = 1", startRecord="10001")
    assert diagnostic(root) == "61"
    assert "/oai" in root.find(".//{*}diagnostic/{*}message").text
    assert diagnostic(sru(web, query="a", startRecord="9" * 5000)) == "6"
