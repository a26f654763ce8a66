"""Language knowledge for CJK text, as pure functions (no I/O but loading the package's own tables).

- `scripts`: which script a string is in, and its BCP 47 tag.
- `text`: `clean` (NFC, invisible controls, middle dots, whitespace) and `fold` (width, case, kana).
- `variants`: `fold_variants` (one ideograph form across zh-Hans/zh-Hant/ja/ko), `to_simplified`, `to_traditional`.
- `korean`, `japanese`, `chinese`: readings and romanizations per language.
- `romanize`: `roman_key` (one key for any romanization) and `romanizations`.
- `analysis`: the tokens the search index uses for documents and queries.
- `eras`: era names and dates.

Submodules are imported explicitly (``from tongwen.cjk.analysis import analyze``): the conversion tables load
on first use, not on ``import tongwen.cjk``.
"""
