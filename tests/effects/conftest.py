"""Fixtures for the worked examples: the real rows of Fitriani et al. (2023) Tables 3-5 and
Suryawijaya & Wardhani (2023) Table 3, loaded and checked once per module."""

from pathlib import Path

import pytest

from reviewlib.effects import check, load_effects

DATA = Path(__file__).parents[1] / "data" / "effects" / "effects.csv"


@pytest.fixture(scope="module")
def table():
    return load_effects(DATA)


@pytest.fixture(scope="module")
def findings(table):
    return check(table)

