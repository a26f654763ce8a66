"""Everything derived from the store — the work clusters, the agents and the search index — brought up to date.

All follow the store's change feed (`Store.changes_since`), so this applies only what changed since the last
call; `tongwen import`, `tongwen harvest` and `tongwen demo` run it after writing records. The agents come
before the index: a record whose agent gained a form elsewhere is indexed again with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongwen.agents import Agents
from tongwen.agents import UpdateReport as AgentsReport
from tongwen.agents.store import AgentForms
from tongwen.config import Settings
from tongwen.index import SearchIndex, SyncReport
from tongwen.store import Store
from tongwen.works import UpdateReport, Works


@dataclass(slots=True)
class FollowReport:
    works: UpdateReport
    index: SyncReport | None
    index_problem: str | None = None  # why the index could not be updated (it can be rebuilt from the store)
    agents: AgentsReport | None = None

    def summary(self) -> str:
        works = f"Works: {self.works.works:,} works, {self.works.multi_record_works:,} held by several records."
        if self.agents is not None:
            works += f"\nAgents: {self.agents.agents:,} agents from {self.agents.mentions:,} names."
        if self.index is None:
            return f"{works}\nSearch index not updated: {self.index_problem}"
        return (f"{works}\nSearch index: {self.index.added:,} added or updated, "
                f"{self.index.deleted:,} removed.")


def follow_store(settings: Settings, store: Store) -> FollowReport:
    with Works.open(settings.database_path) as works:
        clusters = works.update(store)
    with Agents.open(settings.database_path) as agents:
        agents_report = agents.update(store)
    try:
        index = SearchIndex.open(settings.index_dir, agent_forms=AgentForms(settings.database_path))
    except RuntimeError as error:  # an index written by another version: say what to do, keep the store
        return FollowReport(clusters, None, str(error), agents_report)
    try:
        synced = index.sync(store)
        # Records the feed did not bring but whose agents gained or lost forms elsewhere.
        touched = sorted(agents_report.records_touched)
        for start in range(0, len(touched), 500):
            index.add(store.get_many(touched[start:start + 500]))
        return FollowReport(clusters, synced, agents=agents_report)
    finally:
        index.close()
