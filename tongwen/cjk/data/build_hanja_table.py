"""Regenerate hanja_hangul.tsv from the `hanja` package's table (developer tool, not imported at run time).

Why our own copy: the `hanja` wheel pins pyyaml==6.0.1 and pulls pytest, pytest-cov and coveralls into every
install, and parses a 27k-line YAML file on import. Its data is one hangul reading per character under the
WTFPL licence, so we ship it as a plain TSV and keep the initial-sound rules in tongwen/cjk/korean.py.

Usage (from a scratch venv, not the project's):
    pip download hanja==0.15.1 --no-deps -d /tmp/hanja && unzip -o /tmp/hanja/*.whl -d /tmp/hanja
    python tongwen/cjk/data/build_hanja_table.py /tmp/hanja/hanja/table.yml > tongwen/cjk/data/hanja_hangul.tsv
"""

import json
import re
import sys
import unicodedata

# Every line of table.yml is `"\uXXXX": "\uXXXX"`: JSON string syntax, so no YAML parser is needed.
LINE = re.compile(r'^("(?:\\u[0-9A-Fa-f]{4})+"): ("(?:\\u[0-9A-Fa-f]{4})+")$')


def main(path: str) -> None:
    print("# hanja → hangul reading, one per character (before initial-sound rules).")
    print(
        "# Source: PyPI `hanja` 0.15.1 table.yml (github.com/suminb/hanja, WTFPL). Built by build_hanja_table.py."
    )
    rows = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            match = LINE.match(line.strip())
            if not match:
                raise SystemExit(f"{path}:{number}: unexpected line {line!r}")
            hanja, hangul = json.loads(match.group(1)), json.loads(match.group(2))
            # Compatibility ideographs (U+F9xx) are stored under their unified form: callers NFC first.
            rows.setdefault(unicodedata.normalize("NFC", hanja), hangul)
    for hanja, hangul in sorted(rows.items()):
        print(f"{hanja}\t{hangul}")


if __name__ == "__main__":
    main(sys.argv[1])
