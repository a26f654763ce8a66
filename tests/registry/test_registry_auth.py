"""Who may write: anonymous visitors and viewers never, editors facts, admins also users; every change is
audited with before and after; passwords, tokens, sessions and CSRF tokens behave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tongwen.store.database import Database
from tongwen.registry import (
    ANONYMOUS,
    AuthError,
    Citation,
    CsrfError,
    Institution,
    PermissionDenied,
    Registry,
    User,
    csrf_token_for,
    verify_csrf,
)


def _institution(**changes) -> Institution:
    fields = {
        "code": "NLM",
        "name_en": "National Library of Mongolia",
        "type": "national_library",
        "country": "MN",
        "sources": [Citation("cdnlao-82")],
    }
    return Institution(**{**fields, **changes})


def test_anonymous_and_viewer_writes_are_refused(seeded: Registry, staff: dict[str, User]) -> None:
    for user in (ANONYMOUS, staff["viewer"]):
        with pytest.raises(PermissionDenied, match="needs the editor role"):
            seeded.save(user, _institution())
        with pytest.raises(PermissionDenied):
            seeded.delete(user, Institution, "NLT")
    assert seeded.get(Institution, "NLM") is None
    assert seeded.get(Institution, "NLT") is not None


def test_editor_changes_are_audited_with_before_and_after(seeded: Registry, staff: dict[str, User]) -> None:
    editor = staff["editor"]
    assert seeded.save(editor, _institution()) == "created"
    assert seeded.save(editor, _institution(city="Ulaanbaatar")) == "updated"
    assert seeded.save(editor, _institution(city="Ulaanbaatar")) == "unchanged"
    assert seeded.delete(editor, Institution, "NLM")

    entries = seeded.audit_log(staff["viewer"], entity="institution", key="NLM")
    assert [e.action for e in entries] == ["delete", "update", "create"]  # newest first
    deleted, updated, created = entries
    assert {e.actor for e in entries} == {"editor-user"} and created.actor_id == editor.id
    assert created.before is None and created.after["code"] == "NLM"
    assert updated.before["city"] is None and updated.after["city"] == "Ulaanbaatar"
    assert deleted.before["city"] == "Ulaanbaatar" and deleted.after is None


def test_audit_log_is_for_staff_only(seeded: Registry, staff: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        seeded.audit_log(ANONYMOUS)
    assert seeded.audit_log(staff["viewer"], actor="cli:seed", limit=3)


def test_only_admins_manage_users(registry: Registry, staff: dict[str, User]) -> None:
    for role in ("viewer", "editor"):
        with pytest.raises(PermissionDenied):
            registry.accounts.create_user(staff[role], "newcomer", "long enough password", "admin")
    registry.accounts.create_user(staff["admin"], "newcomer", "long enough password", "viewer")
    entry = registry.audit_log(staff["admin"], entity="user", key="newcomer")[0]
    assert entry.after == {"username": "newcomer", "role": "viewer", "disabled": False}
    assert entry.actor == "admin-user"


def test_passwords_are_stored_as_argon2_hashes(registry: Registry, staff: dict[str, User], database: str) -> None:
    stored = (
        Database.at(database).connect()
        .execute("SELECT password_hash FROM reg_users WHERE username = 'editor-user'")
        .fetchone()[0]
    )
    assert stored.startswith("$argon2id$") and "editor password" not in stored
    assert registry.accounts.authenticate("editor-user", "editor password 123") == staff["editor"]
    assert registry.accounts.authenticate("editor-user", "wrong password 123") is None
    assert registry.accounts.authenticate("nobody", "editor password 123") is None


def test_bad_account_input_is_explained(registry: Registry, admin: User) -> None:
    with pytest.raises(AuthError, match="at least 10 characters"):
        registry.accounts.create_user(admin, "shorty", "short")
    with pytest.raises(AuthError, match="unknown role 'owner'"):
        registry.accounts.create_user(admin, "owner", "long enough password", "owner")
    registry.accounts.create_user(admin, "twice", "long enough password")
    with pytest.raises(AuthError, match="already taken"):
        registry.accounts.create_user(admin, "twice", "long enough password")


def test_demoted_or_disabled_accounts_lose_their_rights_at_once(seeded: Registry, staff, admin) -> None:
    editor = staff["editor"]
    seeded.accounts.set_role(admin, "editor-user", "viewer")
    with pytest.raises(PermissionDenied):
        seeded.save(editor, _institution())  # the User object still says "editor"
    seeded.accounts.disable_user(admin, "editor-user")
    assert seeded.accounts.authenticate("editor-user", "editor password 123") is None
    with pytest.raises(PermissionDenied, match="disabled"):
        seeded.save(editor, _institution())


def test_api_tokens(seeded: Registry, staff: dict[str, User], database: str) -> None:
    token = seeded.accounts.create_token(staff["admin"], "editor-user", "nightly import")
    assert seeded.accounts.token_user(token) == staff["editor"]
    assert seeded.save(seeded.accounts.token_user(token), _institution()) == "created"
    stored = (
        Database.at(database).connect()
        .execute("SELECT token_hash FROM reg_tokens")
        .fetchone()[0]
    )
    assert token not in stored
    assert seeded.accounts.token_user(token + "x") is None and seeded.accounts.token_user(None) is None
    with pytest.raises(PermissionDenied):
        seeded.accounts.create_token(staff["viewer"], "editor-user", "stolen")
    assert seeded.accounts.revoke_token(staff["editor"], token)
    assert seeded.accounts.token_user(token) is None


def test_sessions_expire_and_end(registry: Registry, staff: dict[str, User]) -> None:
    session = registry.accounts.start_session(staff["editor"])
    assert registry.accounts.session_user(session.id) == staff["editor"]
    expired = registry.accounts.start_session(staff["editor"], lifetime=timedelta(seconds=-1))
    assert registry.accounts.session_user(expired.id) is None
    registry.accounts.end_session(session.id)
    assert registry.accounts.session_user(session.id) is None
    with pytest.raises(AuthError):
        registry.accounts.start_session(ANONYMOUS)


def test_csrf_token_is_required_for_form_writes(seeded: Registry, staff: dict[str, User]) -> None:
    session = seeded.accounts.start_session(staff["editor"])
    other = seeded.accounts.start_session(staff["editor"])
    assert session.csrf_token == csrf_token_for(session.id) and verify_csrf(session.id, session.csrf_token)
    for wrong in (None, "", "0" * 64, other.csrf_token):
        with pytest.raises(CsrfError):
            seeded.accounts.form_user(session.id, wrong)
    user = seeded.accounts.form_user(session.id, session.csrf_token)
    assert seeded.save(user, _institution()) == "created"
    # No session: the form is anonymous, and anonymous writes are refused.
    assert seeded.accounts.form_user(None, None) is ANONYMOUS
    with pytest.raises(PermissionDenied):
        seeded.save(seeded.accounts.form_user("forged-session", session.csrf_token), _institution(code="NLX"))
