"""`Record`s built from the real catalogue data in ../shared/data, with the other forms their catalogues give
for the same title (romanizations, readings), for the relevance suite and the benchmark.

Records hold only what a national library's vernacular record holds (the title as catalogued and the
creator); the romanized and reading forms are kept aside as *queries* — the point is to find vernacular
records by typing them another way.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jaconv

from tongwen.cjk.scripts import detect_script
from tongwen.model import Agent, Form, Record, Title

LANGUAGE_CODES = {"Chinese": "chi", "Japanese": "jpn", "Korean": "kor", "English": "eng", "French": "fre"}


@dataclass(slots=True)
class Sample:
    """A record and the query forms its source catalogue gives for its title."""

    record: Record
    romanized: list[str] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)  # kana or hangul readings

    @property
    def title(self) -> str:
        return self.record.titles[0].forms[0].text


def _record(source, local_id, title, lang, creators=(), institution=None, year=None) -> Record:
    return Record(
        source=source,
        local_id=str(local_id),
        institution=institution,
        languages=[lang] if lang else [],
        titles=[Title([Form(title, detect_script(title))])],
        agents=[Agent([Form(name, detect_script(name))]) for name in creators if name],
        year_from=year,
        year_to=year,
        content_type="book",
    )


def princeton(data: Path) -> Iterator[Sample]:
    """Princeton's Solr fixtures: vernacular title (880) with its ALA-LC romanization (245)."""
    path = data / "princeton-orangelight-solr-cjk" / "title_pairs.tsv"
    seen = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["id"] in seen or not row["title_vern_display"].strip():
                continue
            seen.add(row["id"])
            languages = [LANGUAGE_CODES.get(name.strip()) for name in row["language_facet"].split("|")]
            lang = next((code for code in languages if code in ("chi", "jpn", "kor")), languages[0])
            authors = [part.strip() for part in row["author_display"].split("|") if part.strip()]
            vernacular_authors = [name for name in authors if detect_script(name) not in (None, "Latn")]
            year_match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", row["pub_created_display"])
            record = _record(
                "princeton",
                row["id"],
                row["title_vern_display"],
                lang,
                vernacular_authors,
                year=int(year_match.group(1)) if year_match else None,
            )
            yield Sample(record, romanized=[row["title_display"]])


def kanripo(data: Path) -> Iterator[Sample]:
    """Kanripo: premodern Chinese texts (KR1–KR4), Japanese Buddhist works with Hepburn and pinyin (KR6t)."""
    heading = re.compile(r"^\*\*\* (KR\w+) (.+)$")
    for path in sorted((data / "kanripo-kr-catalog" / "KR").glob("KR*.txt")):
        current: Sample | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            match = heading.match(line)
            if match:
                if current:
                    yield current
                parts = match.group(2).rsplit("-", 2)
                title = parts[0].strip()
                author = parts[2].strip() if len(parts) == 3 else ""
                lang = "jpn" if match.group(1).startswith("KR6t") else "chi"
                current = Sample(_record("kanripo", match.group(1), title, lang, [author] if author else []))
                continue
            if current is None:
                continue
            stripped = line.strip()
            if stripped.startswith(":lang@ja-rom:") and not current.romanized:
                current.romanized.append(stripped.split(":", 2)[2].strip())
            elif stripped.startswith(":lang@zh-py:") and len(current.romanized) < 2:
                current.romanized.append(stripped.split(":", 2)[2].strip().strip("()"))
        if current:
            yield current


def mediclassics(data: Path) -> Iterator[Sample]:
    """Korean medical classics: hanja titles with their hangul readings."""
    path = data / "mediclassics-hangul-hanja-titles" / "title_pairs.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            title = row["hanja_title"].strip()
            if title:
                record = _record("mediclassics", row["seq"], title, "kor")
                yield Sample(record, readings=[row["hangul_reading"].strip()])


def aozora(data: Path) -> Iterator[Sample]:
    """Aozora Bunko works (one record per work, first listed author)."""
    path = data / "aozora-bunko-person-list" / "list_person_all_utf8.csv"
    seen = set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            work_id = row["作品ID"]
            if work_id in seen:
                continue
            seen.add(work_id)
            author = row["著者名"].replace(" ", "")
            yield Sample(_record("aozora", work_id, row["作品名"], "jpn", [author], institution="NDL"))


def douban(
    data: Path, files: tuple[str, ...] = ("Books_2.csv", "Books_3.csv"), every: int = 1
) -> Iterator[Sample]:
    """Douban book titles (editions of the same work repeat; HTML entities unescaped); ``every``: keep one
    row in that many."""
    seen = set()
    for name in files:
        with (data / "douban-books-2020-titles" / name).open(encoding="utf-8-sig", newline="") as handle:
            for position, row in enumerate(csv.DictReader(handle)):
                if position % every or row["ID"] in seen or not row["Title"].strip():
                    continue
                seen.add(row["ID"])
                title = html.unescape(row["Title"]).strip()
                script = detect_script(title)
                lang = {"Jpan": "jpn", "Kore": "kor", "Latn": "eng"}.get(script or "", "chi")
                yield Sample(_record("douban", row["ID"], title, lang, institution="NLC"))


def ndl(data: Path) -> Iterator[Sample]:
    """NDL Search records (DC-NDL, in Enju's recorded API responses): titles with NDL's katakana readings
    (``dcndl:transcription``). The romanized query is that reading in Hepburn (jaconv), as a searcher who
    knows how the title is read would type it."""
    title_with_reading = re.compile(
        r"<dc:title>\s*<rdf:Description>\s*<rdf:value>([^<]*)</rdf:value>\s*"
        r"<dcndl:transcription>([^<]*)</dcndl:transcription>|"
        r"<item>(?:(?!</item>).)*?<title>([^<]*)</title>(?:(?!</item>).)*?"
        r"<dcndl:titleTranscription>([^<]*)</dcndl:titleTranscription>",
        re.DOTALL,
    )
    seen = set()
    for path in sorted((data / "enju-ndl-cinii-loc-api-responses").glob("*/*.xml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        while "&lt;" in text:  # SRU recordPacking=string: the record arrives XML-escaped, sometimes twice
            text = html.unescape(text)
        for match in title_with_reading.finditer(text):
            title = html.unescape(match.group(1) or match.group(3)).strip()
            reading = html.unescape(match.group(2) or match.group(4)).strip()
            if (
                title in seen
                or detect_script(title) not in ("Hani", "Jpan")
                or not re.search(r"[\u4e00-\u9fff]", title)
            ):
                continue
            seen.add(title)
            hiragana = jaconv.kata2hira(reading)
            romaji = jaconv.kana2alphabet(hiragana).replace("-", "")
            yield Sample(
                _record("ndl", f"{len(seen):04d}", title, "jpn", institution="NDL"),
                romanized=[romaji],
                readings=[reading],
            )


def all_samples(data: Path, douban_every: int = 1) -> dict[str, list[Sample]]:
    return {
        "ndl": list(ndl(data)),
        "princeton": list(princeton(data)),
        "kanripo": list(kanripo(data)),
        "mediclassics": list(mediclassics(data)),
        "aozora": list(aozora(data)),
        "douban": list(douban(data, every=douban_every)),
    }
