"""The registry's tables (all prefixed ``reg_``) and their migrations, versioned independently of the record
store that shares the database file: the version lives in ``reg_schema_version``.

Fact tables have one column per dataclass field (same names, see `tongwen.registry.model`); list fields
(names, parties, citations, roles...) are JSON arrays in TEXT columns. To change a table, append a migration;
never edit one that has shipped.
"""

from __future__ import annotations

from typing import Any

from tongwen.store.database import Database

_V1 = """
CREATE TABLE reg_sources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, publisher TEXT, published TEXT, file TEXT, url TEXT, notes TEXT
);
CREATE TABLE reg_institutions (
    code TEXT PRIMARY KEY, name_en TEXT NOT NULL, type TEXT NOT NULL, country TEXT NOT NULL,
    names TEXT NOT NULL DEFAULT '[]', acronym TEXT, city TEXT, website TEXT, notes TEXT,
    sources TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE reg_organisations (
    code TEXT PRIMARY KEY, name_en TEXT NOT NULL, type TEXT NOT NULL, names TEXT NOT NULL DEFAULT '[]',
    acronym TEXT, parent TEXT, founded TEXT, country TEXT, city TEXT, website TEXT, member_count INTEGER,
    member_count_qualifier TEXT NOT NULL DEFAULT 'exact', member_countries TEXT NOT NULL DEFAULT '[]',
    meets TEXT, notes TEXT, sources TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE reg_memberships (
    id TEXT PRIMARY KEY, member TEXT NOT NULL, organisation TEXT NOT NULL, member_kind TEXT NOT NULL,
    since TEXT, until TEXT, roles TEXT NOT NULL DEFAULT '[]', notes TEXT, sources TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX reg_memberships_member ON reg_memberships (member);
CREATE TABLE reg_agreements (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, type TEXT NOT NULL, parties TEXT NOT NULL DEFAULT '[]',
    date TEXT, place_signed TEXT, text TEXT, url TEXT, notes TEXT, sources TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE reg_programmes (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, type TEXT NOT NULL, scope TEXT NOT NULL,
    parties TEXT NOT NULL DEFAULT '[]', start TEXT, "end" TEXT, parent TEXT, agreement TEXT, recurrence TEXT,
    description TEXT, sources TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE reg_activities (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, date_start TEXT, date_end TEXT,
    aggregate INTEGER NOT NULL DEFAULT 0, event_count INTEGER, participant_count INTEGER,
    count_qualifier TEXT NOT NULL DEFAULT 'exact', items_count INTEGER, items_description TEXT, host TEXT,
    place TEXT, country TEXT, theme TEXT, duration TEXT, parties TEXT NOT NULL DEFAULT '[]',
    outcomes TEXT NOT NULL DEFAULT '[]', programme TEXT, organisation TEXT, part_of TEXT,
    status TEXT NOT NULL DEFAULT 'held', description TEXT, sources TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX reg_activities_date ON reg_activities (date_start);

CREATE TABLE reg_users (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL
);
CREATE TABLE reg_tokens (
    id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES reg_users (id) ON DELETE CASCADE,
    label TEXT NOT NULL, created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE reg_sessions (
    id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES reg_users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
CREATE TABLE reg_audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, actor_id INTEGER, entity TEXT NOT NULL,
    entity_key TEXT NOT NULL, action TEXT NOT NULL, before TEXT, after TEXT
);
CREATE INDEX reg_audit_entity ON reg_audit (entity, entity_key);
"""

# Staff sign-in attempts: the throttle's state (tongwen.registry.auth.SignInPolicy). Kept in the database, not
# in process memory, so every web worker process sees the same failures and a restart forgets nothing.
# ``outcome`` is 'failed' from the moment a password is being checked until it proves right ('signed-in');
# an admin's `tongwen users unlock` turns an account's failures into 'forgiven'.
_V2 = """
CREATE TABLE reg_signin_attempts (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT NOT NULL, address TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX reg_signin_attempts_username ON reg_signin_attempts (username, outcome, at);
CREATE INDEX reg_signin_attempts_address ON reg_signin_attempts (address, outcome, at);
"""

# (version, SQL script). Version n's script turns a version n-1 database into version n.
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2))
SCHEMA_VERSION = MIGRATIONS[-1][0]

TABLES = {
    "source": "reg_sources",
    "institution": "reg_institutions",
    "organisation": "reg_organisations",
    "membership": "reg_memberships",
    "agreement": "reg_agreements",
    "programme": "reg_programmes",
    "activity": "reg_activities",
}


def schema_version(conn: Any, database: Database) -> int:
    """The registry schema version of this database, 0 when it has no registry tables yet."""
    if not database.has_table(conn, "reg_schema_version"):
        return 0
    row = conn.execute("SELECT version FROM reg_schema_version").fetchone()
    return row[0] if row else 0


def migrate(conn: Any, database: Database) -> int:
    """Bring the registry tables up to `SCHEMA_VERSION`; returns the version found before.

    Each migration runs in its own transaction together with the version bump, so a failure leaves the
    database at the last good version. Refuses a database written by a newer Tongwen.
    """
    found = schema_version(conn, database)
    if found > SCHEMA_VERSION:
        raise RuntimeError(
            f"the registry tables are at schema version {found}, newer than this Tongwen knows "
            f"({SCHEMA_VERSION}); upgrade Tongwen"
        )
    for version, script in MIGRATIONS:
        if version <= found:
            continue
        with database.write(conn):
            if schema_version(conn, database) >= version:  # another process migrated while we waited the lock
                continue
            database.run_script(conn, script)
            conn.execute("CREATE TABLE IF NOT EXISTS reg_schema_version (version INTEGER NOT NULL)")
            conn.execute("DELETE FROM reg_schema_version")
            conn.execute("INSERT INTO reg_schema_version (version) VALUES (?)", (version,))
    return found
