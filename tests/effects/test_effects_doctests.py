"""The examples in the docstrings of reviewlib.effects run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["parsing", "conversions", "resolve", "convert", "checks", "table", "analysis",
           "samples", "pooling", "sensitivity"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"reviewlib.effects.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
