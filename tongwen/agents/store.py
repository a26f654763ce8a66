"""Agents kept beside the records, in the same SQLite file, in tables of their own (``agents_*``).

    >>> import tempfile, pathlib
    >>> from tongwen.model import Agent, Form, Record, Title
    >>> from tongwen.store import Store
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tongwen.sqlite"
    >>> pair = Agent([Form("Yoshida, Hajime", "Latn"), Form("吉田, 一", "Hani")])
    >>> with Store.open(path) as store:
    ...     _ = store.upsert(Record("lc", "1", titles=[Title([Form("Kokoro")])], agents=[pair]))
    ...     kanji = Agent([Form("吉田一", "Hani")])
    ...     _ = store.upsert(Record("ndl", "2", titles=[Title([Form("心")])], agents=[kanji]))
    ...     with Agents.open(path) as agents:
    ...         _ = agents.update(store)
    ...         [form.text for form in agents.forms_of_record("ndl:2")[0].forms]
    ['Yoshida, Hajime', '吉田, 一', '吉田一']

`update(store)` follows the record store's change feed like `tongwen.works`: it re-keys the mentions of changed
records and re-clusters only what they touch (their old agents, and every mention sharing a key with them).
Authority data (`add_authorities`) is kept in the same tables as mentions of ``authority:…`` ids. Each
update says which records' agents changed (`UpdateReport.records_touched`), so the search index can add the
forms learned elsewhere to those records. The schema has its own version (``agents_meta.schema_version``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from tongwen.agents.cluster import MAX_BLOCK, GuardedUnionFind, link
from tongwen.agents.keys import Mention, mention_of, mentions, name_keys, romanized_as_guessed
from tongwen.model import Agent, Form
from tongwen.store import Store, StoreError
from tongwen.store.database import Database, create_layer_tables

SCHEMA_VERSION = 1
_PAGE = 1000
_MAX_PARAMS = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agents_meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agents_mentions (
    mid INTEGER PRIMARY KEY,
    mention_id TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    features TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agents_mentions_record ON agents_mentions (record_id);
CREATE INDEX IF NOT EXISTS agents_mentions_agent ON agents_mentions (agent_id);
CREATE TABLE IF NOT EXISTS agents_keys (key TEXT NOT NULL, mid INTEGER NOT NULL, PRIMARY KEY (key, mid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agents_keys_mid ON agents_keys (mid);
CREATE TABLE IF NOT EXISTS agents_agents (
    agent_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    summary TEXT NOT NULL
) WITHOUT ROWID;
"""


@dataclass(slots=True)
class AgentForm:
    text: str
    script: str | None
    lang: str | None
    seen: dict[str, int] = field(default_factory=dict)  # where the form was seen: institution → mentions


@dataclass(slots=True)
class AgentSummary:
    """One agent: every form with where it was seen, dates, identifiers, and how many records name it."""

    agent_id: str
    kind: str
    forms: list[AgentForm]
    dates: str | None
    identifiers: list[str]
    records: int
    roles: dict[str, int]

    @property
    def name(self) -> str:
        return self.forms[0].text if self.forms else "?"

    def to_dict(self) -> dict:
        return {
            "id": self.agent_id, "kind": self.kind, "name": self.name, "dates": self.dates,
            "identifiers": self.identifiers, "records": self.records, "roles": self.roles,
            "forms": [{"text": f.text, "script": f.script, "lang": f.lang, "seen": f.seen} for f in self.forms],
        }

    @classmethod
    def from_dict(cls, data: dict) -> AgentSummary:
        return cls(data["id"], data["kind"], [AgentForm(f["text"], f["script"], f["lang"], f["seen"])
                                              for f in data["forms"]],
                   data["dates"], data["identifiers"], data["records"], data["roles"])


@dataclass(slots=True)
class RecordAgent:
    """An agent of one record: which agent it is and every form the agent is known by."""

    position: int
    agent_id: str
    forms: list[Form]


