"""The examples in the harvest modules' and the IIIF reader's docstrings run as tests."""

from __future__ import annotations

import doctest

import pytest

from tongwen.harvest import http, oai, sources
from tongwen.ingest import iiif


@pytest.mark.parametrize("module", [sources, http, oai, iiif], ids=lambda m: m.__name__)
def test_docstring_examples(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
