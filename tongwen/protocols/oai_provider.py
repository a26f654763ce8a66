"""An OAI-PMH 2.0 data provider over the store: the six verbs, every error code, stateless resumption tokens.

    >>> from tongwen.store import Store
    >>> store = Store.open(":memory:")
    >>> provider = OaiProvider(store, OaiConfig(base_url="https://tongwen.example/oai"))
    >>> xml = provider.respond([("verb", "Identify")])
    >>> b"<protocolVersion>2.0</protocolVersion>" in xml
    True
    >>> b'code="noRecordsMatch"' in provider.respond([("verb", "ListRecords"), ("metadataPrefix", "oai_dc")])
    True

What it promises (OAI-PMH 2.0, http://www.openarchives.org/OAI/openarchivesprotocol.html):

- **Identifiers** ``oai:<repositoryIdentifier>:<record id>`` (the oai-identifier scheme), the record id
  percent-encoded where it holds characters the scheme does not allow.
- **Datestamps** are the store's: UTC, seconds granularity (``YYYY-MM-DDThh:mm:ssZ``); ``from`` and ``until``
  may also be days and are inclusive.
- **Sets** per holding institution (``institution:NDL``) and per source (``source:ndl-demo``), under the
  parents ``institution`` and ``source``. Characters a setSpec may not hold are written ``~XX`` (UTF-8 hex).
- **Deleted records**: ``persistent`` — the store keeps every tombstone; they are listed with
  ``status="deleted"`` in lists and GetRecord.
- **Resumption tokens** carry the whole request (verb, prefix, set, from, until), the position (the last
  change number served, so records changed meanwhile move to the end of the list and none is skipped), the
  cursor, the complete list size and an expiry; they are checked with an HMAC, so they survive restarts
  and need no server state. A tampered or expired token is ``badResumptionToken``.
- **Errors**: badVerb, badArgument, badResumptionToken, cannotDisseminateFormat, idDoesNotExist,
  noRecordsMatch, noMetadataFormats (asked for the formats of a deleted record), noSetHierarchy (a
  repository with no records has no sets).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from lxml import etree

from tongwen.export.dc import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, dc_element
from tongwen.export.marcxml import MARC_NS, MARC_SCHEMA, marcxml_element
from tongwen.model import Record
from tongwen.protocols.xmlsafe import unwritable_argument
from tongwen.store.api import Change

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_LOCATION = f"{{{XSI_NS}}}schemaLocation"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DEFAULT_EARLIEST = "1970-01-01T00:00:00Z"

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_SAFE = re.compile(r"[A-Za-z0-9\-_.!*'()]")  # setSpec characters we keep as they are ('~' escapes)
# Characters the oai-identifier scheme allows in the local part, minus '%' (ours escapes).
_ID_SAFE = "-_.!~*'();/?:@&=+$,"

VERB_ARGUMENTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # verb: (required, optional); resumptionToken is "exclusive" and handled apart.
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
}
_RESUMABLE = ("ListSets", "ListIdentifiers", "ListRecords")


@dataclass(frozen=True, slots=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    element: Callable[[Record], etree._Element]


METADATA_FORMATS: dict[str, MetadataFormat] = {
    f.prefix: f
    for f in (
        MetadataFormat("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS, dc_element),
        MetadataFormat("marcxml", MARC_SCHEMA, MARC_NS, marcxml_element),
    )
}


@dataclass(frozen=True, slots=True)
class OaiConfig:
    """``repository_identifier`` is a domain name you control; identifiers depend on it, so keep it fixed."""

    base_url: str
    repository_name: str = "Tongwen (同文) — East Asian and ASEAN national library catalogues"
    repository_identifier: str = "tongwen.local"
    admin_emails: tuple[str, ...] = ("admin@tongwen.local",)
    page_size: int = 250
    token_seconds: int = 24 * 3600
    # Signs resumption tokens. The web app passes the node's secret (`Settings.token_secret`); the default, a
    # random one per process, is safe but makes tokens die with the process.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    institution_names: Mapping[str, str] = field(default_factory=dict)


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- identifiers, sets, datestamps ------------------------------------------------------------------------


def oai_identifier(config: OaiConfig, record_id: str) -> str:
    """The OAI identifier of a record.

    >>> oai_identifier(OaiConfig("x"), "nlc-demo:oai:nlc-demo:nlc 1")
    'oai:tongwen.local:nlc-demo:oai:nlc-demo:nlc%201'
    """
    return f"oai:{config.repository_identifier}:{quote(record_id, safe=_ID_SAFE)}"


def record_id_of(config: OaiConfig, identifier: str) -> str | None:
    prefix = f"oai:{config.repository_identifier}:"
    if not identifier.startswith(prefix) or len(identifier) == len(prefix):
        return None
    return unquote(identifier[len(prefix):])


def set_spec_part(value: str) -> str:
    """A source or institution name as one setSpec segment.

    >>> set_spec_part("NDL"), set_spec_part("ndl demo:2"), set_spec_part("國圖")
    ('NDL', 'ndl~20demo~3A2', '~E5~9C~8B~E5~9C~96')
    """
    return "".join(ch if _SET_SAFE.fullmatch(ch) else "".join(f"~{b:02X}" for b in ch.encode()) for ch in value)


def set_spec_value(part: str) -> str:
    def bytes_of(match: re.Match[str]) -> str:
        return bytes.fromhex(match.group(0).replace("~", "")).decode("utf-8", "replace")

    return re.sub(r"(?:~[0-9A-F]{2})+", bytes_of, part)


def _parse_datestamp(value: str, argument: str, *, end: bool) -> tuple[str, str]:
    """(granularity, value as a full UTC second) — a day ``until`` runs to the day's last second."""
    if _SECOND.match(value):
        granularity, full = "second", value
        pattern = "%Y-%m-%dT%H:%M:%SZ"
    elif _DAY.match(value):
        granularity, full = "day", value + ("T23:59:59Z" if end else "T00:00:00Z")
        pattern = "%Y-%m-%d"
    else:
        raise OaiError("badArgument", f"{argument}={value!r} is not a date: use YYYY-MM-DD or {GRANULARITY}")
    try:
        datetime.strptime(value, pattern)
    except ValueError:
        raise OaiError("badArgument", f"{argument}={value!r} is not a real date") from None
    return granularity, full


