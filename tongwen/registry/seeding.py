"""The seed facts shipped in ``tongwen/registry/seed/*.toml`` (every institution, organisation, agreement,
programme, activity and figure stated in the two source documents), and the institution directory read from
them without a database.

    >>> info = institution_directory()["NLK"]
    >>> info.country, info.name_en, info.name_in("kor")
    ('KR', 'National Library of Korea', '국립중앙도서관')
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tongwen.model import Form
from tongwen.registry.auth import User, system_user
from tongwen.registry.database import Registry, RegistryData
from tongwen.registry.model import ENTITY_BY_NAME, ENTITY_TYPES, from_dict

SEED_DIR = Path(__file__).resolve().parent / "seed"


@dataclass(frozen=True, slots=True)
class InstitutionInfo:
    """What the search index and the portal need to know about a holding institution."""

    code: str
    name_en: str
    country: str  # ISO 3166-1 alpha-2
    type: str
    city: str | None
    website: str | None
    names: tuple[Form, ...]

    def name_in(self, lang: str) -> str | None:
        """The institution's name in a language (ISO 639-2/B), None when the directory has none."""
        return next((f.text for f in self.names if f.lang == lang), None)


def read_seed(seed_dir: Path = SEED_DIR) -> RegistryData:
    """Parse every seed file into facts (no database). Raises ValueError naming the file and the entry."""
    data = RegistryData()
    for path in sorted(seed_dir.glob("*.toml")):
        with path.open("rb") as f:
            try:
                document = tomllib.load(f)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path.name}: not valid TOML: {exc}") from exc
        for entity, entries in document.items():
            cls = ENTITY_BY_NAME.get(entity)
            if cls is None:
                raise ValueError(
                    f"{path.name}: unknown table [[{entity}]]; expected one of {', '.join(ENTITY_BY_NAME)}"
                )
            for index, entry in enumerate(entries, start=1):
                try:
                    data.of(cls).append(from_dict(cls, entry))
                except (TypeError, ValueError) as exc:
                    label = entry.get(cls.key_field, f"#{index}")
                    raise ValueError(f"{path.name}: [[{entity}]] {label}: {exc}") from exc
    return data


@cache
def _directory() -> dict[str, InstitutionInfo]:
    return {
        i.code: InstitutionInfo(i.code, i.name_en, i.country, i.type, i.city, i.website, tuple(i.names))
        for i in read_seed().institutions
    }


def institution_directory() -> dict[str, InstitutionInfo]:
    """Every seed institution by code (NLC, NDL, NLK, NLB, NLV, NLT...), read from the seed file only.

    Pure and cheap after the first call (the parsed file is cached; the dict is a fresh copy).
    """
    return dict(_directory())


def load_seed(registry: Registry, user: User | None = None) -> Counter[str]:
    """Load (or refresh) the seed facts into ``registry``; returns counts of ``"<entity> <action>"``.

    Idempotent: a second run changes nothing and writes no audit entries. Runs in one transaction, so a
    broken seed file leaves the registry as it was.
    """
    user = user or system_user("seed")
    data = read_seed()
    report: Counter[str] = Counter()
    with registry.transaction():
        for cls in ENTITY_TYPES:
            for fact in data.of(cls):
                report[f"{cls.entity} {registry.save(user, fact)}"] += 1
    return report


__all__ = ["SEED_DIR", "InstitutionInfo", "institution_directory", "load_seed", "read_seed"]
