"""Relevance over real catalogue data: find each sampled record by its title typed four ways.

The index holds ~47,000 real records (Kanripo, Korean medical classics, Aozora Bunko, a third of Douban,
NDL, Princeton)
with their vernacular titles only. Queries are sampled by a fixed stride, not chosen by hand:

- **catalogued**: the title exactly as catalogued;
- **variant**: the title converted by OpenCC into the other ideograph forms (traditional ↔ simplified,
  Japanese shinjitai → kyūjitai, Korean hanja → simplified);
- **romanized**: the romanization the source catalogue gives (Princeton's ALA-LC 245, Kanripo's Hepburn and
  pinyin), and NDL's title readings put into Hepburn by jaconv;
- **reading**: the reading the source gives (NDL's katakana transcriptions, hangul readings of hanja titles —
  the Aozora list here has no reading columns);
- **romanized_go_on / reading_go_on**: Kanripo's Hepburn for Japanese Buddhist works, as given and converted to
  hiragana by jaconv, measured apart (see `THRESHOLDS`).

A query counts as found when the record, or a record whose title analyses to the same tokens (Douban has 42
editions of 红楼梦), is in the top 10. Recall@10 per form is printed (run with -s) and asserted.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import jaconv
import opencc
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from realdata_records import Sample, all_samples

pytest.importorskip("tongwen.cjk.analysis", reason="the CJK analysis module has not landed yet")

from tongwen.index import SearchIndex, SearchRequest
from tongwen.index.analysis import default_analysis

THRESHOLDS = {
    "catalogued": 0.95,
    "variant": 0.95,
    "romanized": 0.85,
    "reading": 0.85,
    # Kanripo's Japanese Buddhist works (KR6t) are read in go-on (三論名教抄 SANRON MYŌKYŌ SHŌ, 大乘 DAIJŌ);
    # the reading dictionary (pykakasi) gives everyday readings (meikyō, taijō), so about half are missed.
    # Kept apart and guarded at what is measured, so the gap stays visible without hiding it in an average.
    "romanized_go_on": 0.45,
    "reading_go_on": 0.45,
}
MAIN_FORMS = ("catalogued", "variant", "romanized", "reading")
STRIDES = {"ndl": 1, "princeton": 1, "kanripo": 16, "mediclassics": 40, "aozora": 100, "douban": 130}
DOUBAN_EVERY = 3  # a third of Douban's 62,000 titles as distractors keeps the suite quick
READING_STRIDE = 20  # mediclassics readings
COUNTRIES = {"NLC": "CN", "NDL": "JP", "NLK": "KR"}

_CONVERTERS = {name: opencc.OpenCC(name) for name in ("t2s", "s2t", "jp2t", "t2jp")}
_VARIANT_ORDER = {"chi": ("t2s", "s2t"), "jpn": ("jp2t", "t2jp"), "kor": ("t2s", "t2jp")}


def variant_form(title: str, lang: str) -> str | None:
    for name in _VARIANT_ORDER.get(lang, ("t2s", "s2t")):
        converted = _CONVERTERS[name].convert(title)
        if converted != title:
            return converted
    return None


def hepburn_to_hiragana(romaji: str) -> str:
    long_vowels = {"ā": "aa", "ī": "ii", "ū": "uu", "ē": "ei", "ō": "ou", "â": "aa", "ô": "ou", "û": "uu"}
    lowered = "".join(long_vowels.get(ch, ch) for ch in romaji.lower())
    return jaconv.alphabet2kana(lowered)


@pytest.fixture(scope="module")
def corpus(shared_data: Path) -> dict[str, list[Sample]]:
    return all_samples(shared_data, douban_every=DOUBAN_EVERY)


@pytest.fixture(scope="module")
def index(corpus, tmp_path_factory) -> SearchIndex:
    index = SearchIndex.open(tmp_path_factory.mktemp("relevance") / "index", countries=COUNTRIES)
    index.add(sample.record for samples in corpus.values() for sample in samples)
    return index


@pytest.fixture(scope="module")
def same_title(corpus) -> dict[str, set[str]]:
    return same_title_groups(corpus)


def same_title_groups(corpus: dict[str, list[Sample]]) -> dict[str, set[str]]:
    """Record id → ids of records whose titles analyse identically (indistinguishable by title)."""
    analyze = default_analysis().analyze
    groups: dict[tuple, set[str]] = defaultdict(set)
    keys = {}
    for samples in corpus.values():
        for sample in samples:
            key = tuple(analyze(sample.title, sample.record.languages[0]))
            groups[key].add(sample.record.id)
            keys[sample.record.id] = key
    return {record_id: groups[key] for record_id, key in keys.items()}


def queries(corpus: dict[str, list[Sample]]) -> dict[str, list[tuple[str, str, str]]]:
    """form → [(source, record id, query text)]."""
    forms: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for source, samples in corpus.items():
        for position, sample in enumerate(samples):
            record = sample.record
            if position % STRIDES[source] == 0:
                forms["catalogued"].append((source, record.id, sample.title))
                variant = variant_form(sample.title, record.languages[0])
                if variant:
                    forms["variant"].append((source, record.id, variant))
            go_on = source == "kanripo" and record.local_id.startswith("KR6t")
            for number, romanized in enumerate(sample.romanized):
                # KR6t gives Hepburn (go-on) first, then pinyin.
                forms["romanized_go_on" if go_on and number == 0 else "romanized"].append(
                    (source, record.id, romanized)
                )
            if go_on and sample.romanized:
                forms["reading_go_on"].append((source, record.id, hepburn_to_hiragana(sample.romanized[0])))
            if source == "mediclassics" and position % READING_STRIDE == 0 or source == "ndl":
                forms["reading"].extend((source, record.id, reading) for reading in sample.readings)
    return forms


def _label(source: str, lang: str) -> str:
    """Princeton's romanizations are ALA-LC pinyin, Hepburn or McCune–Reischauer: reported apart."""
    return f"{source}-{lang}" if source == "princeton" else source


