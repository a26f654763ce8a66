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

import sys


def clear_caches() -> None:
    """Empty the bounded caches (`functools.lru_cache` with a maxsize) of the loaded `tongwen.cjk` modules, and
    pykakasi's word cache once Japanese has been read. They fill as text is analysed, up to 65,536 entries each
    (~1 KB a record until full); a long job that keys or analyses a whole collection (a works rebuild) or a
    benchmark that must measure unseen text empties them. Unbounded caches (`functools.cache`: the loaded
    dictionaries and tables) are kept: loading them is slow."""
    cleared = set()
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(__name__ + "."):
            continue
        for value in list(vars(module).values()):
            info = getattr(value, "cache_info", None)
            if callable(info) and id(value) not in cleared and info().maxsize is not None:
                value.cache_clear()
                cleared.add(id(value))
    japanese = sys.modules.get(__name__ + ".japanese")
    if japanese is not None and japanese._kakasi.cache_info().currsize:
        type(japanese._kakasi()._iconv).convert.cache_clear()

