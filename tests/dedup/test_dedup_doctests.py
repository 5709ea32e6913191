"""The examples in the docstrings of reviewlib.dedup run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["reviewlib.dedup", "reviewlib.dedup.prepare"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False, report=True)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
