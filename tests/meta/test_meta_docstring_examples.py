"""The runnable examples in reviewlib.meta's docstrings give the results they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["results", "influence", "bias", "regression", "subgroups", "plots", "multilevel"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(f"reviewlib.meta.{name}")
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert attempted > 0 and failed == 0
