"""Fixtures: a private copy of the review's screening folder for each test that alters it.

``tests/data/screening/review`` is a small, complete screening folder built from the
bibliographic data of the review (Rizkita, Sudarmiati & Pratikto 2026) and of its source
reports (Fitriani et al. 2023; Suryawijaya & Wardhani 2023 and its preprint; Fathiya): two
databases (Scopus RIS, Web of Science BibTeX), backward citation searching (CSV), the
previous version's included studies (CSV with study_id), two reviewers who disagree, an
Excel-saved reviewer file (cp1252, ';', CRLF), consensus files and an audit of the previous
studies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REVIEW = Path(__file__).resolve().parents[1] / "data" / "screening" / "review"


@pytest.fixture
def review(tmp_path, monkeypatch) -> Path:
    """A copy of the review folder, reachable as the relative path ``review``."""
    shutil.copytree(REVIEW, tmp_path / "review")
    monkeypatch.chdir(tmp_path)
    return Path("review")
