"""SRU: explain and searchRetrieve with CQL, answered in SRU 2.0 or, for clients that ask, SRU 1.2.

    >>> server = SruServer(search=None, records=None, config=SruConfig("https://tongwen.example/sru"))
    >>> b"<zr:explain" in server.respond([])  # no parameters: the explain record (SRU 2.0)
    True
    >>> b"info:srw/diagnostic/1/4" in server.respond([("version", "1.2"), ("operation", "scan")])
    True

Versions: a request with ``version=1.1`` or ``1.2`` gets an SRU 1.2 response (namespace
``http://www.loc.gov/zing/srw/``, ``operation`` required, ``recordPacking`` xml/string); ``version=2.0`` or
none gets SRU 2.0 (``http://docs.oasis-open.org/ns/search-ws/sruResponse``; the operation is searchRetrieve
when there is a query, else explain; ``recordXMLEscaping`` xml/string).

Searching: CQL (`tongwen.protocols.cql`) is compiled into our query language and run by the search index,
so SRU finds what the portal finds (same scripts folding, same ranking). Records come from the store in DC
(``info:srw/schema/1/dc-v1.1``) or MARCXML (``info:srw/schema/1/marcxml-v1.1``). What is not supported is
answered with the SRU diagnostic for it (``info:srw/diagnostic/1/N``): unknown parameters (8), bad values
(6), missing query (7), CQL syntax (10, 13, 14), context sets (15), indexes (16), relations (19), modifiers
(20, 46), empty terms (27), masking (28), bad dates (36), prox (39), start past the end (61), unknown
schemas (66), packing (71), XPath (72), sorting (80), stylesheets (110), scan (4), versions (5).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from tongwen.export.dc import dc_element
from tongwen.export.marcxml import marcxml_element
from tongwen.index.search_index import RESULT_WINDOW, SearchRequest, SearchResult
from tongwen.model import Record
from tongwen.protocols.cql import INDEXES, CqlError, SearchClause, parse_cql, to_query_string
from tongwen.protocols.xmlsafe import unwritable_argument

SRW_NS = "http://www.loc.gov/zing/srw/"
SRW_DIAG_NS = "http://www.loc.gov/zing/srw/diagnostic/"
SRU2_NS = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
SRU2_DIAG_NS = "http://docs.oasis-open.org/ns/search-ws/diagnostic"
ZEEREX_NS = "http://explain.z3950.org/dtd/2.0/"
DIAGNOSTIC = "info:srw/diagnostic/1/"
EXACT_COUNT = "info:srw/vocabulary/resultCountPrecision/1/exact"
ENGINE_PAGE = 100  # the search index's largest page

SCHEMAS = {
    # identifier: (short names, element builder)
    "info:srw/schema/1/dc-v1.1": (("dc", "oai_dc", "dc-v1.1"), lambda r: dc_element(r, with_schema_location=False)),
    "info:srw/schema/1/marcxml-v1.1": (("marcxml", "marc21", "marcxml-v1.1"), marcxml_element),
}
SCHEMA_TITLES = {"info:srw/schema/1/dc-v1.1": "Dublin Core", "info:srw/schema/1/marcxml-v1.1": "MARC 21 in MARCXML"}
_PARAMETERS_12 = {
    "searchRetrieve": {"operation", "version", "query", "startRecord", "maximumRecords", "recordPacking",
                       "recordSchema", "recordXPath", "resultSetTTL", "sortKeys", "stylesheet", "extraRequestData"},
    "explain": {"operation", "version", "recordPacking", "stylesheet", "extraRequestData"},
}
_PARAMETERS_20 = {"operation", "version", "query", "queryType", "startRecord", "maximumRecords", "recordXMLEscaping",
                  "recordPacking", "recordSchema", "resultSetTTL", "sortKeys", "stylesheet", "httpAccept",
                  "renderedBy", "responseType"}


@dataclass(frozen=True, slots=True)
class SruConfig:
    base_url: str
    title: str = "Tongwen (同文): East Asian and ASEAN national library catalogues"
    default_records: int = 10
    max_records: int = ENGINE_PAGE


class SruDiagnostic(Exception):
    def __init__(self, code: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def _schema_uri(name: str) -> str:
    for uri, (short_names, _) in SCHEMAS.items():
        if name == uri or name.lower() in short_names:
            return uri
    raise SruDiagnostic(66, f"unknown record schema {name!r}; use dc or marcxml", name)


def _positive(params: dict[str, str], name: str, default: int, minimum: int) -> int:
    if name not in params:
        return default
    try:
        value = int(params[name])
    except ValueError:
        raise SruDiagnostic(6, f"{name} must be a whole number", params[name]) from None
    if value < minimum:
        raise SruDiagnostic(6, f"{name} must be at least {minimum}", params[name])
    return value


class SruServer:
    """``search`` runs a `SearchRequest` (the web catalog's); ``records`` fetches records by id, in order."""

    def __init__(self, search: Callable[[SearchRequest], SearchResult] | None,
                 records: Callable[[list[str]], list[Record]] | None, config: SruConfig) -> None:
        self.search = search
        self.records = records
        self.config = config

    # -- entry point

    def respond(self, arguments: Sequence[tuple[str, str]]) -> bytes:
        if (unwritable := unwritable_argument(arguments)) is not None:
            return self._search_failure({}, False, SruDiagnostic(
                6, f"the parameter {unwritable} contains control characters, which XML cannot carry", unwritable))
        params: dict[str, str] = {}
        repeated = None
        for name, value in arguments:
            if name in params:
                repeated = name
            params[name] = value
        version = params.get("version", "2.0")
        legacy = version in ("1.1", "1.2")
        operation = params.get("operation") or ("searchRetrieve" if "query" in params else "explain")
        try:
            if version not in ("1.1", "1.2", "2.0"):
                legacy = version < "2.0"
                raise SruDiagnostic(5, f"SRU version {version} is not supported; use 1.2 or 2.0", "1.2 2.0")
            if legacy and "operation" not in params and params:
                raise SruDiagnostic(7, "SRU 1.2 needs the operation parameter", "operation")
            if operation not in ("searchRetrieve", "explain"):
                raise SruDiagnostic(4, f"the operation {operation!r} is not supported", operation)
            if repeated:
                raise SruDiagnostic(6, f"the parameter {repeated} is repeated", repeated)
            allowed = _PARAMETERS_12[operation] if legacy else _PARAMETERS_20
            unknown = sorted(n for n in params if n not in allowed and not n.startswith("x-"))
            if unknown:
                raise SruDiagnostic(8, f"the parameter {unknown[0]} is not supported", unknown[0])
            if "stylesheet" in params:
                raise SruDiagnostic(110, "stylesheets are not supported", params["stylesheet"])
            if operation == "explain":
                return self._explain(params, legacy)
            return self._search_retrieve(params, legacy)
        except SruDiagnostic as diagnostic:
            if operation == "explain":
                return self._explain(params, legacy, diagnostic)
            return self._search_failure(params, legacy, diagnostic)

    # -- building blocks

    def _ns(self, legacy: bool) -> tuple[str, str]:
        return (SRW_NS, SRW_DIAG_NS) if legacy else (SRU2_NS, SRU2_DIAG_NS)

    def _root(self, name: str, legacy: bool) -> tuple[etree._Element, str]:
        ns, diag = self._ns(legacy)
        prefix = "srw" if legacy else "sru"
        root = etree.Element(f"{{{ns}}}{name}", nsmap={prefix: ns, "diag": diag, "zr": ZEEREX_NS})
        etree.SubElement(root, f"{{{ns}}}version").text = "1.2" if legacy else "2.0"
        return root, ns

    def _diagnostics(self, parent: etree._Element, legacy: bool, diagnostic: SruDiagnostic) -> None:
        ns, diag = self._ns(legacy)
        holder = etree.SubElement(parent, f"{{{ns}}}diagnostics")
        element = etree.SubElement(holder, f"{{{diag}}}diagnostic")
        etree.SubElement(element, f"{{{diag}}}uri").text = f"{DIAGNOSTIC}{diagnostic.code}"
        if diagnostic.details:
            etree.SubElement(element, f"{{{diag}}}details").text = diagnostic.details
        etree.SubElement(element, f"{{{diag}}}message").text = diagnostic.message

    def _escaping(self, params: dict[str, str], legacy: bool) -> str:
        """"xml" (records as XML) or "string" (records as escaped text)."""
        if legacy:
            value = params.get("recordPacking", "xml")
        else:
            if params.get("recordPacking", "packed") != "packed":
                raise SruDiagnostic(6, "only recordPacking=packed is supported", params["recordPacking"])
            if params.get("queryType", "cql") != "cql":
                raise SruDiagnostic(6, "only queryType=cql is supported", params["queryType"])
            value = params.get("recordXMLEscaping", "xml")
        if value not in ("xml", "string"):
            raise SruDiagnostic(71, f"record packing {value!r} is not supported; use xml or string", value)
        return value

    def _bytes(self, root: etree._Element) -> bytes:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    # -- explain

    def _explain(self, params: dict[str, str], legacy: bool, diagnostic: SruDiagnostic | None = None) -> bytes:
        root, ns = self._root("explainResponse", legacy)
        record = etree.SubElement(root, f"{{{ns}}}record")
        etree.SubElement(record, f"{{{ns}}}recordSchema").text = ZEEREX_NS
        etree.SubElement(record, f"{{{ns}}}recordPacking" if legacy else f"{{{ns}}}recordXMLEscaping").text = "xml"
        data = etree.SubElement(record, f"{{{ns}}}recordData")
        data.append(self._zeerex(legacy))
        if diagnostic is not None:
            self._diagnostics(root, legacy, diagnostic)
        return self._bytes(root)

    def _zeerex(self, legacy: bool) -> etree._Element:
        url = urlsplit(self.config.base_url)
        explain = etree.Element(f"{{{ZEEREX_NS}}}explain", nsmap={"zr": ZEEREX_NS})

        def sub(parent, tag, text=None, **attributes):
            element = etree.SubElement(parent, f"{{{ZEEREX_NS}}}{tag}", **attributes)
            element.text = text
            return element

        server = sub(explain, "serverInfo", protocol="SRU", version="1.2" if legacy else "2.0",
                     transport=url.scheme or "http")
        sub(server, "host", url.hostname or "localhost")
        sub(server, "port", str(url.port or (443 if url.scheme == "https" else 80)))
        sub(server, "database", url.path.lstrip("/") or "sru")
        database = sub(explain, "databaseInfo")
        sub(database, "title", self.config.title, lang="en", primary="true")
        sub(database, "description", "Records of East Asian and ASEAN national libraries, searchable across scripts "
                                     "(simplified/traditional Chinese, kanji/kana/romaji, hangul/hanja, romanizations).",
            lang="en", primary="true")
        indexes = sub(explain, "indexInfo")
        sub(indexes, "set", identifier="info:srw/cql-context-set/1/cql-v1.2", name="cql")
        sub(indexes, "set", identifier="info:srw/cql-context-set/1/dc-v1.1", name="dc")
        for index in INDEXES:
            prefix, name = index.split(".", 1)
            entry = sub(indexes, "index")
            sub(entry, "title", name, lang="en")
            sub(sub(entry, "map"), "name", name, set=prefix)
        schemas = sub(explain, "schemaInfo")
        for uri, (short_names, _) in SCHEMAS.items():
            schema = sub(schemas, "schema", identifier=uri, name=short_names[0], sort="false", retrieve="true")
            sub(schema, "title", SCHEMA_TITLES[uri], lang="en")
        config = sub(explain, "configInfo")
        sub(config, "default", str(self.config.default_records), type="numberOfRecords")
        sub(config, "default", "info:srw/schema/1/dc-v1.1", type="retrieveSchema")
        sub(config, "setting", str(self.config.max_records), type="maximumRecords")
        sub(config, "supports", "=", type="relation")
        for relation in ("all", "any", "adj", "==", "<", ">", "<=", ">=", "within"):
            sub(config, "supports", relation, type="relation")
        return explain

    # -- searchRetrieve

    def _search_failure(self, params: dict[str, str], legacy: bool, diagnostic: SruDiagnostic) -> bytes:
        root, ns = self._root("searchRetrieveResponse", legacy)
        etree.SubElement(root, f"{{{ns}}}numberOfRecords").text = "0"
        self._diagnostics(root, legacy, diagnostic)
        return self._bytes(root)

    def _search_retrieve(self, params: dict[str, str], legacy: bool) -> bytes:
        if "query" not in params or not params["query"].strip():
            raise SruDiagnostic(7, "searchRetrieve needs a query", "query")
        if "recordXPath" in params:
            raise SruDiagnostic(72, "XPath retrieval is not supported", params["recordXPath"])
        if "sortKeys" in params:
            raise SruDiagnostic(80, "sorting is not supported", params["sortKeys"])
        start = _positive(params, "startRecord", 1, 1)
        if start > RESULT_WINDOW:
            raise SruDiagnostic(61, f"startRecord can be at most {RESULT_WINDOW:,}, the deepest a search pages; "
                                    f"harvest all the records over OAI-PMH (/oai) instead", str(start))
        maximum = min(_positive(params, "maximumRecords", self.config.default_records, 0), self.config.max_records,
                      RESULT_WINDOW - start + 1)
        schema = _schema_uri(params.get("recordSchema", "dc"))
        escaping = self._escaping(params, legacy)
        query_string = self._query_string(params["query"])
        total, records = self._run(query_string, start, maximum)
        if total and start > total:
            raise SruDiagnostic(61, f"startRecord {start} is past the last record ({total})", str(start))

        root, ns = self._root("searchRetrieveResponse", legacy)
        etree.SubElement(root, f"{{{ns}}}numberOfRecords").text = str(total)
        if not legacy:
            etree.SubElement(root, f"{{{ns}}}resultCountPrecision").text = EXACT_COUNT
        if records:
            holder = etree.SubElement(root, f"{{{ns}}}records")
            build = SCHEMAS[schema][1]
            for position, record in enumerate(records, start=start):
                item = etree.SubElement(holder, f"{{{ns}}}record")
                etree.SubElement(item, f"{{{ns}}}recordSchema").text = schema
                etree.SubElement(item, f"{{{ns}}}recordPacking" if legacy else f"{{{ns}}}recordXMLEscaping").text = \
                    escaping
                data = etree.SubElement(item, f"{{{ns}}}recordData")
                element = build(record)
                if escaping == "xml":
                    data.append(element)
                else:
                    data.text = etree.tostring(element, encoding="unicode")
                etree.SubElement(item, f"{{{ns}}}recordPosition").text = str(position)
        following = start + len(records)
        if records and following <= total:
            etree.SubElement(root, f"{{{ns}}}nextRecordPosition").text = str(following)
        echoed = etree.SubElement(root, f"{{{ns}}}echoedSearchRetrieveRequest")
        echo = [("version", "1.2" if legacy else "2.0"), ("query", params["query"]), ("startRecord", str(start)),
                ("maximumRecords", str(maximum)),
                ("recordPacking" if legacy else "recordXMLEscaping", escaping), ("recordSchema", schema)]
        for name, value in echo:
            etree.SubElement(echoed, f"{{{ns}}}{name}").text = value
        return self._bytes(root)

    def _query_string(self, cql: str) -> str:
        try:
            tree = parse_cql(cql)
            if isinstance(tree, SearchClause) and tree.index == "cql.allrecords":
                return ""  # cql.allRecords = 1: everything
            return to_query_string(tree)
        except CqlError as error:
            raise SruDiagnostic(error.code, error.message, error.details) from None

    def _run(self, query_string: str, start: int, maximum: int) -> tuple[int, list[Record]]:
        """Total hits and the records from position `start` (1-based), at most `maximum` of them."""
        if self.search is None or self.records is None:
            return 0, []
        first = start - 1
        ids: list[str] = []
        total = 0
        page = first // ENGINE_PAGE + 1
        while True:
            result = self.search(SearchRequest(query_string, facets=(), page=page, page_size=ENGINE_PAGE))
            if result.query_error:
                raise SruDiagnostic(10, result.query_error, query_string)
            total = result.total
            offset = (page - 1) * ENGINE_PAGE
            for number, hit in enumerate(result.hits, start=offset):
                if first <= number < first + maximum:
                    ids.append(hit.id)
            if maximum == 0 or len(ids) >= maximum or offset + len(result.hits) >= total or not result.hits:
                break
            page += 1
        return total, self.records(ids)
