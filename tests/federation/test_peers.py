"""`tongwen peers add|list|remove` and the peers file, as an administrator uses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tongwen.cli import main
from tongwen.config import Settings
from tongwen.federation.peers import Peer, PeersFileError, load_peers


@pytest.fixture
def tongwen(tmp_path: Path):
    runner = CliRunner()

    def run(*args: str, expect: int = 0):
        result = runner.invoke(main, ["--data", str(tmp_path), *args], catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return " ".join(result.output.split())

    return run


def test_add_list_and_remove_peers(tongwen, tmp_path: Path) -> None:
    assert "No peers yet" in tongwen("peers", "list")
    assert "Added the peer NLK" in tongwen("peers", "add", "https://portal.nl.go.kr/tongwen/", "--institution", "NLK")
    tongwen("peers", "add", "http://127.0.0.1:8002", "--name", "NDL")
    tongwen("peers", "add", "http://[::1]:8003")
    peers = load_peers(Settings(data_dir=tmp_path).peers_path)
    assert {name: peer.url for name, peer in peers.items()} == {
        "NLK": "https://portal.nl.go.kr/tongwen", "NDL": "http://127.0.0.1:8002", "1-8003": "http://[::1]:8003"}
    assert peers["NLK"].institution == "NLK"
    listed = tongwen("peers")
    assert "https://portal.nl.go.kr/tongwen" in listed and "NDL" in listed
    tongwen("peers", "remove", "NDL")
    assert set(load_peers(tmp_path / "peers.toml")) == {"NLK", "1-8003"}


@pytest.mark.parametrize(("url", "options", "says"), [
    ("ftp://portal.example.org", [], "must start with http:// or https://"),
    ("https://", [], "names no host"),
    ("http://portal.example.org:99999", [], "is not a URL"),
    ("https://user:secret@portal.example.org", [], "user name or password"),
    ("https://portal.example.org/api/search", [], "base URL (https://portal.example.org), not its /api/search"),
    ("https://portal.example.org/search?q=x", [], "?query or #fragment"),
    ("https://portal.example.org", ["--name", "local"], "names this node's own hits"),
    ("https://portal.example.org", ["--name", "N L K"], "a name is up to 64 letters"),
])
def test_a_bad_peer_is_refused_with_what_to_change(tongwen, tmp_path: Path, url, options, says) -> None:
    assert says in tongwen("peers", "add", url, *options, expect=1)
    assert not (tmp_path / "peers.toml").exists()


def test_one_name_and_one_url_per_peer(tongwen) -> None:
    tongwen("peers", "add", "https://a.example.org", "--name", "NLK")
    assert "already a peer 'NLK'" in tongwen("peers", "add", "https://b.example.org", "--name", "NLK", expect=1)
    assert "already the peer 'NLK'" in tongwen("peers", "add", "https://a.example.org", "--name", "X", expect=1)
    tongwen("peers", "add", "https://b.example.org", "--name", "NLK", "--replace")
    assert "https://b.example.org" in tongwen("peers", "list")
    assert "no peer 'NDL' in the peers file (known: NLK)" in tongwen("peers", "remove", "NDL", expect=1)


def test_a_hand_edited_file_with_mistakes_is_named(tmp_path: Path) -> None:
    path = tmp_path / "peers.toml"
    path.write_text('[peers.NLK]\nurl = "https://a.example.org"\nport = 80\n', encoding="utf-8")
    with pytest.raises(PeersFileError, match=r"\[peers.NLK\]: unknown keys \['port'\]"):
        load_peers(path)
    path.write_text('[peers.NLK]\nurl = "gopher://a"\n', encoding="utf-8")
    with pytest.raises(PeersFileError, match="peer 'NLK': the URL 'gopher://a' must start with http"):
        load_peers(path)
    path.write_text("[peers.NLK\n", encoding="utf-8")
    with pytest.raises(PeersFileError, match="cannot read the peers file"):
        load_peers(path)


def test_record_links_point_at_the_peers_own_record_page() -> None:
    peer = Peer("NLK", "https://portal.example.org/tongwen/")
    assert peer.record_url("nlk-demo:nlk0003") == "https://portal.example.org/tongwen/record/nlk-demo:nlk0003"
    assert peer.record_url("x/1 #2") == "https://portal.example.org/tongwen/record/x%2F1%20%232"
