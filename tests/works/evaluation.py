"""Pairwise precision and recall of a clustering against labels, and the labelled sets built from real data."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from tongwen.model import Agent, Form, Record, Title


@dataclass(frozen=True)
class PairScores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    def __add__(self, other: PairScores) -> PairScores:
        return PairScores(self.true_positives + other.true_positives,
                          self.false_positives + other.false_positives,
                          self.false_negatives + other.false_negatives)

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} (tp={self.true_positives} fp={self.false_positives} fn={self.false_negatives})"


def _pairs(groups: Mapping[str, str]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(groups.values()).values())


def pair_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairScores:
    """Pairwise counts over the records in `truth` (id → label); `predicted` maps id → cluster id.
    Counted through the label × cluster contingency table, so no loop over all pairs."""
    ids = list(truth)
    both = _pairs({i: f"{predicted[i]}\t{truth[i]}" for i in ids})
    same_predicted = _pairs({i: predicted[i] for i in ids})
    same_truth = _pairs({i: truth[i] for i in ids})
    return PairScores(both, same_predicted - both, same_truth - both)


# --- Princeton orangelight: romanized-only and vernacular-only records of the same title ---------------------

_LANGS = {"Chinese": "chi", "Japanese": "jpn", "Korean": "kor", "English": "eng", "French": "fre"}
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def princeton_records(row: dict[str, str]) -> tuple[Record, Record]:
    """One title_pairs.tsv row as two records: one catalogued only in romanization, one only in the
    vernacular (as two libraries might), each with the author in the same script and the imprint year."""
    langs = [_LANGS.get(part.strip(), "und") for part in row["language_facet"].split("|")]
    authors = [part.strip() for part in row["author_display"].split("|")] if row["author_display"] else []
    year_match = _YEAR.search(row["pub_created_display"])
    year = int(year_match.group(1)) if year_match else None

    def record(source: str, title: str, author: str | None) -> Record:
        return Record(
            source, row["id"], titles=[Title([Form(title)])], languages=langs, content_type="book",
            agents=[Agent([Form(author)])] if author else [], year_from=year,
        )

    romanized = record("pul-roman", row["title_display"], authors[0] if authors else None)
    vernacular = record("pul-vern", row["title_vern_display"], authors[1] if len(authors) > 1 else None)
    return romanized, vernacular


# --- Pride and prejudice (marc4j): a work label per record, from the titles as catalogued --------------------

# Translated titles in this file → the English title of the novel. Written by reading every title in the file.
PP_TRANSLATIONS = {
    "pride prejudice": "pride and prejudice",
    "ylpeys ja ennakkoluulo": "pride and prejudice",
    "duma i uprzedzenie": "pride and prejudice",
    "ao man yu pian jian": "pride and prejudice",
    "stolthet och fördom": "pride and prejudice",
    "orgullo y prejuicio": "pride and prejudice",
    "orgueil et préjugé": "pride and prejudice",
    "orgueil et préjugés": "pride and prejudice",
    "gordost i gordynja": "pride and prejudice",
    "gordost i predubezdenije": "pride and prejudice",
    "stolz und vorurteil": "pride and prejudice",
    "ponos i predrasude": "pride and prejudice",
    "oman kwa pyongyon": "pride and prejudice",
    "sāo song sanē": "pride and prejudice",
    "ghurur va taassub": "pride and prejudice",
    "傲慢与偏见": "pride and prejudice",
    "自負と偏見": "pride and prejudice",
    "pride and prejudice a novel": "pride and prejudice",
    "jane austen's pride and prejudice": "pride and prejudice",
    "sense sensibility": "sense and sensibility",
    "rozważna i romantyczna": "sense and sensibility",
    "rozwazna i romantyczna": "sense and sensibility",
    "järki ja tunteet": "sense and sensibility",
    "järki tunteet": "sense and sensibility",
    "förnuft och känsla": "sense and sensibility",
    "li zhi yu qing gan": "sense and sensibility",
    "li xing yu gan xing": "sense and sensibility",
    "verstand und gefuhl": "sense and sensibility",
    "raison et sentiments": "sense and sensibility",
    "razum i osjecaji": "sense and sensibility",
    "sensu aen sensopillit'i": "sense and sensibility",
}
_FAMILY = {"book": "text", "manuscript": "text"}
_COLLECTED = re.compile(r"^(the )?(complete |collected |penguin complete |complete illustrated )?(novels|works)"
                        r"( of jane austen)?$|^jane austen her complete novels$|^jane austen the complete novels$")


def _normal(title: str) -> str:
    title = re.split(r"\s+[:=/]\s+|\?$", title.strip())[0]
    return re.sub(r"\s+", " ", re.sub(r"[&.,;\[\]?]", " ", title.casefold())).strip()


def pride_label(record: Record) -> str | None:
    """The work of one record: (uniform title or title, translated to English) + first creator + format.
    None (left out of the evaluation) when the record has no title or no creator to label it by."""
    uniform = next((t.text for t in record.titles if t.role == "uniform"), None)
    main = record.main_title.text if record.main_title else ""
    creators = [a.name for a in record.agents if a.role == "creator"]
    if not main or not creators or re.match(r"^\d{8}", creators[0]):
        return None
    title = _normal(uniform.split(". ")[0]) if uniform and uniform not in ("Novels", "Works", "Selections") \
        and not uniform.startswith(("Novels", "Works", "Selections")) else _normal(main)
    title = PP_TRANSLATIONS.get(title, title)
    if uniform in ("Novels", "Works") or uniform and uniform.startswith("Works. ") or _COLLECTED.match(title):
        title = "collected novels"  # the conventional collective title (AACR2 25.10): one collective work
    title = title.removeprefix("the ")
    family = creators[0].split(",")[0].casefold().replace("austin", "austen")
    return f"{title}|{family}|{_FAMILY.get(record.content_type or '', record.content_type)}"
