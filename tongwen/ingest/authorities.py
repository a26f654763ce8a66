"""Readers for authority data: MARC 21 Authority records (ISO 2709 or MARCXML) and the National Library of
Korea's linked-data persons and organizations (JSON-LD). Each authority becomes one `Agent` holding every heading
form, its dates and identifiers, under an id ``authority:<source>:<control number>``.

- MARC 21 Authority: 100/110/111 (the heading), 400/410/411 (see from: variant names in any script), their 880
  partners, $d dates; identifiers from 001 with 003 (``(DLC)n78095332``), 024 $a with $2 (VIAF, ISNI...), 035 $a
  and 7XX $0 / $1 (the same agent in another file). 5XX (see also: *related* agents) are not forms of this one
  and are left out, so a cycle of "see also" links cannot merge anything.
- NLK LOD: ``prefLabel`` / ``label`` / ``name`` / ``altLabel``, ``birthYear`` / ``deathYear``, ``isni``,
  ``sameAs`` (VIAF, LC, ISNI URIs) and the record's own ``nlk:KAC…`` id.

One broken record is a problem naming it, never the end of the file.

    >>> import pathlib
    >>> fixture = pathlib.Path(__file__).parents[2] / "tests/agents/data/lc-n78095332-shakespeare.marcxml"
    >>> problems = []
    >>> ((authority_id, agent),) = read_authorities(fixture, problems)
    >>> authority_id, agent.forms[0].text, agent.dates, "莎士比亞" in [f.text for f in agent.forms]
    ('authority:DLC:n78095332', 'Shakespeare, William', '1564-1616', True)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pymarc

from tongwen.cjk.scripts import detect_script
from tongwen.ingest import marc, marcxml
from tongwen.ingest.marc_rules import strip_isbd
from tongwen.model import Agent, Form

_KIND = {"00": "person", "10": "organization", "11": "meeting"}
_NAME_CODES = {"person": "abcq", "organization": "abcdn", "meeting": "acdenq"}
_YEAR = re.compile(r"^(\d{3,4})")


def read_authorities(path: Path, problems: list[str]) -> Iterator[tuple[str, Agent]]:
    """Every authority in `path` (format from its content); problems are appended to `problems`."""
    with path.open("rb") as stream:
        head = stream.read(2048)
    text_head = head.lstrip()
    if text_head.startswith((b"{", b"[")):
        yield from nlk_lod_authorities(path, problems)
    else:
        reader = marcxml.read if text_head.startswith(b"<") else marc.read
        with path.open("rb") as stream:
            for raw in reader(stream, path.name, {}):
                if raw.error or raw.payload is None:
                    problems.append(raw.error or f"{raw.position}: unreadable")
                    continue
                try:
                    found = marc_authority(raw.payload)
                except ValueError as error:
                    problems.append(f"{raw.position}: {error}")
                    continue
                if found is not None:
                    yield found


def _forms(fields: list[pymarc.Field], codes: str) -> list[Form]:
    forms: list[Form] = []
    for fld in fields:
        text = strip_isbd(" ".join(fld.get_subfields(*codes)))
        if text and all(text != f.text for f in forms):
            forms.append(Form(text, detect_script(text)))
    return forms


def marc_authority(record: pymarc.Record) -> tuple[str, Agent] | None:
    """(authority id, agent) of one MARC 21 Authority record; None for a subject or title authority."""
    if record.leader and len(str(record.leader)) > 6 and str(record.leader)[6] != "z":
        raise ValueError(f"leader/06 is {str(record.leader)[6]!r}, not an authority record ('z')")
    headings = [f for f in record.get_fields("100", "110", "111")]
    if not headings:
        return None  # topical, geographic, genre or title authorities name no agent
    heading = headings[0]
    if heading.tag == "100" and heading.get("t"):
        return None  # a name/title heading is a work, not an agent
    kind = _KIND[heading.tag[1:]]
    tag_end = heading.tag[1:]
    linked = [f for f in record.get_fields("880") if (f.get("6") or "")[:3] in (f"1{tag_end}", f"4{tag_end}")]
    forms = _forms([heading, *record.get_fields(f"4{tag_end}"), *linked], _NAME_CODES[kind])
    if not forms:
        raise ValueError(f"{heading.tag} has no name")
    control = record.get("001")
    number = control.data.strip() if control is not None and control.data else None
    if not number:
        raise ValueError("no 001 control number")
    agency = record.get("003")
    source = agency.data.strip() if agency is not None and agency.data else "local"
    identifiers = [f"({source}){number}"]
    for fld in record.get_fields("024"):
        if fld.get("a"):
            scheme = (fld.get("2") or "uri").strip()
            identifiers.append(fld.get("a").strip() if "://" in fld.get("a") else f"({scheme}){fld.get('a').strip()}")
    for fld in record.get_fields("700", "710", "711"):
        identifiers.extend(v.strip() for v in fld.get_subfields("0", "1") if v.strip())
    dates = strip_isbd(heading.get("d") or "") or None if kind == "person" else None
    return f"authority:{source}:{number}", Agent(forms, "creator", kind, dates, list(dict.fromkeys(identifiers)))


def _values(node: dict, key: str) -> list[str]:
    value = node.get(key)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [v.split("^^", 1)[0].strip() for v in values if isinstance(v, str) and v.strip()]


def nlk_lod_authorities(path: Path, problems: list[str]) -> Iterator[tuple[str, Agent]]:
    """NLK linked-data persons (``nlon:Author``) and organizations (``foaf:Organization``)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        problems.append(f"{path.name}: not a JSON document ({error})")
        return
    nodes = document.get("@graph", []) if isinstance(document, dict) else document
    for number, node in enumerate(nodes, start=1):
        if not isinstance(node, dict) or not isinstance(node.get("@id"), str):
            problems.append(f"{path.name} node {number}: no @id")
            continue
        types = _values(node, "@type")
        kind = "organization" if "foaf:Organization" in types else "person" if "nlon:Author" in types else None
        if kind is None:
            continue
        names = list(dict.fromkeys(_values(node, "prefLabel") + _values(node, "label") + _values(node, "name")
                                   + _values(node, "altLabel")))
        if not names:
            problems.append(f"{path.name} node {number} ({node['@id']}): no name")
            continue
        birth = next((m.group(1) for v in _values(node, "birthYear") if (m := _YEAR.match(v))), None)
        death = next((m.group(1) for v in _values(node, "deathYear") if (m := _YEAR.match(v))), None)
        dates = f"{birth}-{death or ''}" if birth else (f"-{death}" if death else None)
        identifiers = [node["@id"], *_values(node, "sameAs"), *(f"(isni){v}" for v in _values(node, "isni"))]
        local = node["@id"].split(":", 1)[-1]
        yield (f"authority:NLK:{local}",
               Agent([Form(n, detect_script(n)) for n in names], "creator", kind, dates, identifiers))
