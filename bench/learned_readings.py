"""Readings learned from catalogued yomi, measured without leakage: `python bench/learned_readings.py`.

The Japanese pairs of ../shared/data that catalogue a reading (NDL titles, creators and publishers with their
DC-NDL transcriptions and CiNii's, as the project's readers import them; Princeton's 880 vernacular fields with
their ALA-LC romanized partners, in its Solr documents, its title table and its MARC; Stanford's and Open
Library's MARC; the Kanseki Repository catalogue's Hepburn of Japanese Buddhist titles and persons, KR6t) are split in two halves; records of one half are
indexed with the lexicon learned from the other half only, so no record is ever helped by its own pair.
The halves are drawn by connected groups: pairs of one bibliographic record, and pairs writing the same text,
always fall in the same half (Princeton's Solr document, its MARC and its title table describe one record
three times; a record must not learn from its own copy either).

Reported, with and without the held-out lexicon: the cross-script checks (`tests/index/realdata_pairs.py`:
ALA-LC jpn recall@10 and P@1, NDL kana → kanji) and the relevance suite (`tests/index/test_relevance.py`:
recall@10 and P@1 per query form over its ~47,000 records).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "index"))
DATA = ROOT.parent / "shared" / "data"

from realdata_pairs import (  # noqa: E402
    _marc_records,
    _princeton_documents,
    all_pairs,
    marc_pairs,
    measure,
    princeton_document_pairs,
)
from realdata_records import all_samples, ndl, princeton  # noqa: E402

from tongwen.cjk.learned_readings import ReadingLexicon  # noqa: E402
from tongwen.cjk.yomi import normalised_text  # noqa: E402


IMPORTED = ("enju-ndl-cinii-loc-api-responses", "princeton-bibdata-alma", "stanford-searchworks-traject-fixtures",
            "openlibrary-marc-880", "marc4j-test-resources")


def imported_pairs(data: Path) -> list[tuple[str, str, str]]:
    """The pairs `tongwen.index.readings.reading_pairs` finds in the records the project's own readers make of
    the files (DC-NDL and CiNii RDF: titles, creators and publishers with transcriptions; MARC 880s)."""
    from tongwen.index.readings import reading_pairs
    from tongwen.ingest import FormatNotRecognised, detect_format
    from tongwen.ingest.base import MapContext, RecordRejected

    pairs = []
    for folder in IMPORTED:
        for path in sorted((data / folder).rglob("*")):
            if not path.is_file() or path.suffix in (".md", ".tsv"):
                continue
            try:
                fmt = detect_format(path)
            except FormatNotRecognised:
                continue
            with open(path, "rb") as stream:
                for raw in fmt.read(stream, path.name, {}):
                    if raw.error:
                        continue
                    try:
                        record, _ = fmt.map(raw, MapContext(source=folder))
                    except (RecordRejected, ValueError):
                        continue
                    pairs.extend((record.id, text, reading) for text, reading in reading_pairs(record))
    return pairs


def kanripo_pairs(data: Path) -> list[tuple[str, str, str]]:
    """The Kanseki Repository catalogue's Japanese Buddhist works (KR6t): each title and each person with the
    Hepburn it gives (``:lang@ja-rom:``, go-on readings: 三論名教抄 SANROM MYŌKYŌ SHŌ)."""
    import re

    pairs = []
    key = name = None
    for line in (data / "kanripo-kr-catalog" / "KR" / "KR6t.txt").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^\*\*\* (KR6t\w+) (.+)$", line)
        person = re.match(r"^\*\*\*\*\* (.+)$", line)
        if heading:
            key, name = heading.group(1), heading.group(2).rsplit("-", 2)[0].strip()
        elif person:
            name = person.group(1).strip()
        elif line.strip().startswith(":lang@ja-rom:") and key and name:
            pairs.append((f"kanripo:{key}", name, line.split(":", 2)[2].strip()))
            name = None
    return pairs


def learning_pairs(data: Path) -> list[tuple[str, str, str]]:
    """(bibliographic record key, Japanese text, its catalogued reading)."""
    pairs = imported_pairs(data) + kanripo_pairs(data)
    for sample in ndl(data):
        pairs.extend((f"ndl:{sample.title}", sample.title, reading) for reading in sample.readings)
    for sample in princeton(data):
        if sample.record.languages == ["jpn"]:
            pairs.extend((f"princeton:{sample.record.local_id}", sample.title, r) for r in sample.romanized)
    for document in _princeton_documents(data):
        identifier = document["id"][0] if isinstance(document["id"], list) else document["id"]
        pairs.extend((f"princeton:{identifier}", pair.text, pair.query)
                     for pair in princeton_document_pairs(document) if pair.lang == "jpn")
    for number, (source, record) in enumerate(_marc_records(data)):
        field = record.get("001")
        key = f"marc:{field.data}" if field is not None else f"marc:{source}#{number}"
        pairs.extend((key, pair.text, pair.query) for pair in marc_pairs(record, source) if pair.lang == "jpn")
    return pairs


class _Groups:
    """Union-find over record keys and texts."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _half(name: str) -> int:
    return hashlib.blake2b(name.encode(), digest_size=4).digest()[0] % 2


