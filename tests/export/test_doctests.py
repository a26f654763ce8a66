"""The examples in the export and protocol modules' docstrings are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["tongwen.export", "tongwen.export.common", "tongwen.export.dc", "tongwen.export.marcxml",
           "tongwen.export.jsonld", "tongwen.export.citations", "tongwen.export.cite", "tongwen.export.table",
           "tongwen.web.record_actions", "tongwen.protocols.cql",
           "tongwen.protocols.oai_provider", "tongwen.protocols.sru", "tongwen.protocols.iiif"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
