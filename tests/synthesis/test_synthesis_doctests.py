"""The runnable examples in reviewlib.synthesis docstrings give what they show."""

from __future__ import annotations

import doctest
import importlib

import matplotlib
import pytest

matplotlib.use("Agg")

MODULES = ["bib", "citations", "codebook", "ecosystem", "evidence", "inventory", "labels", "paths",
           "quantitative",
           "render", "review", "sphinx_ext"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"reviewlib.synthesis.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
