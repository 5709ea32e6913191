"""Small project folders for the synthesis tests."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: A frozen copy of the example review's data (tests/data/example/README.md). Tests that
#: count rows or read particular effects use it, never the live data reviewers edit.
EXAMPLE = REPO / "tests" / "data" / "example"

BIB = """@article{alpha2020first,
  author = {Alpha, Ann and Beta, Bob and Gamma, Cy},
  title = {First},
  journal = {J},
  year = {2020},
}

@article{delta2021second,
  author = {Delta, Dee},
  title = {Second},
  journal = {J},
  year = {2021},
}
"""


def make_project(root: Path, bib: str = BIB) -> Path:
    """A folder that project_root() accepts, with the repository's review tables."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text("title: test\n", encoding="utf-8")
    (root / "references.bib").write_text(bib, encoding="utf-8")
    return root


def copy_review_tables(root: Path) -> Path:
    """Copy extraction/review/ and references.bib of the example into ``root``."""
    make_project(root, (EXAMPLE / "references.bib").read_text(encoding="utf-8"))
    shutil.copytree(EXAMPLE / "extraction" / "review", root / "extraction" / "review")
    return root / "extraction" / "review"
