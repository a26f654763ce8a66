"""Kanji readers compared on catalogued readings: `python bench/japanese_readers.py` prints a table.

Issue 13.5 asks whether a dictionary-based reader (a morphological analyser: janome with its IPADIC, fugashi
with UniDic-lite) beats pykakasi, which `tongwen.cjk.japanese` uses. The Japanese pairs of ../shared/data that
catalogue a reading (`bench/learned_readings.learning_pairs`: NDL and CiNii titles, creators and publishers
with their DC-NDL transcriptions; the ALA-LC romanization of Princeton's, Stanford's and Open Library's 880s;
the Kanseki Repository's go-on Hepburn of Buddhist titles) are read by each reader, and a reading counts as
right when its roman key (`tongwen.cjk.romanize.roman_key`: long vowels, voicing and word spaces folded, as
the index compares readings) is the catalogue reading's. Nothing is learned from the pairs: no reader is
tuned on them, so there is nothing to hold out.

Also reported: how often each reader is right where pykakasi is wrong and the reverse, and the time per title
(each text read once, caches cold: what an index build pays).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "index"))
DATA = ROOT.parent / "shared" / "data"

from learned_readings import learning_pairs  # noqa: E402

from tongwen.cjk.romanize import roman_key  # noqa: E402
from tongwen.cjk.text import fold  # noqa: E402
from tongwen.cjk.yomi import romaji_to_kana  # noqa: E402


def catalogue_key(reading: str) -> str:
    """The roman key of a catalogued reading, kana (NDL) or Hepburn (ALA-LC)."""
    import jaconv

    folded = fold(reading)
    if any("\u3041" <= ch <= "\u30ff" for ch in folded):
        return roman_key(jaconv.kana2alphabet(folded))
    return roman_key(jaconv.kana2alphabet(romaji_to_kana(reading)))


def kana_key(kana: str) -> str:
    import jaconv

    return roman_key(jaconv.kana2alphabet(fold(kana)))


def pykakasi_reader():
    from tongwen.cjk.japanese import _kakasi
    from tongwen.cjk.variants import _converter

    kakasi = _kakasi()
    t2jp = _converter("t2jp")

    def read(text: str) -> str:  # as `tongwen.cjk.japanese.reading`, without its cache
        return "".join(item["hira"] or item["orig"] for item in kakasi.convert(t2jp.convert(text)))

    return read


def janome_reader():
    from janome.tokenizer import Tokenizer

    from tongwen.cjk.variants import _converter

    tokenizer = Tokenizer()
    t2jp = _converter("t2jp")

    def read(text: str) -> str:
        return "".join(token.reading if token.reading != "*" else token.surface
                       for token in tokenizer.tokenize(t2jp.convert(text)))

    return read


def fugashi_reader():
    import fugashi  # with unidic-lite's dictionary

    from tongwen.cjk.variants import _converter

    tagger = fugashi.Tagger()
    t2jp = _converter("t2jp")

    def read(text: str) -> str:
        return "".join((word.feature.kana or word.surface) if word.feature.kana not in (None, "*") else word.surface
                       for word in tagger(t2jp.convert(text)))

    return read


READERS = {"pykakasi": pykakasi_reader, "janome": janome_reader, "fugashi-unidic-lite": fugashi_reader}


def source_of(key: str) -> str:
    if key.startswith("kanripo:"):
        return "Kanripo go-on Hepburn"
    if key.startswith(("ndl:", "enju")):
        return "NDL/CiNii transcription"
    return "ALA-LC romanization (880)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=0, help="print N texts one reader gets right, pykakasi not")
    args = parser.parse_args()
    pairs = {}
    for key, text, reading in learning_pairs(DATA):
        if any("\u3400" <= ch <= "\u9fff" for ch in text):  # only texts with kanji need a reader
            pairs.setdefault((text, catalogue_key(reading)), source_of(key))
    readers = {}
    for name, make in READERS.items():
        try:
            started = time.perf_counter()
            readers[name] = make()
            readers[name]("日本")
            print(f"{name}: loaded in {time.perf_counter() - started:.1f} s")
        except ImportError as error:
            print(f"{name}: not installed ({error})")
    right: dict[str, dict[str, set]] = {name: defaultdict(set) for name in readers}
    seconds = {}
    for name, read in readers.items():
        started = time.perf_counter()
        for (text, key), source in pairs.items():
            if kana_key(read(text)) == key:
                right[name][source].add((text, key))
        seconds[name] = (time.perf_counter() - started) / len(pairs)
    # Both readings indexed (a second form beside pykakasi's): right when either is, for every title or only
    # for the titles pykakasi is unsure of (`tongwen.cjk.japanese.pykakasi_unsure`).
    from tongwen.cjk.japanese import pykakasi_unsure

    unsure = {text for text, _ in pairs if pykakasi_unsure(text)}
    print(f"pykakasi unsure of {len(unsure)} of {len({text for text, _ in pairs})} texts")
    for name in [name for name in readers if name != "pykakasi"]:
        for label, chosen in ((f"pykakasi + {name} always", None), (f"pykakasi + {name} where unsure", unsure)):
            right[label] = defaultdict(set)
            for source, got in (*right["pykakasi"].items(), *right[name].items()):
                right[label][source] |= {pair for pair in got if chosen is None or pair in right["pykakasi"][source]
                                         or pair[0] in chosen}
            seconds[label] = seconds["pykakasi"] + seconds[name] * (1 if chosen is None else len(chosen) / len(pairs))
    readers = {**readers, **{label: None for label in right if label not in readers}}
    sources = sorted(set(pairs.values()))
    counts = {source: sum(1 for s in pairs.values() if s == source) for source in sources}
    print("\n| reader | " + " | ".join(f"{s} (n={counts[s]})" for s in sources)
          + " | all | right where pykakasi is wrong / wrong where it is right | ms per title |")
    print("|---|" + "---:|" * (len(sources) + 3))
    base = set().union(*right["pykakasi"].values())
    for name in readers:
        got = set().union(*right[name].values())
        cells = [f"{len(right[name][s]) / counts[s]:.3f}" for s in sources]
        print(f"| {name} | " + " | ".join(cells) + f" | {len(got) / len(pairs):.3f} | +{len(got - base)} / "
              f"-{len(base - got)} | {seconds[name] * 1000:.2f} |")
        if args.examples and name in READERS and name != "pykakasi":
            for text, _ in sorted(got - base)[: args.examples]:
                print(f"    {name} right, pykakasi wrong: {text}  "
                      f"({readers[name](text)} / {readers['pykakasi'](text)})")
            for text, _ in sorted(base - got)[: args.examples]:
                print(f"    {name} wrong, pykakasi right: {text}  "
                      f"({readers[name](text)} / {readers['pykakasi'](text)})")
    print(f"\n{len(pairs)} distinct (text, reading) pairs with kanji")


if __name__ == "__main__":
    main()
