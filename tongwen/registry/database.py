"""`Registry`: the cooperation facts in SQLite (``reg_*`` tables beside the record store), with role checks on
every write and an audit log of every change.

    >>> from tongwen.registry.auth import system_user
    >>> from tongwen.registry.model import Citation, Institution, Source
    >>> reg = Registry.open(":memory:")
    >>> admin = system_user("doc")
    >>> reg.save(admin, Source(id="doc", title="A document"))
    'created'
    >>> reg.save(admin, Institution(code="NLC", name_en="National Library of China", type="national_library",
    ...                             country="CN", sources=[Citation("doc")]))
    'created'
    >>> reg.get(Institution, "NLC").country
    'CN'
    >>> [(e.entity, e.entity_key, e.action) for e in reg.audit_log(admin)]
    [('institution', 'NLC', 'create'), ('source', 'doc', 'create')]
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

from argon2 import PasswordHasher

from tongwen.registry.auth import Accounts, PermissionDenied, User, require_role
from tongwen.registry.model import (
    ENTITY_TYPES,
    Activity,
    Agreement,
    Entity,
    Institution,
    Membership,
    Organisation,
    Programme,
    Source,
    entity_key,
    from_dict,
    to_dict,
)
from tongwen.registry.schema import TABLES, migrate
from tongwen.store.database import Database
from tongwen.registry.validation import Problem, ValidationError, check

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str  # UTC, ISO 8601
    actor: str
    actor_id: int | None
    entity: str  # "institution", "activity", "user"...
    entity_key: str
    action: str  # "create", "update", "delete", "set-password"
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(slots=True)
class RegistryData:
    """Every fact at one moment, for statistics and exports (the registry is small: thousands of facts)."""

    sources: list[Source] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    def of(self, cls: type) -> list:
        return getattr(self, PLURAL[cls.entity])


PLURAL = {
    "source": "sources",
    "institution": "institutions",
    "organisation": "organisations",
    "membership": "memberships",
    "agreement": "agreements",
    "programme": "programmes",
    "activity": "activities",
}


class Registry:
    """The registry in the Tongwen database (`Settings.database`, shared with the record store).

    Anyone may read. Writes take the acting `User`: editors and admins may change facts, admins may also
    manage users (`accounts`); anonymous users and viewers are refused with `PermissionDenied`.
    """

    def __init__(self, conn: Any, database: Database, password_hasher: PasswordHasher | None = None) -> None:
        self._conn = conn
        self._database = database
        self._depth = 0
        self.accounts = Accounts(conn, self.transaction, self._write_audit, password_hasher)

    @classmethod
    def open(cls, path: str | Path | Database, *, password_hasher: PasswordHasher | None = None) -> Registry:
        """Open (creating or migrating the ``reg_*`` tables as needed) the registry in a Tongwen database.
        ``password_hasher``: argon2 parameters for new passwords (default: argon2-cffi's recommended)."""
        # Autocommit connection: we issue BEGIN/COMMIT ourselves (see `transaction`), so a batch of writes and
        # their audit entries are committed together or not at all.
        database = Database.at(path)
        conn = database.connect(timeout=10.0)
        migrate(conn, database)
        return cls(conn, database, password_hasher)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: everything inside commits at the end of the outermost block, or rolls back."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._database.begin(self._conn)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    # ---- reading -----------------------------------------------------------------------------------------

    def get(self, cls: type[T], key: str) -> T | None:
        """One fact by its key: ``registry.get(Institution, "NLC")``."""
        table, key_field = TABLES[cls.entity], cls.key_field  # type: ignore[attr-defined]
        row = self._conn.execute(
            f'SELECT {_columns(cls)} FROM {table} WHERE "{key_field}" = ?', (key,)
        ).fetchone()
        return _from_row(cls, row) if row else None

    def all(self, cls: type[T]) -> list[T]:
        """Every fact of one kind, ordered by key: ``registry.all(Activity)``."""
        table, key_field = TABLES[cls.entity], cls.key_field  # type: ignore[attr-defined]
        rows = self._conn.execute(f'SELECT {_columns(cls)} FROM {table} ORDER BY "{key_field}"')
        return [_from_row(cls, r) for r in rows]

    def snapshot(self) -> RegistryData:
        data = RegistryData()
        for cls in ENTITY_TYPES:
            data.of(cls).extend(self.all(cls))
        return data

    def counts(self) -> dict[str, int]:
        return {
            cls.entity: self._conn.execute(f"SELECT count(*) FROM {TABLES[cls.entity]}").fetchone()[0]
            for cls in ENTITY_TYPES
        }

    # ---- writing -----------------------------------------------------------------------------------------

    def save(self, user: User, obj: Entity) -> str:
        """Create or replace a fact; returns ``"created"``, ``"updated"`` or ``"unchanged"`` (nothing written,
        nothing audited). Raises PermissionDenied (role) or ValidationError (problems by field, including
        references to institutions, sources... that do not exist)."""
        cls = type(obj)
        key = entity_key(obj)
        self._require_editor(user, f"change {cls.entity} {key}")
        problems = self.problems(obj)
        if problems:
            raise ValidationError(f"{cls.entity} {key}", problems)
        before = self.get(cls, key)
        if before == obj:
            return "unchanged"
        marks = ", ".join("?" for _ in fields(cls))
        replaced = ", ".join(f'"{f.name}" = excluded."{f.name}"' for f in fields(cls))
        with self.transaction():
            self._conn.execute(
                f"INSERT INTO {TABLES[cls.entity]} ({_columns(cls)}) VALUES ({marks})"
                f' ON CONFLICT ("{cls.key_field}") DO UPDATE SET {replaced}',
                _to_row(obj),
            )
            action = "create" if before is None else "update"
            self._write_audit(
                user, cls.entity, key, action, to_dict(before) if before else None, to_dict(obj)
            )
        return "created" if before is None else "updated"

    def delete(self, user: User, cls: type, key: str) -> bool:
        """Delete a fact (False if there was none). Refused while other facts still refer to it."""
        self._require_editor(user, f"delete {cls.entity} {key}")
        before = self.get(cls, key)
        if before is None:
            return False
        users = self.referrers(cls, key)
        if users:
            raise ValidationError(
                f"{cls.entity} {key}",
                [Problem(None, f"still referred to by {', '.join(users)}; change those first")],
            )
        with self.transaction():
            self._conn.execute(f'DELETE FROM {TABLES[cls.entity]} WHERE "{cls.key_field}" = ?', (key,))
            self._write_audit(user, cls.entity, key, "delete", to_dict(before), None)
        return True

    def problems(self, obj: Entity) -> list[Problem]:
        """Everything wrong with a fact: its own fields (`validation.check`) and its references."""
        return check(obj) + self._reference_problems(obj)

    def referrers(self, cls: type, key: str) -> list[str]:
        """Facts that refer to the given one, as ``"activity nlc-ndl-1981-visit"`` strings."""
        found = []
        data = self.snapshot()
        for other_cls in ENTITY_TYPES:
            for other in data.of(other_cls):
                if any(
                    ref == key
                    and (ref_cls is cls or (ref_cls is _PARTY and cls in (Institution, Organisation)))
                    for _, ref_cls, ref in _references(other)
                ):
                    found.append(f"{other_cls.entity} {entity_key(other)}")
        return found

    def _reference_problems(self, obj: Entity) -> list[Problem]:
        problems = []
        for field_name, ref_cls, ref in _references(obj):
            if ref_cls is _PARTY:
                if self.get(Institution, ref) is None and self.get(Organisation, ref) is None:
                    problems.append(Problem(field_name, f"no institution or organisation with code {ref!r}"))
            elif ref_cls is type(obj) and ref == entity_key(obj):
                problems.append(Problem(field_name, "a fact cannot refer to itself"))
            else:
                target = self.get(ref_cls, ref)
                if target is None:
                    problems.append(Problem(field_name, f"no {ref_cls.entity} with key {ref!r}"))
                elif field_name == "part_of" and not target.aggregate:
                    problems.append(
                        Problem(field_name, f"activity {ref!r} is a single event, not an aggregate")
                    )
        return problems

    def _require_editor(self, user: User, action: str) -> None:
        require_role(self._current(user), "editor", action)

    def _current(self, user: User) -> User:
        """The user's role as stored now: a demoted or disabled account loses its rights at once."""
        if user.id is None:
            return user
        current = self.accounts.user(user.id)
        if current is None:
            raise PermissionDenied(f"the account {user.username!r} no longer exists or is disabled")
        return current

    # ---- audit -------------------------------------------------------------------------------------------

    def _write_audit(
        self, user: User, entity: str, key: str, action: str, before: dict | None, after: dict | None
    ) -> None:
        self._conn.execute(
            "INSERT INTO reg_audit (at, actor, actor_id, entity, entity_key, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(timespec="microseconds"),
                user.username,
                user.id,
                entity,
                key,
                action,
                _json(before),
                _json(after),
            ),
        )

    def audit_log(
        self,
        user: User,
        *,
        entity: str | None = None,
        key: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Changes, newest first, optionally for one fact (``entity="institution", key="NLC"``), one actor, or
        since an ISO timestamp. Staff only (viewer and above): it names the staff who made each change."""
        require_role(self._current(user), "viewer", "read the audit log")
        clauses, params = [], []
        for column, value in (("entity", entity), ("entity_key", key), ("actor", actor)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            clauses.append("at >= ?")
            params.append(since)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._conn.execute(
            f"SELECT id, at, actor, actor_id, entity, entity_key, action, before, after FROM reg_audit {where} "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [
            AuditEntry(*r[:7], json.loads(r[7]) if r[7] else None, json.loads(r[8]) if r[8] else None)
            for r in rows
        ]


_PARTY = object()  # marker: a reference to an institution *or* an organisation


def _references(obj: Entity) -> Iterator[tuple[str, Any, str]]:
    """(field, referenced class or _PARTY, key) for every reference a fact makes."""
    for index, citation in enumerate(getattr(obj, "sources", ())):
        yield f"sources[{index}]", Source, citation.source
    for index, party in enumerate(getattr(obj, "parties", ())):
        yield f"parties[{index}]", _PARTY, party.code
    if isinstance(obj, Organisation) and obj.parent:
        yield "parent", Organisation, obj.parent
    if isinstance(obj, Membership):
        yield "member", _PARTY, obj.member
        yield "organisation", Organisation, obj.organisation
    if isinstance(obj, Programme):
        if obj.parent:
            yield "parent", Programme, obj.parent
        if obj.agreement:
            yield "agreement", Agreement, obj.agreement
    if isinstance(obj, Activity):
        if obj.host:
            yield "host", _PARTY, obj.host
        for index, outcome in enumerate(obj.outcomes):
            yield f"outcomes[{index}]", Agreement, outcome
        if obj.programme:
            yield "programme", Programme, obj.programme
        if obj.organisation:
            yield "organisation", Organisation, obj.organisation
        if obj.part_of:
            yield "part_of", Activity, obj.part_of


def _columns(cls: type) -> str:
    return ", ".join(f'"{f.name}"' for f in fields(cls))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _to_row(obj: Entity) -> list[Any]:
    row = []
    as_dict = to_dict(obj)
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, list):
            value = json.dumps(as_dict[f.name], ensure_ascii=False)
        elif isinstance(value, bool):
            value = int(value)
        row.append(value)
    return row


def _from_row(cls: type[T], row: tuple) -> T:
    data: dict[str, Any] = {}
    for f, value in zip(fields(cls), row, strict=True):  # type: ignore[arg-type]
        if f.type.startswith("list"):
            value = json.loads(value)
        elif f.type == "bool":
            value = bool(value)
        data[f.name] = value
    return from_dict(cls, data)
