"""Strict structural checks of OAI-PMH 2.0 responses, standing in for schema validation: the OAI-PMH XSDs
are not on this machine (no package we may install ships them). Checks what OAI-PMH.xsd requires: the
root and namespace, responseDate, request, then either errors or one verb element whose children come in
the schema's order, headers, datestamps, resumption tokens, and the closed list of error codes."""

from __future__ import annotations

import re

from lxml import etree

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ERROR_CODES = {"cannotDisseminateFormat", "idDoesNotExist", "badArgument", "badVerb", "noMetadataFormats",
               "noRecordsMatch", "badResumptionToken", "noSetHierarchy"}
UTC_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
IDENTIFY_ORDER = ["repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp", "deletedRecord",
                  "granularity", "compression", "description"]
SET_SPEC = re.compile(r"^([A-Za-z0-9\-_.!~*'()])+(:[A-Za-z0-9\-_.!~*'()]+)*$")


def names(element) -> list[str]:
    return [etree.QName(child).localname for child in element if isinstance(child.tag, str)]


def in_order(found: list[str], order: list[str]) -> bool:
    positions = [order.index(name) for name in found]
    return positions == sorted(positions)


def check_header(header) -> None:
    assert names(header)[:2] == ["identifier", "datestamp"], names(header)
    assert set(names(header)[2:]) <= {"setSpec"}
    assert header.get("status") in (None, "deleted")
    assert UTC_SECOND.match(header.findtext(f"{OAI}datestamp"))
    for spec in header.iterfind(f"{OAI}setSpec"):
        assert SET_SPEC.match(spec.text), spec.text


def check_token(token) -> None:
    assert set(token.attrib) <= {"expirationDate", "completeListSize", "cursor"}
    if token.get("expirationDate"):
        assert UTC_SECOND.match(token.get("expirationDate"))
    for name in ("completeListSize", "cursor"):
        if token.get(name) is not None:
            assert int(token.get(name)) >= 0


def validate(xml: bytes) -> etree._Element:
    """Parse an OAI-PMH response and assert its structure; returns the root."""
    root = etree.fromstring(xml)
    assert root.tag == f"{OAI}OAI-PMH"
    children = names(root)
    assert children[:2] == ["responseDate", "request"], children
    assert UTC_SECOND.match(root.findtext(f"{OAI}responseDate"))
    rest = children[2:]
    if rest and rest[0] == "error":
        assert set(rest) == {"error"}
        for error in root.iterfind(f"{OAI}error"):
            assert error.get("code") in ERROR_CODES, error.get("code")
        return root
    assert len(rest) == 1, rest
    verb_element = root[2]
    verb = rest[0]
    assert root.find(f"{OAI}request").get("verb") == verb
    body = names(verb_element)
    if verb == "Identify":
        assert in_order(body, IDENTIFY_ORDER), body
        for required in ("repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp",
                         "deletedRecord", "granularity"):
            assert required in body, required
        assert verb_element.findtext(f"{OAI}deletedRecord") in ("no", "persistent", "transient")
    elif verb == "ListMetadataFormats":
        assert body and set(body) == {"metadataFormat"}
        for item in verb_element:
            assert names(item) == ["metadataPrefix", "schema", "metadataNamespace"]
    elif verb == "ListSets":
        assert set(body) <= {"set", "resumptionToken"}
        for item in verb_element.iterfind(f"{OAI}set"):
            assert names(item)[:2] == ["setSpec", "setName"]
            assert SET_SPEC.match(item.findtext(f"{OAI}setSpec"))
    elif verb in ("ListIdentifiers", "ListRecords", "GetRecord"):
        item_name = "header" if verb == "ListIdentifiers" else "record"
        assert set(body) <= {item_name, "resumptionToken"}, body
        assert body.count(item_name) >= 1 or body == ["resumptionToken"]
        if "resumptionToken" in body:
            assert body[-1] == "resumptionToken" and body.count("resumptionToken") == 1
            check_token(verb_element.find(f"{OAI}resumptionToken"))
        for item in verb_element.iterfind(f"{OAI}{item_name}"):
            if item_name == "header":
                check_header(item)
                continue
            parts = names(item)
            assert parts[0] == "header" and set(parts[1:]) <= {"metadata", "about"}
            header = item.find(f"{OAI}header")
            check_header(header)
            metadata = item.find(f"{OAI}metadata")
            if header.get("status") == "deleted":
                assert metadata is None
            else:
                assert metadata is not None and len(metadata) == 1  # exactly one root element
    else:
        raise AssertionError(f"unknown verb element {verb}")
    return root
