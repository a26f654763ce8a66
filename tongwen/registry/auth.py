"""Staff accounts for editing the registry: users with argon2 password hashes and roles, API tokens for
scripts, login sessions and CSRF tokens for the web forms. No web code here; the portal calls these.

Sign-in is throttled (`SignInPolicy`): after a few failures an account, or an address, must wait a delay that
doubles with every further failure, and is refused while it waits even with the right password. Every
attempt — failed, throttled aside — and every sign-out is written to the audit log with the client's address.

Roles, each including the one before: ``viewer`` (staff who may read the audit log), ``editor`` (may change
registry facts), ``admin`` (may also manage users). Anonymous visitors may read facts and never write.

    >>> has_role(ANONYMOUS, "viewer"), has_role(User("ana", "editor", 1), "viewer")
    (False, True)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("viewer", "editor", "admin")
_RANK = {"anonymous": 0, "viewer": 1, "editor": 2, "admin": 3}
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "tw_"
SESSION_LIFETIME = timedelta(hours=8)


class PermissionDenied(Exception):
    """The acting user's role does not allow this action."""


class AuthError(ValueError):
    """A bad username, password, role or token given to an account operation."""


class CsrfError(PermissionDenied):
    """A form arrived without the CSRF token of the session that displayed it."""


@dataclass(frozen=True, slots=True)
class User:
    """Who is acting. Obtain one from `Accounts.authenticate`, `token_user` or `session_user`; ``id`` is
    None for `ANONYMOUS` and for `system_user` (the local operator running a CLI command)."""

    username: str
    role: str
    id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role == "anonymous"


ANONYMOUS = User("anonymous", "anonymous")


def system_user(name: str) -> User:
    """The person at the terminal running `tongwen ...` commands: whoever can open the database file can
    change it anyway, so CLI commands act as an admin named after the OS user (``cli:alice``)."""
    return User(f"cli:{name}", "admin")


def has_role(user: User, role: str) -> bool:
    return _RANK.get(user.role, 0) >= _RANK[role]


def require_role(user: User, role: str, action: str) -> None:
    """Raise PermissionDenied unless ``user`` has at least ``role``.

    >>> require_role(User("v", "viewer", 2), "editor", "change institution NLC")
    Traceback (most recent call last):
    ...
    tongwen.registry.auth.PermissionDenied: v (viewer) may not change institution NLC: it needs the editor role
    """
    if not has_role(user, role):
        who = "anonymous visitors" if user.is_anonymous else f"{user.username} ({user.role})"
        raise PermissionDenied(f"{who} may not {action}: it needs the {role} role")


@dataclass(frozen=True, slots=True)
class Session:
    """A login session. ``id`` goes in the session cookie; ``csrf_token`` in every form the session shows."""

    id: str
    user: User
    expires_at: datetime
    csrf_token: str


def csrf_token_for(session_id: str) -> str:
    """The CSRF token of a session: an HMAC keyed by the (secret, random) session id, so it needs no storage
    and a token from one session is useless in another.

    >>> verify_csrf("s1", csrf_token_for("s1")), verify_csrf("s1", csrf_token_for("s2")), verify_csrf("s1", None)
    (True, False, False)
    """
    return hmac.new(session_id.encode(), b"tongwen-registry-csrf", hashlib.sha256).hexdigest()


def verify_csrf(session_id: str | None, token: str | None) -> bool:
    """True when ``token`` is the CSRF token of ``session_id`` (constant-time comparison)."""
    if not session_id or not token:
        return False
    return hmac.compare_digest(csrf_token_for(session_id), token)