@pytest.fixture(scope="module")
def recall(index, corpus, same_title) -> dict[str, tuple[float, int, dict[str, tuple[int, int]]]]:
    """form → (recall@10, number of queries, {source: (found, asked)}). Printed beside it: precision@1 (the
    first hit is the record or its same-title twin) and the mean number of matching records, so loosening a
    key shows up as lost precision."""
    languages = {sample.record.id: sample.record.languages[0] for samples in corpus.values() for sample in samples}
    results = {}
    precision = {}
    for form, asked in queries(corpus).items():
        found_by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        first_right = matches = 0
        for source, record_id, text in asked:
            top = index.search(SearchRequest(text, facets=(), page_size=10))
            relevant = same_title[record_id]
            found = bool(relevant.intersection(hit.id for hit in top.hits))
            first_right += bool(top.hits) and top.hits[0].id in relevant
            matches += top.total
            label = _label(source, languages[record_id])
            found_by_source[label][0] += found
            found_by_source[label][1] += 1
        total_found = sum(found for found, _ in found_by_source.values())
        results[form] = (
            total_found / len(asked),
            len(asked),
            {source: tuple(counts) for source, counts in found_by_source.items()},
        )
        precision[form] = (first_right / len(asked), matches / len(asked))
    print("\nrecall@10 by query form (P@1, mean matching records):")
    for form, (value, count, by_source) in results.items():
        detail = ", ".join(
            f"{source} {found}/{asked}" for source, (found, asked) in sorted(by_source.items())
        )
        p_at_1, mean_matches = precision[form]
        print(f"  {form:<11} {value:.3f} over {count} queries; P@1 {p_at_1:.3f}, {mean_matches:.0f} matches ({detail})")
    return results


def test_at_least_300_queries_per_form(recall):
    assert {form: recall[form][1] for form in MAIN_FORMS if recall[form][1] < 300} == {}


@pytest.mark.parametrize("form", list(THRESHOLDS))
def test_recall_at_10(recall, form):
    value, count, by_source = recall[form]
    assert value >= THRESHOLDS[form], f"{form}: recall@10 {value:.3f} over {count} queries; {by_source}"


def test_variant_forms_return_the_same_results(index, corpus):
    """A title and its variant form are the same query once folded: same total, same ranking."""
    same = differing = 0
    examples = []
    pairs = []
    for source, samples in corpus.items():
        for position, sample in enumerate(samples):
            if position % STRIDES[source] == 0:
                variant = variant_form(sample.title, sample.record.languages[0])
                if variant:
                    pairs.append((sample.title, variant))
    for title, variant in pairs:
        first = index.search(SearchRequest(title, facets=(), page_size=20))
        second = index.search(SearchRequest(variant, facets=(), page_size=20))
        if first.total == second.total and [h.id for h in first.hits] == [h.id for h in second.hits]:
            same += 1
        else:
            differing += 1
            examples.append((title, variant, first.total, second.total))
    share = same / (same + differing)
    print(f"\nvariant equivalence: {same}/{same + differing} identical result lists; e.g. {examples[:5]}")
    assert share >= 0.95, examples[:10]
