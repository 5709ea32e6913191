"""Fixtures for the PRISMA tests: the screening fixture folder (``review``, from
tests/conftest.py) reduced to other scenarios.

``tests/data/screening/review`` is a small, complete screening folder built from the
bibliographic data of the review (Rizkita, Sudarmiati & Pratikto 2026) and of its source
reports (Fitriani et al. 2023; Suryawijaya & Wardhani 2023 and its preprint; Fathiya): two
databases (Scopus RIS, Web of Science BibTeX), backward citation searching (CSV), the
previous version's included studies (CSV with study_id), two reviewers who disagree, an
Excel-saved reviewer file (cp1252, ';', CRLF), consensus files and an audit of the previous
studies.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def drop_rows(path: str, *ids: str) -> None:
    """Remove the rows starting with ``ids`` from a CSV, keeping its bytes otherwise."""
    raw = Path(path).read_bytes()
    nl = b"\r\n" if b"\r\n" in raw else b"\n"
    keep = [ln for ln in raw.split(nl)
            if not any(ln.startswith(i.encode() + sep) for i in ids for sep in (b",", b";"))]
    Path(path).write_bytes(nl.join(keep))


TA = ("review/title_abstract/ana.csv", "review/title_abstract/budi.csv")
FT = ("review/full_text/ana.csv", "review/full_text/budi.csv")


@pytest.fixture
def drop():
    """The row-removing helper, for tests that take a decision away."""
    return drop_rows


@pytest.fixture
def databases_only(review) -> Path:
    """The review folder reduced to its two databases (no citations, no previous version)."""
    drop_rows("review/sources.csv", "citations", "previous")
    for p in TA + FT:
        drop_rows(p, "C02", "C03", "C04")
    Path("review/previous_audit.csv").unlink()
    return review


@pytest.fixture
def databases_and_other(review) -> Path:
    """The review folder without the previous version."""
    drop_rows("review/sources.csv", "previous")
    Path("review/previous_audit.csv").unlink()
    return review
