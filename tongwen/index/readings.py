"""The readings the index learns from the collection's own catalogued yomi (issue 13.5).

A record that writes a Japanese title, name or publisher beside its reading — an 880 with its ALA-LC
romanized partner, a DC-NDL title with its transcription, a CSV reading column (all Forms of one Title,
Agent or imprint) — teaches the reading of its kanji runs (`tongwen.cjk.learned_readings`). Records that
have no reading of their own are then also indexed as read that way, beside pykakasi's guess: a record of
新村出 with no romanization is found by "Shinmura Izuru" once any record has catalogued him so.

The lexicon is derived data of the index, kept in its generation directory (``readings.json``): a rebuild
learns it from the whole store before building documents (and hands it to the worker processes); a sync
takes back what the changed records taught before (an updated or deleted record's old pairs: the lexicon
keeps each record's lessons, `ReadingLexicon.forget`) and adds what they teach now, before indexing them.
An index without the file (built before it existed) simply learns nothing until rebuilt.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from tongwen.cjk.learned_readings import ReadingLexicon
from tongwen.cjk import scripts
from tongwen.cjk.scripts import detect_script
from tongwen.model import Form, Record

READINGS_FILE = "readings.json"
READING_SCRIPTS = ("Latn", "Hira", "Kana", "Hrkt")
_VERNACULAR_SCRIPTS = ("Jpan", "Hani")


def _script(form: Form) -> str | None:
    return form.script or detect_script(form.text)


def is_japanese(text: str, lang: str | None) -> bool:
    """Text a Japanese reading applies to: kana and kanji, or kanji in a Japanese record."""
    script = detect_script(text)
    return script == "Jpan" or (script == "Hani" and (lang or "")[:3] == "jpn")


def _pairs_of_forms(forms: list[tuple[str, str | None, str | None]], lang: str | None) -> Iterator[tuple[str, str]]:
    """(text, reading) for each Japanese vernacular form and each reading form of one title, name or imprint."""
    vernacular = [text for text, script, form_lang in forms
                  if script in _VERNACULAR_SCRIPTS and is_japanese(text, form_lang or lang)]
    readings = [text for text, script, form_lang in forms
                if script in READING_SCRIPTS and (script != "Latn" or (form_lang or lang or "")[:3] == "jpn")]
    for text in vernacular:
        for reading in readings:
            yield text, reading


def reading_pairs(record: Record) -> Iterator[tuple[str, str]]:
    """Every (Japanese text, its catalogued reading) a record gives: within each title, each agent, and each
    imprint's publisher and place.

    >>> from tongwen.model import Agent
    >>> record = Record("princeton", "1", languages=["jpn"],
    ...                 agents=[Agent([Form("Shinmura, Izuru, 1876-1967", "Latn"), Form("新村出, 1876-1967", "Hani")])])
    >>> list(reading_pairs(record))
    [('新村出, 1876-1967', 'Shinmura, Izuru, 1876-1967')]
    """
    lang = record.languages[0] if record.languages else None
    for group in (*record.titles, *record.agents):
        yield from _pairs_of_forms([(form.text, _script(form), form.lang) for form in group.forms], lang)
    for publication in record.publications:
        for part in ("publisher", "place"):
            values = [(getattr(form, part), form.script or detect_script(getattr(form, part)), None)
                      for form in publication.forms if getattr(form, part)]
            yield from _pairs_of_forms(values, lang)


# Kana, from the script table `detect_script` reads: Japanese text (`is_japanese`) has some, or is kanji of a
# record or form in Japanese ("jpn" in its JSON). JSON escapes ("\\u…") are let through, undecided.
_KANA = re.compile("[%s]" % "".join(f"{chr(low)}-{chr(high)}" for low, high, script in scripts._RANGES
                                     if script in ("Hira", "Kana")))


def might_teach(content: str) -> bool:
    """False when a record's stored JSON (`tongwen.store.codec`) holds no Japanese text, so that it teaches no
    reading: most records of a catalogue that is not Japanese are passed over without decoding them."""
    return "jpn" in content or "\\u" in content or _KANA.search(content) is not None


def learn(records: Iterable[Record]) -> ReadingLexicon:
    """The lexicon of what `records` teach."""
    lexicon = ReadingLexicon()
    teach(lexicon, records)
    return lexicon


def teach(lexicon: ReadingLexicon, records: Iterable[Record]) -> int:
    """Add what `records` teach to `lexicon`, each in place of what the same record taught before; the number
    of lessons taken back and of pairs that taught something (0: the lexicon did not change)."""
    changed = 0
    for record in records:
        changed += lexicon.forget(record.id)
        changed += sum(bool(lexicon.learn(text, reading, record.id)) for text, reading in reading_pairs(record))
    return changed


def apply_changes(lexicon: ReadingLexicon, changes: Iterable) -> int:
    """A sync's changes (``record_id``, ``deleted``, ``record``) applied to the lexicon: a deleted record's
    lessons taken back, an updated one's replaced (`teach`). The number of pairs taught and lessons taken
    back: 0 when the lexicon did not change."""
    changed = 0
    for change in changes:
        if change.deleted or change.record is None:
            changed += lexicon.forget(change.record_id)
        else:
            changed += teach(lexicon, [change.record])
    return changed


# pykakasi's reading of a text is indexed beside the learned one (True), or the learned one replaces it as a
# catalogue reading would (False). Measured with bench/learned_readings.py --replace (see issue 13's note).
KEEP_PYKAKASI = True


def learned_readings(
    lexicon: ReadingLexicon | None, text: str, lang: str | None, readings: tuple[str, ...]
) -> tuple[tuple[str, ...], list[str]]:
    """(the readings to romanize `text` with, further respelled texts to index beside it): the catalogue's own
    readings when it has some; else the respelled forms of a Japanese text (`ReadingLexicon.respell`),
    beside pykakasi's reading (`KEEP_PYKAKASI`) or instead of it."""
    if readings or lexicon is None or not is_japanese(text, lang):
        return readings, []
    respelled = lexicon.respell(text)
    return (readings, respelled) if KEEP_PYKAKASI else (tuple(respelled), [])


def save(lexicon: ReadingLexicon, directory: Path) -> None:
    path = Path(directory) / READINGS_FILE
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(lexicon.to_json(), file, ensure_ascii=False, separators=(",", ":"))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def stamp(directory: Path) -> tuple[int, int, int] | None:
    """What tells one saved lexicon from the next, for a reader to see that a writer saved another: `save`
    replaces the file, so each save is a new inode."""
    try:
        status = os.stat(Path(directory) / READINGS_FILE)
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def load(directory: Path) -> ReadingLexicon | None:
    path = Path(directory) / READINGS_FILE
    if not path.exists():
        return None
    return ReadingLexicon.from_json(json.loads(path.read_text(encoding="utf-8")))
