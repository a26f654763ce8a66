"""Indexing is fast because the analysis remembers (bounded caches of romanizations, tokens, scripts) and
because documents are built in worker processes forked with the dictionaries loaded. None of that may change
a document: the documents of real records are the same built cold, one at a time with every cache emptied,
as built warm in bulk, and as built by the workers of a rebuild.
"""

import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from realdata_records import all_samples

import tongwen.index.analysis
from tongwen.agents.store import RecordAgent
from tongwen.index.documents import DocumentBuilder
import tongwen.index.parallel
from tongwen.index import readings as learned_readings
from tongwen.index.parallel import build_documents, from_store, prepared_documents
from tongwen.index.tantivy_engine import prepare
from tongwen.model import Form, Page, Publication, PublicationForm, Record, Subject, Title
from tongwen.store import Store

COUNTRIES = {"NLC": "CN", "NDL": "JP", "NLK": "KR"}
PER_SOURCE = 80
PUBLISHERS = [("北京", "中华书局"), ("東京", "岩波書店"), ("서울", "민음사"), ("Shanghai", "Shanghai gu ji chu ban she")]
SUBJECTS = ["History", "易類", "醫學", "역사", "日本文学", "Poetry"]


def forget_everything() -> None:
    """Empty every bounded cache of Tongwen's analysis (the unbounded ones hold loaded tables, not results)
    and drop the default analysis with the caches it holds itself."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("tongwen"):
            continue
        for value in list(vars(module).values()):
            parameters = getattr(value, "cache_parameters", None)
            if parameters is not None and parameters()["maxsize"] is not None:
                value.cache_clear()
    tongwen.index.analysis._default = None


@pytest.fixture(scope="module")
def records(shared_data):
    """Real records of every source, with their catalogue readings as forms (so readings are romanized too),
    and the titles the benchmark makes (a title, then a part of another one) where every cache is hit by
    parts of many titles; publishers and subjects repeat across records, as in a catalogue."""
    rng = random.Random(5)
    samples = []
    for group in all_samples(shared_data, douban_every=20).values():
        samples.extend(group if len(group) <= PER_SOURCE else rng.sample(group, PER_SOURCE))
    made = []
    for number, sample in enumerate(samples):
        record = sample.record
        title = record.titles[0]
        readings = [Form(text) for text in (*sample.romanized, *sample.readings)]
        other = rng.choice(samples).title
        start = rng.randrange(max(1, len(other) - 2))
        composed = f"{title.forms[0].text}：{other[start : start + rng.randint(2, 6)]}"
        place, publisher = rng.choice(PUBLISHERS)
        made.append(replace(record, titles=[Title([*title.forms, *readings])]))
        made.append(
            replace(
                record,
                local_id=f"{record.local_id}-part-{number}",
                titles=[Title([Form(composed)]), Title([Form(other)], "series")],
                subjects=[Subject(rng.choice(SUBJECTS))],
                publications=[Publication([PublicationForm(place=place, publisher=publisher)])],
            )
        )
    return made


def test_warm_caches_and_workers_build_the_documents_a_cold_builder_builds(records):
    cold = []
    for record in records:
        forget_everything()
        cold.append(DocumentBuilder(countries=COUNTRIES).build(record))
    forget_everything()
    builder = DocumentBuilder(countries=COUNTRIES)
    warm = [builder.build(record) for record in reversed(records)][::-1]  # other records filled the caches
    again = [builder.build(record) for record in records]  # every answer now from a cache
    parallel = [
        document for chunk in build_documents(records, builder, workers=2, parallel_ok=True) for document in chunk
    ]
    for name, documents in (("warm", warm), ("cached", again), ("workers", parallel)):
        differing = [record.id for record, a, b in zip(records, cold, documents, strict=True) if a != b]
        assert not differing, f"{name}: {len(differing)} documents differ from the cold build, e.g. {differing[:3]}"


def known_elsewhere(record_id):
    """An agent store's answer (`tongwen.agents.store.AgentForms`): the forms other catalogues know."""
    return [RecordAgent(0, "agent:murasaki", [Form("紫式部"), Form("Murasaki Shikibu", "Latn")])]


def test_the_workers_ask_for_the_agents_known_elsewhere(records):
    builder = DocumentBuilder(countries=COUNTRIES, agent_forms=known_elsewhere)
    some = records[:40]
    here = [builder.build(record) for record in some]
    parallel = [
        document for chunk in build_documents(some, builder, workers=2, parallel_ok=True) for document in chunk
    ]
    assert parallel == here
    assert all(document.keywords["agent_facet"] == ["agent:murasaki"] for document in parallel)
    # the Latin form as the romanized field holds it: trigrams of its roman key "murasakishikipu"
    assert all("mur ura ras" in " ".join(document.texts["creator_roman"]) for document in parallel)


def test_the_workers_of_a_rebuild_hand_on_what_the_engine_makes_of_the_documents(records):
    # A digitised item too: its pages travel beside the engine's form of the document.
    lunyu = Record("demo", "lunyu", titles=[Title([Form("論語")])], languages=["chi"],
                   pages=[Page("1a", text="學而時習之，不亦說乎"), Page("1b", text="有朋自遠方來，不亦樂乎")])
    some = [*records, lunyu]
    builder = DocumentBuilder(countries=COUNTRIES)
    here = [(prepare(document), document.pages) for document in map(builder.build, some)]
    parallel = [built for chunk in prepared_documents(some, builder, prepare, workers=2, parallel_ok=True)
                for built in chunk]
    assert parallel == here
    assert [page.label for page in parallel[-1][1]] == ["1a", "1b"]


def test_workers_reading_the_store_themselves_learn_and_build_what_this_process_would(records, database,
                                                                                    monkeypatch):
    # Small ranges, so that many workers' reads make up the store; a deleted record is left out by both.
    monkeypatch.setattr(tongwen.index.parallel, "CHUNK", 7)
    with Store.open(database) as store:
        with store.batch():
            for record in records:
                store.upsert(record)
        store.delete(records[3].id)
        here = DocumentBuilder(countries=COUNTRIES)
        here.readings = learned_readings.learn(store.iter_records(with_original=False))
        expected = [built for chunk in prepared_documents(store.iter_records(with_original=False), here, prepare,
                                                          workers=1, parallel_ok=True) for built in chunk]
        builder = DocumentBuilder(countries=COUNTRIES)
        lexicon, chunks = from_store(store, builder, prepare, workers=2, learn=True)
        built = [built for chunk in chunks for built in chunk]
    assert lexicon.to_json() == here.readings.to_json() and lexicon.to_json()["counts"]  # it taught something
    assert len(built) == len(records) - 1
    assert built == expected
