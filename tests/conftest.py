"""Shared test settings.

Optional external programs (R's ``Rscript`` for reading our PRISMA2020 template the way the
R package reads it) are skipped on a developer's machine that lacks them, but their absence
FAILS the run in CI (``CI`` set), so a green CI always means the check ran.
"""

import os
import shutil

import pytest


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
