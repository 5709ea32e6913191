"""The examples in the docstrings of reviewlib.io and reviewlib.records run and are right."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "reviewlib.io.atomic", "reviewlib.io.bibtex", "reviewlib.io.csvrecords",
    "reviewlib.io.csvwrite", "reviewlib.io.registry", "reviewlib.io.ris", "reviewlib.io.table",
    "reviewlib.io.text", "reviewlib.io.wos", "reviewlib.records.authors", "reviewlib.records.doi",
    "reviewlib.records.pages", "reviewlib.records.record", "reviewlib.records.title",
    "reviewlib.records.year",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=True)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
