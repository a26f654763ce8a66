"""The cooperation network drawn on the server as an SVG picture: no JavaScript, works in every browser.

Layout: a *shell* layout — institutions on the inner ring (grouped by country), organisations on the middle
ring, agreements on the outer ring. It is deterministic (the same data gives the same picture, so it can be
tested and cached) and a dozen lines of trigonometry; a force-directed layout (networkx) would add numpy for
a graph of a few dozen nodes and move the nodes on every change.

The SVG is built with lxml, so every label is escaped by the serializer. It is accessible: ``<title>`` and
``<desc>`` name the picture, each node is a link with its own ``<title>``, and the portal shows the same
facts as a table beside it. No ``style`` attributes (the portal's CSP forbids inline styles): presentation
attributes and CSS classes only.

    >>> svg = network_svg({"nodes": [{"id": "NLC", "type": "institution", "label": "National Library of China",
    ...                               "country": "CN"}], "edges": []}, title="Network", description="One node")
    >>> svg.startswith("<svg") and "<title id=\\"network-title\\">Network</title>" in svg
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lxml import etree

SIZE = 1100
CENTRE = SIZE / 2
RADII = {"institution": 200.0, "organisation": 320.0, "agreement": 400.0}
NODE_RADIUS = 16
# Colour-blind-safe (Okabe–Ito) colours; every kind also has its own shape, so colour is never the only cue.
FILL = {"institution": "#0072b2", "organisation": "#e69f00", "agreement": "#009e73"}
# Presentation attributes (allowed by the CSP, unlike style=""); dashes tell the link types apart without colour.
EDGE_LOOK: dict[str, dict[str, str]] = {
    "cooperation": {"stroke": "#0072b2", "stroke-opacity": "0.75"},
    "membership": {"stroke": "#8a6d00", "stroke-width": "1.5", "stroke-dasharray": "6 4"},
    "party": {"stroke": "#007a5a", "stroke-width": "1.5", "stroke-dasharray": "2 3"},
    "part_of": {"stroke": "#555555", "stroke-width": "1"},
}


def shell_layout(nodes: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y): each node type on its own ring, evenly spaced, institutions ordered by country.

    >>> pos = shell_layout([{"id": "A", "type": "institution"}, {"id": "B", "type": "institution"}])
    >>> [tuple(round(v) for v in pos[k]) for k in "AB"]
    [(550, 350), (550, 750)]
    """
    positions: dict[str, tuple[float, float]] = {}
    for node_type, radius in RADII.items():
        ring = sorted((n for n in nodes if n["type"] == node_type),
                      key=lambda n: (n.get("country") or "", n.get("date") or "", n["id"]))
        for index, node in enumerate(ring):
            # Start at the top and go clockwise; offset the outer rings by half a step so that their nodes
            # sit between the inner ones and their labels do not collide.
            offset = 0.5 if node_type != "institution" else 0.0
            angle = 2 * math.pi * (index + offset) / len(ring) - math.pi / 2
            positions[node["id"]] = (CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle))
    return positions


def edge_width(events: int) -> float:
    """Cooperation lines grow with the counted events, logarithmically so 33 meetings do not hide 1 visit."""
    return round(1.5 + 1.5 * math.log2(1 + events), 2)


def network_svg(
    network: dict[str, list[dict[str, Any]]],
    *,
    title: str,
    description: str,
    link: Callable[[dict[str, Any]], str | None] = lambda node: None,
    node_label: Callable[[dict[str, Any]], str] = lambda node: node["id"],
    node_title: Callable[[dict[str, Any]], str] = lambda node: node.get("label") or node["id"],
    edge_title: Callable[[dict[str, Any]], str] = lambda edge: f"{edge['source']} – {edge['target']}",
) -> str:
    """The network (as `tongwen.registry.stats.network` returns it) as SVG markup for inline use.

    ``link`` gives each node's page (None: no link), ``node_label`` the short text drawn beside it,
    ``node_title`` / ``edge_title`` the accessible names (in the interface language: the caller translates).
    """
    nodes = network["nodes"]
    positions = shell_layout(nodes)
    svg = etree.Element("svg", viewBox=f"0 0 {SIZE} {SIZE}",
                        role="group", **{"aria-labelledby": "network-title", "aria-describedby": "network-desc",
                                         "class": "network-picture"})
    etree.SubElement(svg, "title", id="network-title").text = title
    etree.SubElement(svg, "desc", id="network-desc").text = description

    lines = etree.SubElement(svg, "g", {"class": "edges"})
    # Draw the light links first and the cooperation links on top of them.
    order = {"part_of": 0, "membership": 1, "party": 2, "cooperation": 3}
    for edge in sorted(network["edges"], key=lambda e: order.get(e["type"], 9)):
        if edge["source"] not in positions or edge["target"] not in positions:
            continue
        (x1, y1), (x2, y2) = positions[edge["source"]], positions[edge["target"]]
        attributes = {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2),
                      "class": f"edge edge-{edge['type']}", **EDGE_LOOK.get(edge["type"], {"stroke": "#555555"})}
        if edge["type"] == "cooperation":
            attributes["stroke-width"] = str(edge_width(edge.get("events") or 0))
        line = etree.SubElement(lines, "line", attributes)
        etree.SubElement(line, "title").text = edge_title(edge)

    drawn = etree.SubElement(svg, "g", {"class": "nodes"})
    for node in nodes:
        x, y = positions[node["id"]]
        href = link(node)
        holder = etree.SubElement(drawn, "a", href=href) if href else etree.SubElement(drawn, "g")
        holder.set("class", f"node node-{node['type']}")
        etree.SubElement(holder, "title").text = node_title(node)
        _shape(holder, node["type"], x, y)
        # Labels outside the ring, anchored away from the centre so they never cover the links.
        dx, dy = x - CENTRE, y - CENTRE
        distance = math.hypot(dx, dy) or 1.0
        lx, ly = x + dx / distance * (NODE_RADIUS + 6), y + dy / distance * (NODE_RADIUS + 6) + 5
        anchor = "start" if dx > 1 else "end" if dx < -1 else "middle"
        text = etree.SubElement(holder, "text", x=_n(lx), y=_n(ly), **{"text-anchor": anchor})
        text.text = node_label(node)
    return etree.tostring(svg, encoding="unicode")


def _shape(parent: etree._Element, node_type: str, x: float, y: float) -> None:
    fill, r = FILL.get(node_type, "#666666"), NODE_RADIUS
    if node_type == "institution":
        etree.SubElement(parent, "circle", cx=_n(x), cy=_n(y), r=str(r), fill=fill)
    elif node_type == "organisation":
        etree.SubElement(parent, "rect", x=_n(x - r), y=_n(y - r), width=str(2 * r), height=str(2 * r),
                         rx="4", fill=fill)
    else:  # agreements: a diamond
        points = f"{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y)} {_n(x)},{_n(y + r)} {_n(x - r)},{_n(y)}"
        etree.SubElement(parent, "polygon", points=points, fill=fill)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
