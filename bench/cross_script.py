"""Recall of cross-script search on real catalogue pairs: `python bench/cross_script.py` prints a table.

The pairs (`tests/index/realdata_pairs.py`) are one text written two ways by real catalogues: variant/script
pairs (hanja ↔ hangul, kanji ↔ NDL's kana reading, traditional ↔ simplified corporate names), ALA-LC
romanized fields ↔ their 880 partners, and McCune–Reischauer forms ↔ hangul. One side of every pair becomes
a record (a title, a creator, or an imprint held as a title) in one index; the other side is typed as a
query. Found = the record is among the first 10 hits. Beside recall: P@1 (the first hit is the record) and
the mean number of matching records, so a looser key shows up as lost precision. Misses are listed with
``--misses``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "index"))  # the real-data pair builders shared with the tests
DATA = ROOT.parent / "shared" / "data"

from realdata_pairs import all_pairs, measure  # noqa: E402

KINDS = {
    "variant": "variant/script pairs",
    "ala-lc": "ALA-LC romanized (chi, jpn)",
    "mr": "McCune–Reischauer",
    "mr-forms": "MR: reverse and name styles",
    "names": "self-romanized Korean names",
}


def print_table(results: dict[str, dict], misses: bool = False) -> None:
    print("| check | recall@10 | found / asked | P@1 | mean matches |\n|---|---:|---:|---:|---:|")
    for kind, name in KINDS.items():
        row = results.get(kind)
        if not row:
            continue
        asked = row["asked"]
        print(
            f"| {name} | {row['found'] / asked:.3f} | {row['found']} / {asked} | {row['first'] / asked:.3f} "
            f"| {row['matches'] / asked:.2f} |"
        )
    for kind, name in KINDS.items():
        row = results.get(kind)
        if not row:
            continue
        print(f"\n{name} by source:")
        for label, (found, asked, first) in sorted(row["by_source"].items()):
            print(f"  {label:<52} {found:>5} / {asked:<5} {found / asked:.3f}  P@1 {first / asked:.3f}")
        if misses:
            for pair in row["misses"]:
                print(f"    miss: {pair.query!r} → {pair.text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list every pair not found")
    parser.add_argument("--mediclassics-every", type=int, default=1, help="keep one mediclassics pair in N")
    args = parser.parse_args()
    start = time.perf_counter()
    pairs = list(dict.fromkeys(all_pairs(DATA, mediclassics_every=args.mediclassics_every)))
    with tempfile.TemporaryDirectory() as folder:
        results = measure(pairs, Path(folder) / "index")
    print_table(results, misses=args.misses)
    print(f"\n{len(pairs)} pairs in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
