"""Everything derived from the store — the work clusters, the agents and the search index — brought up to date.

All follow the store's change feed (`Store.changes_since`), so this applies only what changed since the last
call; `tongwen import`, `tongwen harvest` and `tongwen demo` run it after writing records. The agents come
before the index: a record whose agent gained a form elsewhere is indexed again with it. `Follower` does the
same for a node's own index replica, continuously (`tongwen index --follow`, `tongwen serve --follow`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from tongwen.agents import Agents
from tongwen.agents import UpdateReport as AgentsReport
from tongwen.agents.store import AgentForms
from tongwen.config import Settings
from tongwen.index import SearchIndex, SyncReport
from tongwen.store import Store
from tongwen.works import UpdateReport, Works

log = logging.getLogger("tongwen.follow")


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
    with Works.open(settings.database) as works:
        clusters = works.update(store)
    with Agents.open(settings.database) as agents:
        agents_report = agents.update(store)
    try:
        index = SearchIndex.open(settings.index_dir, agent_forms=AgentForms(settings.database))
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


FOLLOW_WAIT_SECONDS = 1.0  # how long one wait for new changes lasts; also how soon a stop request is seen


@dataclass(slots=True)
class FollowStep:
    """What one turn of `Follower` applied: index changes, the store change it reached, how long it took."""

    added: int
    deleted: int
    seq: int
    seconds: float


class Follower:
    """Keeps this node's index replica in step with a store other processes (or other machines) write.

    Each turn applies `changes_since` the replica's seq (the seq is kept with the index, so a node killed at any
    moment resumes where its last commit got to), then waits for the next change (`Store.wait_for_changes`:
    PostgreSQL's LISTEN/NOTIFY, or a poll of `max_seq` on SQLite). When `tongwen index --rebuild`
    swaps in a new generation, the follower moves to it. The works clusters are not touched: they live in the
    store itself, shared by every node, and the writers (import, harvest) keep them; web nodes only read.
    """

    def __init__(self, settings: Settings, *, on_step: Callable[[FollowStep], None] | None = None) -> None:
        self.settings = settings
        self.on_step = on_step
        self._store: Store | None = None
        self._index: SearchIndex | None = None

    def turn(self) -> FollowStep:
        """Apply what changed since the last turn (nothing, often)."""
        if self._store is None:
            self._store = Store.open(self.settings.database, read_only=True)
        if self._index is None:
            agent_forms = AgentForms(self.settings.database)
            self._index = SearchIndex.open(self.settings.index_dir, agent_forms=agent_forms)
        elif successor := self._index.reopened():  # a rebuild swapped in a new generation
            self._index.close()
            self._index = successor
        report = self._index.sync(self._store)
        step = FollowStep(report.added, report.deleted, report.seq, report.seconds)
        if self.on_step and (step.added or step.deleted):
            self.on_step(step)
        return step

    def wait(self, after_seq: int, timeout: float, stop: threading.Event) -> None:
        """Until the store has a change past ``after_seq``, ``timeout`` passes, or ``stop`` is set."""
        assert self._store is not None
        self._store.wait_for_changes(after_seq, timeout, stop)

    def run(self, stop: threading.Event) -> None:
        """Follow until ``stop`` is set. A failed turn (the store unreachable, another process holding the index
        writer) is logged and retried; the replica keeps serving what it has meanwhile."""
        try:
            while not stop.is_set():
                try:
                    seq = self.turn().seq
                except Exception:  # noqa: BLE001 - a follower must outlive a bad moment of the store
                    log.exception("following the store failed; retrying in %s s", FOLLOW_WAIT_SECONDS)
                    stop.wait(FOLLOW_WAIT_SECONDS)
                    continue
                self.wait(seq, FOLLOW_WAIT_SECONDS, stop)
        finally:
            self.close()

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._store is not None:
            self._store.close()
            self._store = None
