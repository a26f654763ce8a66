"""The examples in the docstrings of tongwen/cjk are part of the suite."""

import doctest
import importlib

import pytest

MODULES = ["text", "variants", "korean", "japanese", "chinese", "romanize", "analysis", "scripts", "places",
           "collation", "eras", "yomi", "learned_readings"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"tongwen.cjk.{name}")
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0
