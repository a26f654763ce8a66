"""Everything derived from the store — the work clusters and the search index — brought up to date with it.

Both follow the store's change feed (`Store.changes_since`), so this applies only what changed since the last
call; `tongwen import`, `tongwen harvest` and `tongwen demo` run it after writing records.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongwen.config import Settings
from tongwen.index import SearchIndex, SyncReport
from tongwen.store import Store
from tongwen.works import UpdateReport, Works


@dataclass(slots=True)
class FollowReport:
    works: UpdateReport
    index: SyncReport | None
    index_problem: str | None = None  # why the index could not be updated (it can be rebuilt from the store)

    def summary(self) -> str:
        works = f"Works: {self.works.works:,} works, {self.works.multi_record_works:,} held by several records."
        if self.index is None:
            return f"{works}\nSearch index not updated: {self.index_problem}"
        return (f"{works}\nSearch index: {self.index.added:,} added or updated, "
                f"{self.index.deleted:,} removed.")


def follow_store(settings: Settings, store: Store) -> FollowReport:
    with Works.open(settings.database_path) as works:
        clusters = works.update(store)
    try:
        index = SearchIndex.open(settings.index_dir)
    except RuntimeError as error:  # an index written by another version: say what to do, keep the store
        return FollowReport(clusters, None, str(error))
    try:
        return FollowReport(clusters, index.sync(store))
    finally:
        index.close()
