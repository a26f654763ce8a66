"""Staff sign-in over real HTTP (uvicorn on loopback, httpx as the client): many wrong passwords throttle the
account with 429 and Retry-After, the right password is refused while it waits and accepted after, the audit
log shows the failures with the address, and the session cookie is SameSite=Strict, Secure over HTTPS."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from tongwen.config import Settings
from tongwen.registry import Registry, system_user
from tongwen.web.app import create_app

PASSWORD = "a long enough password"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.fixture(scope="module")
def signin_url(tmp_path_factory, serve_app):
    # A one-second first wait, so the test can see it pass; the default is 30 s.
    settings = Settings(data_dir=tmp_path_factory.mktemp("signin"), signin_delay=1.0).ensure()
    with Registry.open(settings.database, password_hasher=FAST_HASHER) as registry:
        for name, role in (("ada", "admin"), ("bo", "editor"), ("cy", "editor")):
            registry.accounts.create_user(system_user("test"), name, PASSWORD, role)
    app = create_app(settings)
    app.state.password_hasher = FAST_HASHER
    with serve_app(app) as url:
        yield url


def attempt(client: httpx.Client, username: str, password: str) -> httpx.Response:
    form = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token})


def test_many_wrong_passwords_throttle_then_the_right_one_works_after_the_wait(signin_url):
    with httpx.Client(base_url=signin_url, follow_redirects=True) as client:
        answers = [attempt(client, "bo", f"guess number {n}").status_code for n in range(12)]
        assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}  # five free tries, then waits
        refused = attempt(client, "bo", PASSWORD)
        assert refused.status_code == 429 and "tongwen_staff" not in refused.cookies
        assert 1 <= int(refused.headers["retry-after"]) <= 2
        assert "Too many failed sign-ins" in refused.text and "UTC" in refused.text
        time.sleep(int(refused.headers["retry-after"]) + 0.1)
        accepted = attempt(client, "bo", PASSWORD)
        assert accepted.status_code == 200 and str(accepted.url).endswith("/cooperation")
        assert "Signed in as bo" in accepted.text
        assert "Failed sign-ins since your last visit: 5, the last from 127.0.0.1" in accepted.text

    with httpx.Client(base_url=signin_url, follow_redirects=True) as admin:
        assert attempt(admin, "ada", PASSWORD).status_code == 200
        audit = admin.get("/api/registry/audit", params={"entity": "sign-in", "key": "bo"}).json()
        actions = [(e["action"], e["after"]["address"]) for e in audit]
        assert actions == [("signed-in", "127.0.0.1")] + [("failed", "127.0.0.1")] * 5
        page = admin.get("/staff/audit", params={"entity": "sign-in", "key": "bo"}).text
        assert page.count("<td>failed</td>") == 5


def test_sign_out_is_audited_and_cookies_are_strict_and_secure_behind_an_https_proxy(signin_url):
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (its default FORWARDED_ALLOW_IPS), as from a local proxy.
    proxied = {"X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=signin_url, headers=proxied) as client:
        form = client.get("/staff/login")
        login_cookie = form.headers["set-cookie"]
        assert "Secure" in login_cookie and "samesite=strict" in login_cookie.lower()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        # httpx keeps a Secure cookie from a plain-http address to itself, as a browser would: hand it over.
        signed_in = client.post("/staff/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token},
                                headers={"Cookie": login_cookie.split(";")[0]}, follow_redirects=False)
        assert signed_in.status_code == 303
        cookie = next(c for c in signed_in.headers.get_list("set-cookie") if c.startswith("tongwen_staff="))
        assert "Secure" in cookie and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
        session = cookie.split(";")[0].split("=", 1)[1]
    with httpx.Client(base_url=signin_url, cookies={"tongwen_staff": session}) as plain:
        page = plain.get("/cooperation").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert plain.post("/staff/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    with httpx.Client(base_url=signin_url, follow_redirects=True) as admin:
        attempt(admin, "ada", PASSWORD)
        audit = admin.get("/api/registry/audit", params={"entity": "sign-in", "key": "ada"}).json()
        assert [e["action"] for e in audit[:3]] == ["signed-in", "signed-out", "signed-in"]


@pytest.mark.browser
def test_in_a_real_browser_a_throttled_librarian_is_told_to_wait_and_then_warned(
        browser, signin_url, artifacts_dir: Path):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def sign_in(password: str) -> None:
        page.goto(signin_url + "/staff/login")
        page.get_by_label("Username").fill("cy")  # kept after a failure; fill() replaces it
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    for n in range(5):
        sign_in(f"wrong guess {n}")
        assert page.get_by_role("alert").inner_text() == "The username or password is wrong."
        assert page.get_by_label("Username").input_value() == "cy"  # no need to type it again
    sign_in(PASSWORD)  # right, but the account must wait
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("Too many failed sign-ins") and "Signed in as" not in page.content()
    page.screenshot(path=str(artifacts_dir / "registry-sign-in-throttled.png"), full_page=True)
    time.sleep(2.1)
    sign_in(PASSWORD)
    page.wait_for_url("**/cooperation")
    assert page.get_by_text("Signed in as cy").count() == 1
    notice = page.locator("#failed-sign-ins").inner_text()
    assert notice.startswith("Failed sign-ins since your last visit: 5, the last from 127.0.0.1 at ")
    cookie = next(c for c in context.cookies() if c["name"] == "tongwen_staff")
    assert cookie["sameSite"] == "Strict" and cookie["httpOnly"] and not cookie["secure"]  # plain http here
    page.screenshot(path=str(artifacts_dir / "registry-failed-sign-ins-notice.png"), full_page=True)
    context.close()
