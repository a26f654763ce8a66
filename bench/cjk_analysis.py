"""How fast the CJK analysis runs on real titles: `python bench/cjk_analysis.py [N]` prints a table.

Titles: Douban Books 2020 (simplified/traditional Chinese, some Japanese and Korean) and the Kanseki Repository
catalogue (premodern Chinese, Japanese Buddhist works). Caches are cleared before each measured pass, so the
numbers are for titles never seen before (the index sees mostly new titles; creators and subjects repeat).
"""

from __future__ import annotations

import csv
import re
import sys
import time
from pathlib import Path

from tongwen.cjk import analysis, clear_caches

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def douban_titles(limit: int) -> list[str]:
    with (DATA / "douban-books-2020-titles" / "Books_3.csv").open(encoding="utf-8-sig") as rows:
        return [row["Title"] for _, row in zip(range(limit), csv.DictReader(rows))]


def kanripo_titles(limit: int) -> list[str]:
    heading = re.compile(r"^\*\*\* KR\S+ (.+?)-")
    titles = []
    for path in sorted((DATA / "kanripo-kr-catalog" / "KR").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = heading.match(line)
            if match:
                titles.append(match.group(1))
    return titles[:limit]


def rate(label: str, titles: list[str], call) -> None:
    clear_caches()  # titles never seen: nothing answered from a cache
    start = time.process_time()  # CPU time: the machine may be shared
    for title in titles:
        call(title)
    elapsed = time.process_time() - start
    print(f"| {label:<44} | {len(titles):>6} | {len(titles) / elapsed:>10,.0f} |")


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    start = time.perf_counter()
    analysis.analyze("紅樓夢 춘향전 げんじ")  # build the tables once, outside the timings
    for title in douban_titles(200):  # pypinyin and pykakasi unpickle their dictionaries lazily
        analysis.roman_tokens(title, None)
    print(f"first call (tables, OpenCC, pykakasi, pypinyin load): {time.perf_counter() - start:.2f} s\n")
    douban, kanripo = douban_titles(limit), kanripo_titles(limit)
    print("| call | titles | titles per CPU-second |\n|---|---:|---:|")
    rate("analyze(douban title)", douban, analysis.analyze)
    rate("analyze(douban title, 'kor')", douban, lambda t: analysis.analyze(t, "kor"))
    rate("analyze(kanripo title)", kanripo, analysis.analyze)
    rate("roman_tokens(douban title, 'chi')", douban, lambda t: analysis.roman_tokens(t, "chi"))
    rate("roman_tokens(douban title, 'jpn')", douban, lambda t: analysis.roman_tokens(t, "jpn"))
    rate("roman_tokens(douban title, 'kor')", douban, lambda t: analysis.roman_tokens(t, "kor"))
    rate("roman_tokens(douban title, None) (all readings)", douban, analysis.roman_tokens)
    rate("roman_tokens(kanripo title, 'chi')", kanripo, lambda t: analysis.roman_tokens(t, "chi"))
    rate("query_roman_tokens(douban title)", douban, analysis.query_roman_tokens)


if __name__ == "__main__":
    main()
