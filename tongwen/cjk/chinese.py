"""Chinese readings: Hanyu Pinyin via pypinyin (phrase-aware, so polyphones read right: 重庆 chong qing).

>>> pinyin("红楼梦")
'hong lou meng'
>>> pinyin("紅樓夢") == pinyin("红楼梦")
True
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def pinyin(s: str) -> str:
    """Toneless pinyin, one space between syllables, ü kept (nü); non-Han text is kept as it is. Cached:
    pypinyin reads ~20k short titles/s, and creators and subjects repeat across records.

    >>> pinyin("重庆"), pinyin("女神"), pinyin("三体2")
    ('chong qing', 'nü shen', 'san ti 2')
    """
    from pypinyin import Style, lazy_pinyin  # local import: pypinyin loads its dictionaries on import

    return " ".join(" ".join(lazy_pinyin(s, style=Style.NORMAL, v_to_u=True)).split())
