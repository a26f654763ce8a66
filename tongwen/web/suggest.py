""""Did you mean" for a search that found nothing: the same words in the other scripts and romanizations.

The index already folds scripts, so these suggestions matter when the collection simply lacks the work in the
form typed; showing the other forms tells people what to look for elsewhere (and teaches the folding).
"""

from __future__ import annotations

from dataclasses import dataclass

from tongwen.cjk.korean import hanja_to_hangul
from tongwen.cjk.romanize import romanizations
from tongwen.cjk.scripts import detect_script
from tongwen.cjk.variants import to_simplified, to_traditional


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    lang: str


def other_script_suggestions(query: str, limit: int = 6) -> list[Suggestion]:
    """>>> [s.text for s in other_script_suggestions("紅樓夢")][:3]
    ['红楼梦', '홍루몽', 'hong lou meng']
    """
    script = detect_script(query)
    if script not in ("Hani", "Jpan", "Kore"):
        return []
    candidates: list[Suggestion] = []
    if script in ("Hani", "Jpan"):
        candidates.append(Suggestion(to_simplified(query), "zh-Hans"))
        candidates.append(Suggestion(to_traditional(query), "zh-Hant"))
    if script in ("Hani", "Kore"):
        candidates.append(Suggestion(hanja_to_hangul(query), "ko"))
    for roman in romanizations(query):
        candidates.append(Suggestion(roman, "und-Latn"))
    seen = {query}
    unique = []
    for suggestion in candidates:
        if suggestion.text and suggestion.text not in seen:
            seen.add(suggestion.text)
            unique.append(suggestion)
    return unique[:limit]
