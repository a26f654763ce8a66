"""The record page shows an item's preservation events to signed-in staff, and to nobody else."""

from __future__ import annotations

import re
from pathlib import Path

from argon2 import PasswordHasher
from click.testing import CliRunner
from fastapi.testclient import TestClient
from lxml import html

from tongwen.cli import main
from tongwen.config import Settings
from tongwen.registry import Registry, system_user
from tongwen.web.app import create_app

PASSWORD = "a long enough password"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
LUNYU, MENGZI = "kanripo:KR1h0004", "kanripo:KR1h0001"


def test_staff_see_what_was_done_to_keep_an_item_readers_do_not(shared_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    texts = sorted(str(p) for p in (shared_data / "kanripo-texts").glob("*/*.txt"))
    for args in (["import", *texts, "--source", "kanripo"], ["archive", LUNYU, "--to", str(tmp_path / "bags")],
                 ["fixity"]):
        result = CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    settings = Settings(data_dir=data)
    with Registry.open(settings.database, password_hasher=FAST_HASHER) as registry:
        registry.accounts.create_user(system_user("test"), "vera", PASSWORD, "viewer")
    app = create_app(settings)
    app.state.password_hasher = FAST_HASHER
    with TestClient(app) as client:
        assert "Preservation events" not in client.get(f"/record/{LUNYU}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/staff/login").text).group(1)
        client.post("/staff/login", data={"username": "vera", "password": PASSWORD, "csrf_token": token,
                                          "next": "/"}, follow_redirects=False)
        page = html.fromstring(client.get(f"/record/{LUNYU}").text)
        [section] = page.xpath('//section[@id="preservation"]')
        lines = [" ".join(li.text_content().split()) for li in section.xpath(".//li")]
        assert [line.split()[1:3] for line in lines] == [["archive", "—"], ["fixity", "check"]]
        assert "bag kanripo_KR1h0004: 690 page texts" in lines[0] and "success" in lines[1]
        never = html.fromstring(client.get(f"/record/{MENGZI}", params={"lang": "ja"}).text)
        assert "まだアーカイブされていません" in never.xpath('string(//section[@id="preservation"])')
