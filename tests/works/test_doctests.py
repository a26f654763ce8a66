"""The examples in the docstrings of tongwen/works are part of the suite."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["keys", "cluster", "store"])
def test_docstring_examples(name):
    module = importlib.import_module(f"tongwen.works.{name}")
    failures, tried = doctest.testmod(module)
    assert tried > 0
    assert failures == 0
