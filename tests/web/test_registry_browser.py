"""The cooperation registry in a real headless Chromium (Debian's), driven by Playwright, on the demo: an editor
signs in, adds an activity through the form, and sees the per-year statistics and the timeline change."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from tongwen.registry import AuthError, Registry, system_user

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "browser-editor", "a long enough password"
TITLE = "NLB delegation studies the NLC's digital library"


@pytest.fixture(scope="module")
def editor(demo_settings) -> str:
    hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # cheap: a test account
    with Registry.open(demo_settings.database, password_hasher=hasher) as registry:
        try:
            registry.accounts.create_user(system_user("test"), EDITOR, PASSWORD, "editor")
        except AuthError:  # the session's data directory already has it (the module ran before)
            pass
    return EDITOR


def test_an_editor_adds_an_activity_and_the_figures_change(browser, live_server, editor, artifacts_dir):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/cooperation")
    per_year = page.locator("table.per-year")
    assert per_year.locator("#year-2015").count() == 0, "the seed has no activity in 2015"
    assert page.locator("a", has_text="Add an activity").count() == 0  # anonymous: no editing

    page.get_by_role("link", name="Staff sign-in").click()
    page.get_by_label("Username").fill(editor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/cooperation")
    assert page.get_by_text(f"Signed in as {editor}").count() == 1

    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Kind", exact=True).select_option("visit")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Date (YYYY, YYYY-MM or YYYY-MM-DD)").fill("2015-10")
    page.get_by_label("Host", exact=True).select_option("NLC")
    page.get_by_label("National Library Board, Singapore (NLB)").check()
    page.get_by_label("People taking part (optional)").fill("6")
    page.get_by_label("A document already in the registry").select_option("cdnlao-82")
    page.get_by_role("button", name="Add the activity").click()
    page.wait_for_url("**/cooperation/activities/**")
    assert page.locator("h1").inner_text() == TITLE
    assert page.get_by_role("status").count() == 1

    page.goto(live_server + "/cooperation")
    row = page.locator("table.per-year #year-2015")
    assert row.locator("td").nth(0).inner_text() == "1" and row.locator("td").nth(1).inner_text() == "6"
    page.screenshot(path=str(artifacts_dir / "registry-per-year-after-adding.png"), full_page=True)

    page.goto(live_server + "/cooperation/timeline?institution=NLB")
    year = page.locator("ol.timeline > li", has=page.locator("h3", has_text="2015"))
    assert year.get_by_role("link", name=TITLE).count() == 1
    page.goto(live_server + "/cooperation/pair/NLB/NLC")
    assert page.locator("table.per-year #year-2015").count() == 1
    page.screenshot(path=str(artifacts_dir / "registry-pair-nlb-nlc.png"), full_page=True)

    page.goto(live_server + "/cooperation/network")
    assert page.locator("svg title#network-title").count() == 1
    page.screenshot(path=str(artifacts_dir / "registry-network.png"), full_page=True)
    context.close()


def test_an_anonymous_visitor_cannot_add_activities(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/cooperation/activities/new")
    assert "/staff/login" in page.url  # sent to sign in; the form is never shown
    assert page.locator("form.registry-form input[name=title]").count() == 0
    context.close()
