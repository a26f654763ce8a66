"""Staff sign-in resists guessing: failures per account and per address bring growing waits (refused even with
the right password), the waits are kept in the database (a second connection — another web worker — sees
them), and sign-ins, failures and sign-outs are in the audit log with the client's address."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from tongwen.registry import Registry, User
from tongwen.registry.auth import SignInPolicy

from .conftest import FAST_ARGON2

QUICK = SignInPolicy(delay=timedelta(seconds=1), account_free=3, address_free=6)
EDITOR_PASSWORD = "editor password 123"  # the `staff` fixture's


def _quick(registry: Registry) -> Registry:
    registry.accounts.policy = QUICK
    return registry


def test_wrong_passwords_throttle_the_account_even_for_the_right_password(registry, staff) -> None:
    accounts = _quick(registry).accounts
    for _ in range(QUICK.account_free):
        result = accounts.sign_in("editor-user", "a wrong guess", "192.0.2.7")
        assert result.session is None and result.retry_at is None  # plainly wrong, not yet throttled
    refused = accounts.sign_in("editor-user", EDITOR_PASSWORD, "198.51.100.1")  # right password, other address
    assert refused.session is None and refused.retry_at is not None and refused.retry_after == 1
    time.sleep(refused.retry_after + 0.05)
    accepted = accounts.sign_in("editor-user", EDITOR_PASSWORD, "198.51.100.1")
    assert accepted.session is not None and accounts.session_user(accepted.session.id) == staff["editor"]
    # A success starts the account's count afresh.
    assert accounts.sign_in("editor-user", "a wrong guess", "192.0.2.7").retry_at is None


def test_the_wait_grows_with_every_failure_after_it(registry, staff) -> None:
    accounts = _quick(registry).accounts
    for _ in range(QUICK.account_free):
        accounts.sign_in("viewer-user", "wrong", "192.0.2.7")
    first = accounts.sign_in("viewer-user", "wrong", "192.0.2.7").retry_after
    time.sleep(first + 0.05)
    assert accounts.sign_in("viewer-user", "wrong", "192.0.2.7").retry_at is None  # checked, failed once more
    second = accounts.sign_in("viewer-user", "wrong", "192.0.2.7").retry_after
    assert (first, second) == (1, 2)


def test_one_address_guessing_many_accounts_is_throttled(registry, staff) -> None:
    accounts = _quick(registry).accounts
    for n in range(QUICK.address_free):
        assert accounts.sign_in(f"guess-{n}", "wrong", "203.0.113.9").retry_at is None
    assert accounts.sign_in("admin-user", "admin password 123", "203.0.113.9").retry_at is not None
    assert accounts.sign_in("admin-user", "admin password 123", "192.0.2.1").session is not None


def test_the_throttle_holds_across_connections(database: str, staff) -> None:
    path = database  # the `registry` fixture's database: `staff` made the accounts there
    with Registry.open(path, password_hasher=FAST_ARGON2) as worker_one, \
            Registry.open(path, password_hasher=FAST_ARGON2) as worker_two:
        for _ in range(QUICK.account_free):
            _quick(worker_one).accounts.sign_in("editor-user", "wrong", "192.0.2.7")
        assert _quick(worker_two).accounts.sign_in("editor-user", EDITOR_PASSWORD, "192.0.2.8").retry_at


def test_sign_ins_failures_and_sign_outs_are_audited_with_the_address(registry, staff) -> None:
    accounts = registry.accounts
    accounts.sign_in("editor-user", "wrong", "192.0.2.7")
    first = accounts.sign_in("editor-user", EDITOR_PASSWORD, "192.0.2.7").session
    assert accounts.failed_sign_ins(staff["editor"]).count == 1  # before the first recorded sign-in
    accounts.sign_out(first.id, "192.0.2.7")
    assert accounts.session_user(first.id) is None
    for _ in range(2):
        accounts.sign_in("editor-user", "wrong", "203.0.113.5")
    accounts.sign_in("editor-user", EDITOR_PASSWORD, "192.0.2.7")
    notice = accounts.failed_sign_ins(staff["editor"])
    assert (notice.count, notice.last_address) == (2, "203.0.113.5")  # only those since the previous visit
    log = [(e.actor, e.action, e.after) for e in registry.audit_log(staff["admin"], entity="sign-in")]
    assert log == [
        ("editor-user", "signed-in", {"address": "192.0.2.7"}),
        ("anonymous", "failed", {"address": "203.0.113.5"}),
        ("anonymous", "failed", {"address": "203.0.113.5"}),
        ("editor-user", "signed-out", {"address": "192.0.2.7"}),
        ("editor-user", "signed-in", {"address": "192.0.2.7"}),
        ("anonymous", "failed", {"address": "192.0.2.7"}),
    ]
    accounts.sign_in("editor-user", EDITOR_PASSWORD, "192.0.2.7")
    assert accounts.failed_sign_ins(staff["editor"]) is None  # nothing failed since the last visit
    assert accounts.failed_sign_ins(User("admin-user", "admin", staff["admin"].id)) is None


def test_an_admin_unlocks_a_waiting_account_from_the_command_line(tmp_path: Path, database: str, staff) -> None:
    from click.testing import CliRunner

    from tongwen.config import Settings
    from tongwen.registry.commands import users

    with Registry.open(database, password_hasher=FAST_ARGON2) as registry:
        accounts = _quick(registry).accounts
        for _ in range(QUICK.account_free):
            accounts.sign_in("editor-user", "wrong", "192.0.2.7")
        assert accounts.sign_in("editor-user", EDITOR_PASSWORD, "192.0.2.7").retry_at is not None
        settings = Settings.load(tmp_path, database=database)
        result = CliRunner().invoke(users, ["unlock", "editor-user"], obj=settings, catch_exceptions=False)
        assert result.exit_code == 0 and "3 failed sign-ins no longer count" in result.output
        assert accounts.sign_in("editor-user", EDITOR_PASSWORD, "192.0.2.7").session is not None
        last = registry.audit_log(staff["admin"], entity="sign-in", limit=2)
        assert [(e.actor.startswith("cli:"), e.action) for e in last] == [(False, "signed-in"), (True, "unlocked")]
        assert CliRunner().invoke(users, ["unlock", "nobody"], obj=settings).exit_code == 1
