"""Fixtures for the harvester tests: real OAI-PMH peers on 127.0.0.1 and a real temporary store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from oai_peers import PyoaiRepository

from tongwen.harvest import Fetcher, RetryPolicy
from tongwen.store import Store

# Short waits so that retries do not slow the suite; Retry-After is still honoured as sent.
QUICK_RETRIES = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05, timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "tongwen.sqlite") as opened:
        yield opened


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(QUICK_RETRIES) as opened:
        yield opened


@pytest.fixture
def aozora(shared_data: Path) -> PyoaiRepository:
    """400 Aozora Bunko works (Japanese titles and names), datestamped by their publication on Aozora."""
    return PyoaiRepository.from_aozora(shared_data, limit=400)