def _digest(secret: str) -> str:
    # Tokens and session ids are 256-bit random strings, so a fast hash is enough to make a stolen database
    # useless (nothing to brute-force), and unlike argon2 it lets us find the row by its hash.
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    """Growing delays for staff sign-in, per account and per client address.

    An account's failures count since its last successful sign-in (at most ``account_window`` back); an
    address's failures count over ``address_window`` whatever the account (password spraying), and a success
    does not forgive them (an attacker with one account of their own could otherwise reset the count). After
    ``free`` failures the next attempt must wait ``delay * 2**(failures - free)``, at most ``max_delay``,
    counted from the last failure.

    Written here rather than with a limiter library (``limits``): its strategies keep counters in memory or
    in Redis/Memcached; these attempts are kept in the registry's own database, which every web worker
    process shares and which survives a restart, and the same rows answer "what happened since my last
    visit". No extra service for a one-laptop install.

    >>> policy = SignInPolicy(delay=timedelta(seconds=30))
    >>> [policy.wait(n, policy.account_free).total_seconds() for n in (4, 5, 6, 7, 20)]
    [0.0, 30.0, 60.0, 120.0, 3600.0]
    """

    delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    account_free: int = 5
    account_window: timedelta = timedelta(hours=24)
    address_free: int = 20  # one office behind one NAT address holds many librarians
    address_window: timedelta = timedelta(hours=1)

    def wait(self, failures: int, free: int) -> timedelta:
        if failures < free:
            return timedelta(0)
        return min(self.delay * 2 ** min(failures - free, 32), self.max_delay)


@dataclass(frozen=True, slots=True)
class SignInResult:
    """What `Accounts.sign_in` decided: a `session` when the password was right; ``retry_at`` (UTC) when the
    attempt was refused unchecked because of earlier failures; neither when the username or password is wrong."""

    session: Session | None = None
    retry_at: datetime | None = None

    @property
    def retry_after(self) -> int:
        """Whole seconds until `retry_at` (for the HTTP Retry-After header), at least 1."""
        if self.retry_at is None:
            return 0
        return max(1, int((self.retry_at - _now()).total_seconds() + 0.999))


@dataclass(frozen=True, slots=True)
class FailedSignIns:
    """Failed sign-ins for an account between its previous and its latest sign-in (the notice on staff pages)."""

    count: int
    last_at: str  # UTC, ISO 8601
    last_address: str


def _stamp(moment: datetime) -> str:
    # Always with microseconds, so the ISO strings in reg_signin_attempts compare as the times do.
    return moment.isoformat(timespec="microseconds")


AuditWriter = Callable[[User, str, str, str, dict[str, Any] | None, dict[str, Any] | None], None]