class HeldOut:
    """Two lexicons, each learned from one half; a text is respelled by the other half's lexicon only."""

    def __init__(self, pairs: list[tuple[str, str, str]]) -> None:
        groups = _Groups()
        for key, text, _ in pairs:
            groups.union("record " + key, "text " + normalised_text(text))
        self.groups = groups
        self.lexicons = [ReadingLexicon(), ReadingLexicon()]
        self.taught = [0, 0]
        # one bibliographic record described three times (Solr, MARC, title table) teaches once
        unique = dict.fromkeys((groups.find("record " + key), text, reading) for key, text, reading in pairs)
        for _, text, reading in unique:
            half = self.half_of(text)
            self.taught[half] += bool(self.lexicons[half].learn(text, reading))

    def half_of(self, text: str) -> int:
        node = "text " + normalised_text(text)
        return _half(self.groups.find(node)) if node in self.groups.parent else _half(node)

    def respell(self, text: str) -> list[str]:
        return self.lexicons[1 - self.half_of(text)].respell(text)


def cross_script(readings) -> dict[str, dict]:
    """The Japanese cross-script checks, and the same ALA-LC pairs reversed: the kanji typed, the record
    holding only the romanization (a catalogue without 880s), what the query side of the lexicon is for."""
    from realdata_pairs import Pair

    pairs = list(dict.fromkeys(all_pairs(DATA)))
    pairs = [pair for pair in pairs if pair.lang == "jpn"]  # what learned readings can change
    pairs += [Pair("ala-lc-reverse", f"reverse {pair.source}", pair.lang, pair.role, pair.query, pair.text)
              for pair in pairs if pair.kind == "ala-lc"]
    with tempfile.TemporaryDirectory() as folder:
        return measure(pairs, Path(folder) / "index", readings=readings)


def relevance(readings) -> dict[str, tuple[float, float, int]]:
    """form → (recall@10, P@1, queries), as tests/index/test_relevance.py counts them."""
    import test_relevance as suite

    from tongwen.index import SearchIndex, SearchRequest

    corpus = all_samples(DATA, douban_every=suite.DOUBAN_EVERY)
    same_title = suite.same_title_groups(corpus)
    with tempfile.TemporaryDirectory() as folder:
        index = SearchIndex.open(Path(folder) / "index", countries=suite.COUNTRIES, readings=readings)
        index.add(sample.record for samples in corpus.values() for sample in samples)
        results = {}
        for form, asked in suite.queries(corpus).items():
            found = first = 0
            for _, record_id, text in asked:
                hits = index.search(SearchRequest(text, facets=(), page_size=10)).hits
                relevant = same_title[record_id]
                found += bool(relevant.intersection(hit.id for hit in hits))
                first += bool(hits) and hits[0].id in relevant
            results[form] = (found / len(asked), first / len(asked), len(asked))
        index.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list the ALA-LC jpn pairs not found")
    parser.add_argument("--no-relevance", action="store_true", help="only the cross-script checks (seconds)")
    parser.add_argument("--replace", action="store_true",
                        help="the learned reading replaces pykakasi's instead of being indexed beside it")
    args = parser.parse_args()
    if args.replace:
        from tongwen.index import readings as index_readings

        index_readings.KEEP_PYKAKASI = False
    from tongwen.index.compiler import QueryCompiler

    query_side = QueryCompiler._learned_readings
    started = time.perf_counter()
    held_out = HeldOut(learning_pairs(DATA))
    sizes = [len(lexicon) for lexicon in held_out.lexicons]
    print(f"pairs that taught: {held_out.taught} per half; runs kept: {sizes}\n")
    rows = []
    columns = (("pykakasi only", None, False), ("learned, index side", held_out, False),
               ("learned, index and query side", held_out, True))
    for label, readings, on_query_side in columns:
        # the query side off: the compiler asks no lexicon (the index side still respells records)
        QueryCompiler._learned_readings = query_side if on_query_side else lambda *args, **kwargs: []
        results = cross_script(readings)
        row = {"label": label}
        for kind in ("ala-lc", "ala-lc-reverse"):
            r = results[kind]
            row[kind] = (r["found"] / r["asked"], r["first"] / r["asked"], r["asked"])
        by_source = results["variant"]["by_source"]
        for name, source in (("ndl", "ndl kana→kanji (title, jpn)"), ("ndl-reverse", "ndl kanji→kana (title, jpn)")):
            ndl = by_source.get(source)
            row[name] = (ndl[0] / ndl[1], ndl[2] / ndl[1], ndl[1]) if ndl else None
        if not args.no_relevance:
            row["relevance"] = relevance(readings)
        rows.append(row)
        if args.misses:
            for kind in ("ala-lc", "ala-lc-reverse"):
                for pair in results[kind]["misses"]:
                    print(f"  [{label}] {kind} miss: {pair.query!r} → {pair.text!r}")
    QueryCompiler._learned_readings = query_side
    print("| measure | " + " | ".join(label for label, _, _ in columns) + " |\n|---|" + "---:|" * len(columns))

    def cell(value) -> str:
        return f"{value[0]:.3f} (P@1 {value[1]:.3f}, n={value[2]})" if value else "–"

    def line(name: str, values) -> None:
        print(f"| {name} | " + " | ".join(cell(value) for value in values) + " |")

    line("ALA-LC romanized jpn → kanji record", [row["ala-lc"] for row in rows])
    line("ALA-LC kanji → romanized-only record", [row["ala-lc-reverse"] for row in rows])
    line("NDL kana → kanji record", [row["ndl"] for row in rows])
    line("NDL kanji → kana-only record", [row["ndl-reverse"] for row in rows])
    if not args.no_relevance:
        for form in rows[0]["relevance"]:
            line(f"relevance {form}", [row["relevance"][form] for row in rows])
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
