"""Shared test settings.

Optional external programs (R's ``Rscript`` for reading our PRISMA2020 template the way the
R package reads it) are skipped on a developer's machine that lacks them, but their absence
FAILS the run in CI (``CI`` set), so a green CI always means the check ran.
"""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (and in CI), so a result never depends
# on the luck of the draw; each test's own @settings adds to this profile.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.load_profile("repeatable")


def require_program(name: str) -> str:
    """Return the path of ``name``; skip locally, fail in CI, when it is not installed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (on Debian: see .ci/run for the package)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run this test", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(name="require_program")
def _require_program_fixture():
    """The :func:`require_program` check, as a fixture for tests in any folder."""
    return require_program


#: A small, complete screening folder built from the bibliographic data of the review
#: (Rizkita, Sudarmiati & Pratikto 2026) and of its source reports: two databases (Scopus
#: RIS, Web of Science BibTeX), backward citation searching (CSV), the previous version's
#: included studies, two reviewers who disagree, an Excel-saved reviewer file (cp1252, ';',
#: CRLF), consensus files and an audit of the previous studies.
SCREENING_REVIEW = Path(__file__).resolve().parent / "data" / "screening" / "review"


@pytest.fixture
def review(tmp_path, monkeypatch) -> Path:
    """A private copy of the screening fixture folder, reachable as the relative path ``review``."""
    shutil.copytree(SCREENING_REVIEW, tmp_path / "review")
    monkeypatch.chdir(tmp_path)
    return Path("review")