@dataclass(slots=True)
class UpdateReport:
    changed: int = 0
    deleted: int = 0
    reclustered: int = 0
    pairs_scored: int = 0
    agents: int = 0
    mentions: int = 0
    synced_seq: int = 0
    seconds: float = 0.0
    records_touched: set[str] = field(default_factory=set)  # records whose agents changed (beyond the feed's)


def agent_id_for(mention_ids: Iterable[str]) -> str:
    """A short stable id: a hash of the smallest mention id of the agent."""
    return "a" + hashlib.blake2b(min(mention_ids).encode(), digest_size=6).hexdigest()


class Agents:
    """The agents layer. Open with `Agents.open(settings.database)`; a context manager."""

    def __init__(self, conn: Any, database: Database):
        self._conn = conn
        self.database = database

    @classmethod
    def open(cls, path: str | Path | Database, *, read_only: bool = False) -> Agents:
        database = Database.at(path)
        if read_only:
            conn = database.connect_readonly()
            if not database.has_table(conn, "agents_meta"):
                conn.close()
                raise StoreError(f"no agents tables in {database} yet: run `tongwen agents --update` once")
            return cls(conn, database)
        conn = database.connect(timeout=30)
        try:
            create_layer_tables(database, conn, "agents", _SCHEMA, SCHEMA_VERSION)
        except BaseException:
            conn.close()
            raise
        return cls(conn, database)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading

    def synced_seq(self) -> int:
        return int(self._conn.execute("SELECT value FROM agents_meta WHERE key = 'synced_seq'").fetchone()[0])

    def agent(self, agent_id: str) -> AgentSummary | None:
        row = self._conn.execute("SELECT summary FROM agents_agents WHERE agent_id = ?", (agent_id,)).fetchone()
        return AgentSummary.from_dict(json.loads(row[0])) if row else None

    def agents(self, agent_ids: Iterable[str]) -> dict[str, AgentSummary]:
        found: dict[str, AgentSummary] = {}
        for chunk in _chunks(sorted(set(agent_ids))):
            marks = ",".join("?" * len(chunk))
            for agent_id, summary in self._conn.execute(
                    f"SELECT agent_id, summary FROM agents_agents WHERE agent_id IN ({marks})", chunk):
                found[agent_id] = AgentSummary.from_dict(json.loads(summary))
        return found

    def records_of(self, agent_id: str, limit: int = 1000) -> list[tuple[str, str]]:
        """(record id, role) of every record naming the agent, authority data left out."""
        rows = self._conn.execute(
            "SELECT record_id, features FROM agents_mentions WHERE agent_id = ? AND record_id NOT LIKE "
            "'authority:%' ORDER BY record_id LIMIT ?", (agent_id, limit))
        return [(record_id, json.loads(features)["role"]) for record_id, features in rows]

    def forms_of_record(self, record_id: str) -> list[RecordAgent]:
        """The agents of one record (by position) with every form each is known by anywhere."""
        rows = self._conn.execute(
            "SELECT mention_id, agent_id FROM agents_mentions WHERE record_id = ? ORDER BY mid", (record_id,)
        ).fetchall()
        summaries = self.agents(agent_id for _, agent_id in rows)
        found = []
        for mention_id, agent_id in rows:
            summary = summaries.get(agent_id)
            if summary is not None:
                found.append(RecordAgent(int(mention_id.rsplit("#", 1)[1]), agent_id,
                                         [Form(f.text, f.script, f.lang) for f in summary.forms]))
        return found

    def find(self, name: str, limit: int = 20) -> list[AgentSummary]:
        """Agents one of whose forms matches `name` in any script or romanization, most records first."""
        keys, guessed = name_keys(Form(name), None)
        wanted = keys + guessed + sorted(romanized_as_guessed(keys))
        agent_ids: set[str] = set()
        for key in dict.fromkeys(wanted):
            agent_ids.update(a for (a,) in self._conn.execute(
                "SELECT DISTINCT m.agent_id FROM agents_keys k JOIN agents_mentions m ON m.mid = k.mid "
                "WHERE k.key = ? LIMIT 1000", (key,)))
        found = sorted(self.agents(agent_ids).values(), key=lambda a: (-a.records, a.name))
        return found[:limit]

    def stats(self) -> dict[str, int]:
        mentions_count, agent_count = self._conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT agent_id) FROM agents_mentions").fetchone()
        several = self._conn.execute(
            "SELECT COUNT(*) FROM (SELECT agent_id FROM agents_mentions GROUP BY agent_id "
            "HAVING COUNT(DISTINCT record_id) > 1) AS several").fetchone()[0]
        return {"mentions": mentions_count, "agents": agent_count, "agents_on_several_records": several}

    # -- building

    def rebuild(self, store: Store) -> UpdateReport:
        """Forget every agent drawn from records (authority data stays) and build them again."""
        with self.database.write(self._conn) as conn:
            conn.execute("DELETE FROM agents_keys WHERE mid IN "
                         "(SELECT mid FROM agents_mentions WHERE record_id NOT LIKE 'authority:%')")
            conn.execute("DELETE FROM agents_mentions WHERE record_id NOT LIKE 'authority:%'")
            conn.execute("UPDATE agents_meta SET value = '0' WHERE key = 'synced_seq'")
        return self.update(store, everything=True)

    def update(self, store: Store, *, everything: bool = False) -> UpdateReport:
        """Bring the agents up to date with the store's changes since the last run."""
        started = time.monotonic()
        report = UpdateReport()
        everything = everything or self.synced_seq() == 0
        changed, old_agents = self._apply_changes(store, report)
        self._recluster(changed, old_agents, report, everything=everything)
        report.synced_seq = self.synced_seq()
        stats = self.stats()
        report.agents, report.mentions = stats["agents"], stats["mentions"]
        report.seconds = time.monotonic() - started
        return report

    def add_authorities(self, authorities: Iterable[tuple[str, Agent]]) -> UpdateReport:
        """Add or replace authority data: (authority id such as ``authority:nlk:KAC199600018``, its agent with
        every heading form, dates and identifiers). Re-clusters what they touch."""
        started = time.monotonic()
        report = UpdateReport()
        changed: set[int] = set()
        old_agents: set[str] = set()
        with self.database.write(self._conn):
            for authority_id, agent in authorities:
                mention = mention_of(agent, f"{authority_id}#0", authority_id, None, authority=True)
                self._replace(authority_id, [mention] if mention else [], changed, old_agents)
                report.changed += 1
        self._recluster(changed, old_agents, report, everything=False)
        stats = self.stats()
        report.agents, report.mentions = stats["agents"], stats["mentions"]
        report.seconds = time.monotonic() - started
        return report

    def _replace(self, record_id: str, found: list[Mention], changed: set[int], old_agents: set[str]) -> None:
        conn = self._conn
        for mid, agent_id in conn.execute(
                "SELECT mid, agent_id FROM agents_mentions WHERE record_id = ?", (record_id,)).fetchall():
            old_agents.add(agent_id)
            conn.execute("DELETE FROM agents_keys WHERE mid = ?", (mid,))
            conn.execute("DELETE FROM agents_mentions WHERE mid = ?", (mid,))
            changed.discard(mid)
        for mention in found:
            mid = conn.execute(
                "INSERT INTO agents_mentions (mention_id, record_id, agent_id, features) VALUES (?, ?, ?, ?)"
                " RETURNING mid",
                (mention.mention_id, record_id, agent_id_for([mention.mention_id]), mention.to_json()),
            ).fetchone()[0]
            conn.executemany("INSERT INTO agents_keys (key, mid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                             [(key, mid) for key in mention.blocking_keys()])
            changed.add(int(mid))

    def _apply_changes(self, store: Store, report: UpdateReport) -> tuple[set[int], set[str]]:
        seq = self.synced_seq()
        changed: set[int] = set()
        old_agents: set[str] = set()
        while batch := store.changes_since(seq, _PAGE, with_original=False):
            with self.database.write(self._conn):
                for change in batch:
                    found = [] if change.deleted or change.record is None else mentions(change.record)
                    self._replace(change.record_id, found, changed, old_agents)
                    if change.deleted or change.record is None:
                        report.deleted += 1
                    else:
                        report.changed += 1
                seq = batch[-1].seq
                self._conn.execute("UPDATE agents_meta SET value = ? WHERE key = 'synced_seq'", (str(seq),))
        return changed, old_agents

    def _recluster(self, changed: set[int], old_agents: set[str], report: UpdateReport, *,
                   everything: bool) -> None:
        if everything:
            affected = {mid for (mid,) in self._conn.execute("SELECT mid FROM agents_mentions")}
        elif changed or old_agents:
            affected = self._affected(changed, old_agents)
        else:
            return
        report.reclustered = len(affected)
        features = self._features(affected)
        uf = GuardedUnionFind()
        for mid in sorted(features):
            uf.add(mid, features[mid])
        report.pairs_scored = link(self._blocks(affected, features), uf)
        self._write(uf, features, old_agents, report)

    def _affected(self, changed: set[int], old_agents: set[str]) -> set[int]:
        """Changed mentions, every mention sharing a key with them, and all members of the agents involved."""
        affected = set(changed)
        keys: set[str] = set()
        for chunk in _chunks(sorted(changed)):
            marks = ",".join("?" * len(chunk))
            keys.update(k for (k,) in self._conn.execute(
                f"SELECT key FROM agents_keys WHERE mid IN ({marks})", chunk))
        for key in sorted(keys):
            members = [m for (m,) in self._conn.execute(
                "SELECT mid FROM agents_keys WHERE key = ? LIMIT ?", (key, MAX_BLOCK + 1))]
            if len(members) <= MAX_BLOCK:  # a stop key (one body on 10,000 records) links by identifiers only
                affected.update(members)
        agents = set(old_agents)
        for chunk in _chunks(sorted(affected)):
            marks = ",".join("?" * len(chunk))
            agents.update(a for (a,) in self._conn.execute(
                f"SELECT DISTINCT agent_id FROM agents_mentions WHERE mid IN ({marks})", chunk))
        for chunk in _chunks(sorted(agents)):
            marks = ",".join("?" * len(chunk))
            affected.update(m for (m,) in self._conn.execute(
                f"SELECT mid FROM agents_mentions WHERE agent_id IN ({marks})", chunk))
        return affected

    def _features(self, mids: Iterable[int]) -> dict[int, Mention]:
        found: dict[int, Mention] = {}
        for chunk in _chunks(sorted(mids)):
            marks = ",".join("?" * len(chunk))
            for mid, text in self._conn.execute(
                    f"SELECT mid, features FROM agents_mentions WHERE mid IN ({marks})", chunk):
                found[mid] = Mention.from_json(text)
        return found

    def _blocks(self, mids: set[int], features: dict[int, Mention]) -> Iterator[list[tuple[int, Mention]]]:
        """The mentions of `mids` grouped by key, in key order."""
        blocks: dict[str, list[int]] = {}
        for mid, mention in features.items():
            for key in mention.blocking_keys():
                blocks.setdefault(key, []).append(mid)
        for key in sorted(blocks):
            if len(blocks[key]) > 1:
                yield [(mid, features[mid]) for mid in sorted(blocks[key])]

    def _write(self, uf: GuardedUnionFind, features: dict[int, Mention], old_agents: set[str],
               report: UpdateReport) -> None:
        conn = self._conn
        with self.database.write(conn):
            for chunk in _chunks(sorted(old_agents)):
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM agents_agents WHERE agent_id IN ({marks})", chunk)
            for members in uf.components().values():
                group = [features[mid] for mid in members]
                agent_id = agent_id_for(m.mention_id for m in group)
                previous = {a for (a,) in conn.execute(
                    f"SELECT DISTINCT agent_id FROM agents_mentions WHERE mid IN ({','.join('?' * len(members))})",
                    members)} if len(members) <= _MAX_PARAMS else {None}
                if previous != {agent_id}:
                    report.records_touched.update(m.record_id for m in group if not m.authority)
                    for old in previous - {agent_id}:
                        conn.execute("DELETE FROM agents_agents WHERE agent_id = ?", (old,))
                for chunk in _chunks(members):
                    marks = ",".join("?" * len(chunk))
                    conn.execute(f"UPDATE agents_mentions SET agent_id = ? WHERE mid IN ({marks})",
                                 [agent_id, *chunk])
                summary = summarise(agent_id, group)
                if summary.forms != _stored_forms(conn, agent_id):
                    report.records_touched.update(m.record_id for m in group if not m.authority)
                conn.execute("INSERT INTO agents_agents VALUES (?, ?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET"
                             " kind = excluded.kind, name = excluded.name, summary = excluded.summary",
                             (agent_id, summary.kind, summary.name,
                              json.dumps(summary.to_dict(), ensure_ascii=False)))


def _stored_forms(conn: Any, agent_id: str) -> list[AgentForm] | None:
    row = conn.execute("SELECT summary FROM agents_agents WHERE agent_id = ?", (agent_id,)).fetchone()
    return AgentSummary.from_dict(json.loads(row[0])).forms if row else None


def summarise(agent_id: str, group: list[Mention]) -> AgentSummary:
    """Forms in order of how often they were catalogued (authority headings first), dates as most often given."""
    forms: dict[str, AgentForm] = {}
    weight: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    identifiers: dict[str, None] = {}
    records = set()
    for mention in sorted(group, key=lambda m: (not m.authority, m.mention_id)):
        for form in mention.forms:
            text = form["text"]
            entry = forms.setdefault(text, AgentForm(text, form.get("script"), form.get("lang")))
            where = mention.institution or ("authority" if mention.authority else "?")
            entry.seen[where] = entry.seen.get(where, 0) + 1
            weight[text] += 10 if mention.authority else 1
        if mention.dates:
            dates[mention.dates.strip(" .,")] += 1
        if not mention.authority:
            roles[mention.role] += 1
            records.add(mention.record_id)
        identifiers.update(dict.fromkeys(sorted(mention.identifiers)))
    ordered = sorted(forms.values(), key=lambda f: -weight[f.text])
    kind = Counter(m.kind for m in group).most_common(1)[0][0]
    return AgentSummary(agent_id, kind, ordered, dates.most_common(1)[0][0] if dates else None,
                        list(identifiers), len(records), dict(roles.most_common()))


def _chunks(items: list, size: int = _MAX_PARAMS) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class AgentForms:
    """What the search index asks while it builds a record's document: every form of each of its agents.

    Opens the database read-only on first use, in whichever process builds documents (the index's rebuild
    pickles its document builder into worker processes; a connection does not pickle)."""

    def __init__(self, database: str | Path | Database):
        self.database = Database.at(database)
        self._agents: Agents | None = None

    def __getstate__(self) -> dict:
        return {"database": self.database.url}

    def __setstate__(self, state: dict) -> None:
        self.database, self._agents = Database.at(state["database"]), None

    def __call__(self, record_id: str) -> list[RecordAgent]:
        if self._agents is None:
            try:
                self._agents = Agents.open(self.database, read_only=True)
            except (StoreError, self.database.Error):
                return []  # no agents built yet: the record's own forms are all there is
        return self._agents.forms_of_record(record_id)