class Accounts:
    """Users, tokens and sessions in the registry's tables (``reg_users``, ``reg_tokens``, ``reg_sessions``).
    Every change to a user is written to the audit log (never the password hash)."""

    def __init__(
        self,
        conn: Any,
        transaction: Callable[[], AbstractContextManager],
        audit: AuditWriter,
        hasher: PasswordHasher | None = None,
        policy: SignInPolicy | None = None,
    ) -> None:
        # argon2id with argon2-cffi's recommended parameters (RFC 9106 low-memory profile) unless told
        # otherwise; tests pass cheaper parameters (~0.5 s per hash on a small server is right for logins,
        # too slow for a test suite).
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None
        self._conn = conn
        self._transaction = transaction  # the registry's: nests, commits once at the outermost level
        self._audit = audit
        self.policy = policy or SignInPolicy()

    # ---- users -------------------------------------------------------------------------------------------

    def create_user(self, acting: User, username: str, password: str, role: str = "viewer") -> User:
        """Add a staff account (admins only).

        Raises AuthError for a malformed username, a short password, an unknown role or a taken username.
        """
        require_role(acting, "admin", f"add user {username!r}")
        if not _USERNAME.match(username):
            raise AuthError(f"username {username!r}: use 2-64 letters, digits, '.', '_' or '-'")
        self._check_role(role)
        self._check_password(password)
        if self._row_by_name(username) is not None:
            raise AuthError(f"username {username!r} is already taken")
        with self._transaction():
            (user_id,) = self._conn.execute(
                "INSERT INTO reg_users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                (username, self._hasher.hash(password), role, _now().isoformat()),
            ).fetchone()
            user = User(username, role, user_id)
            self._audit(acting, "user", username, "create", None, _public(user, False))
        return user

    def set_role(self, acting: User, username: str, role: str) -> User:
        require_role(acting, "admin", f"change the role of {username!r}")
        self._check_role(role)
        before = self._require_user(username)
        with self._transaction():
            self._conn.execute("UPDATE reg_users SET role = ? WHERE id = ?", (role, before.id))
            after = User(username, role, before.id)
            self._audit(acting, "user", username, "update", _public(before, False), _public(after, False))
        return after

    def set_password(self, acting: User, username: str, password: str) -> None:
        """Admins may set anyone's password; a user may set their own."""
        target = self._require_user(username)
        if acting.id != target.id:
            require_role(acting, "admin", f"set the password of {username!r}")
        self._check_password(password)
        with self._transaction():
            self._conn.execute(
                "UPDATE reg_users SET password_hash = ? WHERE id = ?",
                (self._hasher.hash(password), target.id),
            )
            self._audit(acting, "user", username, "set-password", None, None)

    def disable_user(self, acting: User, username: str) -> None:
        """Disable an account: it can no longer log in, and its sessions and tokens stop working."""
        require_role(acting, "admin", f"disable {username!r}")
        target = self._require_user(username)
        with self._transaction():
            self._conn.execute("UPDATE reg_users SET disabled = 1 WHERE id = ?", (target.id,))
            self._conn.execute("DELETE FROM reg_sessions WHERE user_id = ?", (target.id,))
            self._audit(acting, "user", username, "update", _public(target, False), _public(target, True))

    def users(self, acting: User) -> list[dict[str, Any]]:
        require_role(acting, "admin", "list users")
        rows = self._conn.execute(
            "SELECT id, username, role, disabled, created_at FROM reg_users ORDER BY username"
        ).fetchall()
        return [dict(zip(("id", "username", "role", "disabled", "created_at"), r, strict=True)) for r in rows]

    def user(self, user_id: int) -> User | None:
        """The current state of an enabled account (None when it is gone or disabled)."""
        row = self._conn.execute(
            "SELECT id, username, role FROM reg_users WHERE id = ? AND disabled = 0", (user_id,)
        ).fetchone()
        return User(row[1], row[2], row[0]) if row else None

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account enabled, else None.

        Re-hashes the password when argon2's recommended parameters have changed since it was stored.
        """
        row = self._row_by_name(username)
        if row is None and self._dummy_hash is None:
            # Verified against when the username is unknown, so a failed login takes as long either way.
            self._dummy_hash = self._hasher.hash("not a real password, only equalises login timing")
        stored = row[2] if row else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row[4]:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._transaction():
                self._conn.execute(
                    "UPDATE reg_users SET password_hash = ? WHERE id = ?",
                    (self._hasher.hash(password), row[0]),
                )
        return User(row[1], row[3], row[0])

    # ---- signing in and out -----------------------------------------------------------------------------

    def sign_in(self, username: str, password: str, address: str) -> SignInResult:
        """Check a sign-in from the client at ``address``, throttled by `policy`, and audit it.

        The attempt is recorded as failed *before* the (slow) password check, in the same transaction as the
        throttle check, so parallel guesses cannot all slip through while the first ones are being hashed;
        it becomes 'signed-in' when the password proves right. Throttled attempts are answered without
        checking the password and are not recorded (a flood of them must not fill the database).
        """
        username = username[:64]  # the longest valid username; anything longer is a guess worth no more
        now = _now()
        with self._transaction():
            retry_at = self._throttled_until(username, address, now)
            if retry_at is not None:
                return SignInResult(retry_at=retry_at)
            attempt = self._conn.execute(
                "INSERT INTO reg_signin_attempts (at, username, address, outcome) VALUES (?, ?, ?, 'failed')"
                " RETURNING id",
                (_stamp(now), username, address),
            ).fetchone()[0]
        user = self.authenticate(username, password)
        with self._transaction():
            if user is None:
                self._audit(ANONYMOUS, "sign-in", username, "failed", None, {"address": address})
                return SignInResult()
            self._conn.execute("UPDATE reg_signin_attempts SET outcome = 'signed-in' WHERE id = ?", (attempt,))
            self._audit(user, "sign-in", username, "signed-in", None, {"address": address})
            return SignInResult(session=self.start_session(user))

    def sign_out(self, session_id: str, address: str) -> None:
        """End a session and audit who signed out from where."""
        user = self.session_user(session_id)
        with self._transaction():
            self.end_session(session_id)
            if user is not None:
                self._audit(user, "sign-in", user.username, "signed-out", None, {"address": address})

    def unlock(self, acting: User, username: str) -> int:
        """Let an account sign in again at once (admins): its failed attempts stop counting towards a wait
        (they stay in the audit log). Returns how many were forgiven. Waits of an address are not lifted."""
        require_role(acting, "admin", f"unlock {username!r}")
        self._require_user(username)
        with self._transaction():
            forgiven = self._conn.execute(
                "UPDATE reg_signin_attempts SET outcome = 'forgiven' WHERE username = ? AND outcome = 'failed'",
                (username,),
            ).rowcount
            self._audit(acting, "sign-in", username, "unlocked", None, {"forgiven": forgiven})
        return forgiven

    def failed_sign_ins(self, user: User) -> FailedSignIns | None:
        """Failures for ``user``'s account between its previous sign-in and its latest one (None if none)."""
        successes = self._conn.execute(
            "SELECT at FROM reg_signin_attempts WHERE username = ? AND outcome = 'signed-in' "
            "ORDER BY at DESC LIMIT 2",
            (user.username,),
        ).fetchall()
        if not successes:
            return None
        since = successes[1][0] if len(successes) > 1 else ""
        row = self._conn.execute(
            "SELECT count(*), max(at) FROM reg_signin_attempts "
            "WHERE username = ? AND outcome = 'failed' AND at > ? AND at < ?",
            (user.username, since, successes[0][0]),
        ).fetchone()
        if not row[0]:
            return None
        address = self._conn.execute(
            "SELECT address FROM reg_signin_attempts WHERE username = ? AND outcome = 'failed' AND at = ?",
            (user.username, row[1]),
        ).fetchone()[0]
        return FailedSignIns(row[0], row[1], address)

    def _throttled_until(self, username: str, address: str, now: datetime) -> datetime | None:
        policy = self.policy
        last_success = self._conn.execute(
            "SELECT max(at) FROM reg_signin_attempts WHERE username = ? AND outcome = 'signed-in'", (username,)
        ).fetchone()[0]
        since_account = max(last_success or "", _stamp(now - policy.account_window))
        checks = (
            ("username", username, since_account, policy.account_free),
            ("address", address, _stamp(now - policy.address_window), policy.address_free),
        )
        latest: datetime | None = None
        for column, value, since, free in checks:
            count, last_at = self._conn.execute(
                f"SELECT count(*), max(at) FROM reg_signin_attempts "
                f"WHERE {column} = ? AND outcome = 'failed' AND at > ?",
                (value, since),
            ).fetchone()
            wait = policy.wait(count, free)
            if wait:
                until = datetime.fromisoformat(last_at) + wait
                if until > now and (latest is None or until > latest):
                    latest = until
        return latest

    # ---- API tokens --------------------------------------------------------------------------------------

    def create_token(self, acting: User, username: str, label: str) -> str:
        """A new API token for ``username`` (admins, or users for themselves). Shown once; only its hash is
        kept. Scripts send it as ``Authorization: Bearer tw_...``."""
        target = self._require_user(username)
        if acting.id != target.id:
            require_role(acting, "admin", f"create an API token for {username!r}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._transaction():
            self._conn.execute(
                "INSERT INTO reg_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
                (_digest(token), target.id, label, _now().isoformat()),
            )
            self._audit(acting, "token", username, "create", None, {"user": username, "label": label})
        return token

    def token_user(self, token: str | None) -> User | None:
        """The user an API token belongs to, or None (unknown, revoked, or the account is disabled)."""
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        row = self._conn.execute(
            "SELECT user_id FROM reg_tokens WHERE token_hash = ? AND revoked = 0", (_digest(token),)
        ).fetchone()
        return self.user(row[0]) if row else None

    def revoke_token(self, acting: User, token: str) -> bool:
        row = self._conn.execute(
            "SELECT t.id, u.username, t.label FROM reg_tokens t JOIN reg_users u ON u.id = t.user_id "
            "WHERE token_hash = ?",
            (_digest(token),),
        ).fetchone()
        if row is None:
            return False
        if acting.username != row[1]:
            require_role(acting, "admin", f"revoke a token of {row[1]!r}")
        with self._transaction():
            self._conn.execute("UPDATE reg_tokens SET revoked = 1 WHERE id = ?", (row[0],))
            self._audit(acting, "token", row[1], "delete", {"user": row[1], "label": row[2]}, None)
        return True

    # ---- sessions ----------------------------------------------------------------------------------------

    def start_session(self, user: User, lifetime: timedelta = SESSION_LIFETIME) -> Session:
        """Log ``user`` in: a new random session id (stored hashed) with its CSRF token."""
        if user.id is None:
            raise AuthError("only staff accounts can have login sessions")
        session_id = secrets.token_urlsafe(32)
        expires = _now() + lifetime
        with self._transaction():
            self._conn.execute("DELETE FROM reg_sessions WHERE expires_at < ?", (_now().isoformat(),))
            self._conn.execute(
                "INSERT INTO reg_sessions (id_hash, user_id, expires_at) VALUES (?, ?, ?)",
                (_digest(session_id), user.id, expires.isoformat()),
            )
        return Session(session_id, user, expires, csrf_token_for(session_id))

    def session_user(self, session_id: str | None) -> User | None:
        """The logged-in user of a session cookie; None if unknown or expired."""
        if not session_id:
            return None
        row = self._conn.execute(
            "SELECT user_id FROM reg_sessions WHERE id_hash = ? AND expires_at > ?",
            (_digest(session_id), _now().isoformat()),
        ).fetchone()
        return self.user(row[0]) if row else None

    def end_session(self, session_id: str) -> None:
        with self._transaction():
            self._conn.execute("DELETE FROM reg_sessions WHERE id_hash = ?", (_digest(session_id),))

    def form_user(self, session_id: str | None, csrf_token: str | None) -> User:
        """The user behind a submitted form: the session's user if its CSRF token is right.
        Raises CsrfError when the token is missing or wrong; ANONYMOUS when there is no valid session."""
        user = self.session_user(session_id)
        if user is None:
            return ANONYMOUS
        if not verify_csrf(session_id, csrf_token):
            raise CsrfError("the form's CSRF token is missing or does not match the session; reload the page")
        return user

    # ---- helpers -----------------------------------------------------------------------------------------

    def _row_by_name(self, username: str) -> tuple | None:
        return self._conn.execute(
            "SELECT id, username, password_hash, role, disabled FROM reg_users WHERE username = ?",
            (username,),
        ).fetchone()

    def _require_user(self, username: str) -> User:
        row = self._row_by_name(username)
        if row is None:
            raise AuthError(f"no user named {username!r}")
        return User(row[1], row[3], row[0])

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise AuthError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def _public(user: User, disabled: bool) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "disabled": disabled}