def _utc(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- resumption tokens ------------------------------------------------------------------------------------


class TokenCodec:
    """Tokens are ``base64url(json).hmac``: everything needed to continue, nothing kept on the server."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, body: bytes) -> str:
        return hmac.new(self.secret, body, hashlib.sha256).hexdigest()[:24]

    def encode(self, state: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).rstrip(b"=")
        return f"{body.decode()}.{self._mac(body)}"

    def decode(self, token: str, now: float) -> dict[str, Any]:
        body, _, mac = token.partition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body.encode())):
            raise OaiError("badResumptionToken", "the resumptionToken is not one this repository issued")
        try:
            state = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, UnicodeDecodeError):
            raise OaiError("badResumptionToken", "the resumptionToken cannot be read") from None
        _check_token_fields(state)
        if state["e"] < now:
            raise OaiError("badResumptionToken",
                           f"the resumptionToken expired at {_utc(state['e'])}; start the list again")
        return state


_LARGEST_SEQ = 2**63 - 1  # SQLite's and PostgreSQL's bigint: no stored sequence number is larger


def _check_token_fields(state: Any) -> None:
    """Every field of a decoded token is what `OaiProvider._list` writes, so nothing forged reaches the store."""
    def bad(what: str) -> OaiError:
        return OaiError("badResumptionToken", f"the resumptionToken is not valid ({what}); start the list again")

    if not isinstance(state, dict):
        raise bad("not a token of this repository")
    if state.get("v") not in ("ListRecords", "ListIdentifiers"):
        raise bad("unknown verb")
    if state.get("p") not in METADATA_FORMATS:
        raise bad("unknown metadataPrefix")
    for name in ("s", "f", "u"):
        if not (state.get(name) is None or isinstance(state[name], str) and len(state[name]) <= 200):
            raise bad(f"field {name}")
    for name, optional in (("a", False), ("c", False), ("n", True), ("e", False)):
        value = state.get(name)
        if optional and value is None:
            continue
        if type(value) is not int or not 0 <= value <= _LARGEST_SEQ:
            raise bad(f"field {name} must be a whole number from 0 to {_LARGEST_SEQ}")


# --- the provider -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _ListRequest:
    verb: str
    prefix: str
    set_spec: str | None
    from_: str | None
    until: str | None
    after_seq: int = 0
    cursor: int = 0
    size: int | None = None
    resumed: bool = False


class OaiProvider:
    """Answers OAI-PMH requests from a `Store` (read-only is enough). ``store`` may be None: no data yet."""

    def __init__(self, store: Any, config: OaiConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.tokens = TokenCodec(config.secret)

    # -- entry point

    def respond(self, arguments: Sequence[tuple[str, str]]) -> bytes:
        """The complete response document (UTF-8 XML) for the request arguments, repeated ones included."""
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(XSI_LOCATION, f"{OAI_NS} {OAI_SCHEMA}")
        etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = _utc(self.clock())
        request = etree.SubElement(root, f"{{{OAI_NS}}}request")
        request.text = self.config.base_url
        try:
            if (unwritable := unwritable_argument(arguments)) is not None:
                raise OaiError("badArgument",
                               f"the argument {unwritable} contains control characters, which XML cannot carry")
            verb, params = self._check_arguments(arguments)
            for name, value in params.items():  # only a well-formed request is echoed with its attributes
                request.set(name, value)
            request.set("verb", verb)
            root.append(getattr(self, f"_{verb}")(params))
        except OaiError as error:
            self._error(root, error)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _error(self, root: etree._Element, error: OaiError) -> None:
        if error.code in ("badVerb", "badArgument"):
            request = root.find(f"{{{OAI_NS}}}request")
            for name in list(request.attrib):
                del request.attrib[name]
        element = etree.SubElement(root, f"{{{OAI_NS}}}error", code=error.code)
        element.text = error.message

    def _check_arguments(self, arguments: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
        verbs = [value for name, value in arguments if name == "verb"]
        if not verbs:
            raise OaiError("badVerb", "the request has no verb; use one of " + ", ".join(VERB_ARGUMENTS))
        if len(verbs) > 1:
            raise OaiError("badVerb", "the verb argument is repeated")
        verb = verbs[0]
        if verb not in VERB_ARGUMENTS:
            raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb; use one of " + ", ".join(VERB_ARGUMENTS))
        params: dict[str, str] = {}
        for name, value in arguments:
            if name == "verb":
                continue
            if name in params:
                raise OaiError("badArgument", f"the argument {name} is repeated")
            params[name] = value
        required, optional = VERB_ARGUMENTS[verb]
        if "resumptionToken" in params and verb in _RESUMABLE:
            others = set(params) - {"resumptionToken"}
            if others:
                raise OaiError("badArgument",
                               f"resumptionToken is exclusive: do not send {', '.join(sorted(others))} with it")
            return verb, params
        unknown = set(params) - required - optional
        if unknown:
            raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
        missing = required - set(params)
        if missing:
            raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
        for name, value in params.items():
            if not value:
                raise OaiError("badArgument", f"the argument {name} is empty")
        return verb, params

    def _element(self, name: str) -> etree._Element:
        return etree.Element(f"{{{OAI_NS}}}{name}")

    # -- Identify, ListMetadataFormats, ListSets

    def _Identify(self, params: dict[str, str]) -> etree._Element:
        identify = self._element("Identify")
        earliest = (self.store.oai_earliest_datestamp() if self.store is not None else None) or DEFAULT_EARLIEST
        for name, value in (("repositoryName", self.config.repository_name), ("baseURL", self.config.base_url),
                            ("protocolVersion", "2.0")):
            etree.SubElement(identify, f"{{{OAI_NS}}}{name}").text = value
        for email in self.config.admin_emails:
            etree.SubElement(identify, f"{{{OAI_NS}}}adminEmail").text = email
        for name, value in (("earliestDatestamp", earliest), ("deletedRecord", "persistent"),
                            ("granularity", GRANULARITY)):
            etree.SubElement(identify, f"{{{OAI_NS}}}{name}").text = value
        description = etree.SubElement(identify, f"{{{OAI_NS}}}description")
        scheme = etree.SubElement(description, f"{{{OAI_IDENTIFIER_NS}}}oai-identifier",
                                  nsmap={None: OAI_IDENTIFIER_NS})
        scheme.set(XSI_LOCATION, f"{OAI_IDENTIFIER_NS} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
        for name, value in (("scheme", "oai"), ("repositoryIdentifier", self.config.repository_identifier),
                            ("delimiter", ":"), ("sampleIdentifier", oai_identifier(self.config, "ndl:000001"))):
            etree.SubElement(scheme, f"{{{OAI_IDENTIFIER_NS}}}{name}").text = value
        return identify

    def _ListMetadataFormats(self, params: dict[str, str]) -> etree._Element:
        if "identifier" in params:
            found = self._lookup(params["identifier"])
            if found[0].deleted:
                raise OaiError("noMetadataFormats",
                               f"{params['identifier']} was deleted: no metadata is available for it")
        element = self._element("ListMetadataFormats")
        for fmt in METADATA_FORMATS.values():
            item = etree.SubElement(element, f"{{{OAI_NS}}}metadataFormat")
            for name, value in (("metadataPrefix", fmt.prefix), ("schema", fmt.schema),
                                ("metadataNamespace", fmt.namespace)):
                etree.SubElement(item, f"{{{OAI_NS}}}{name}").text = value
        return element

    def _ListSets(self, params: dict[str, str]) -> etree._Element:
        if "resumptionToken" in params:
            # Every set fits in one response, so this repository never hands out a ListSets token.
            raise OaiError("badResumptionToken", "ListSets is answered in one response; no token is valid")
        institutions, sources = self.store.oai_set_values() if self.store is not None else ([], [])
        if not institutions and not sources:
            raise OaiError("noSetHierarchy", "this repository has no records yet, so no sets")
        element = self._element("ListSets")

        def add(spec: str, name: str) -> None:
            item = etree.SubElement(element, f"{{{OAI_NS}}}set")
            etree.SubElement(item, f"{{{OAI_NS}}}setSpec").text = spec
            etree.SubElement(item, f"{{{OAI_NS}}}setName").text = name

        if institutions:
            add("institution", "Records by holding institution")
            for code in institutions:
                add(f"institution:{set_spec_part(code)}", self.config.institution_names.get(code, code))
        add("source", "Records by source (one catalogue, file series or harvested endpoint)")
        for source in sources:
            add(f"source:{set_spec_part(source)}", source)
        return element

    # -- GetRecord

    def _lookup(self, identifier: str) -> tuple[Change, str, str | None]:
        record_id = record_id_of(self.config, identifier)
        found = self.store.oai_record(record_id) if record_id and self.store is not None else None
        if found is None:
            raise OaiError("idDoesNotExist", f"{identifier} is not an identifier in this repository")
        return found

    def _format(self, prefix: str) -> MetadataFormat:
        fmt = METADATA_FORMATS.get(prefix)
        if fmt is None:
            raise OaiError("cannotDisseminateFormat",
                           f"{prefix!r} is not offered; use one of {', '.join(METADATA_FORMATS)}")
        return fmt

    def _GetRecord(self, params: dict[str, str]) -> etree._Element:
        fmt = self._format(params["metadataPrefix"])
        change, source, institution = self._lookup(params["identifier"])
        element = self._element("GetRecord")
        element.append(self._record(change, source, institution, fmt))
        return element

    # -- ListIdentifiers and ListRecords

    def _ListIdentifiers(self, params: dict[str, str]) -> etree._Element:
        return self._list("ListIdentifiers", params)

    def _ListRecords(self, params: dict[str, str]) -> etree._Element:
        return self._list("ListRecords", params)

    def _list_request(self, verb: str, params: dict[str, str]) -> _ListRequest:
        if "resumptionToken" in params:
            state = self.tokens.decode(params["resumptionToken"], self.clock())
            if state.get("v") != verb:
                raise OaiError("badResumptionToken", f"this resumptionToken continues {state.get('v')}, not {verb}")
            return _ListRequest(verb, state["p"], state.get("s"), state.get("f"), state.get("u"),
                                state["a"], state["c"], state.get("n"), resumed=True)
        self._format(params["metadataPrefix"])
        from_ = until = None
        if "from" in params:
            from_granularity, from_ = _parse_datestamp(params["from"], "from", end=False)
        if "until" in params:
            until_granularity, until = _parse_datestamp(params["until"], "until", end=True)
        if from_ and until:
            if from_granularity != until_granularity:
                raise OaiError("badArgument", "from and until must have the same granularity")
            if from_ > until:
                raise OaiError("badArgument", f"from ({params['from']}) is later than until ({params['until']})")
        set_spec = params.get("set")
        if set_spec is not None:
            self._set_filter(set_spec)  # checks it
        return _ListRequest(verb, params["metadataPrefix"], set_spec, from_, until)

    def _set_filter(self, set_spec: str) -> dict[str, Any]:
        kind, _, value = set_spec.partition(":")
        if self.store is None:
            raise OaiError("noSetHierarchy", "this repository has no records yet, so no sets")
        if kind == "source" and not value:
            return {}
        if kind == "institution" and not value:
            return {"any_institution": True}
        if kind in ("source", "institution") and value and ":" not in value:
            return {kind: set_spec_value(value)}
        raise OaiError("badArgument", f"there is no set {set_spec!r}; ListSets shows the sets")

    def _list(self, verb: str, params: dict[str, str]) -> etree._Element:
        request = self._list_request(verb, params)
        fmt = METADATA_FORMATS[request.prefix]
        if self.store is None:
            raise OaiError("noRecordsMatch", "this repository has no records yet")
        filters = dict(from_datestamp=request.from_, until_datestamp=request.until,
                       **self._set_filter(request.set_spec) if request.set_spec else {})
        page = self.store.oai_page(request.after_seq, self.config.page_size + 1,
                                   with_records=verb == "ListRecords", **filters)
        if not page and not request.resumed:
            raise OaiError("noRecordsMatch", "no records match the request (check from, until and set)")
        more = len(page) > self.config.page_size
        page = page[: self.config.page_size]
        element = self._element(verb)
        for change, source, institution in page:
            if verb == "ListRecords":
                element.append(self._record(change, source, institution, fmt))
            else:
                element.append(self._header(change, source, institution))
        if more or request.resumed:
            size = request.size if request.size is not None else self.store.oai_count(**filters)
            token = etree.SubElement(element, f"{{{OAI_NS}}}resumptionToken",
                                     completeListSize=str(size), cursor=str(request.cursor))
            if more:
                expires = int(self.clock()) + self.config.token_seconds
                token.set("expirationDate", _utc(expires))
                token.text = self.tokens.encode({
                    "v": verb, "p": request.prefix, "s": request.set_spec, "f": request.from_, "u": request.until,
                    "a": page[-1][0].seq, "c": request.cursor + len(page), "n": size, "e": expires,
                })
        return element

    # -- headers and records

    def _header(self, change: Change, source: str, institution: str | None) -> etree._Element:
        header = self._element("header")
        if change.deleted:
            header.set("status", "deleted")
        etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = oai_identifier(self.config, change.record_id)
        etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = change.datestamp
        if institution:
            etree.SubElement(header, f"{{{OAI_NS}}}setSpec").text = f"institution:{set_spec_part(institution)}"
        etree.SubElement(header, f"{{{OAI_NS}}}setSpec").text = f"source:{set_spec_part(source)}"
        return header

    def _record(self, change: Change, source: str, institution: str | None, fmt: MetadataFormat) -> etree._Element:
        record = self._element("record")
        record.append(self._header(change, source, institution))
        if not change.deleted and change.record is not None:
            metadata = etree.SubElement(record, f"{{{OAI_NS}}}metadata")
            metadata.append(fmt.element(change.record))
        return record


__all__ = [
    "DC_NS", "GRANULARITY", "METADATA_FORMATS", "OAI_NS", "MetadataFormat", "OaiConfig", "OaiError", "OaiProvider",
    "TokenCodec", "oai_identifier", "record_id_of", "set_spec_part", "set_spec_value",
]
