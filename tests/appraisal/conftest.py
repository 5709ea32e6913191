from pathlib import Path

import pytest

from reviewlib.appraisal import load_folder

DATA = Path(__file__).resolve().parents[1] / "data" / "appraisal"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def dual():
    folder = load_folder(DATA / "dual" / "appraisal")
    assert folder.problems == []
    return folder
