"""No library test reads the live review data that reviewers edit.

Tests that pin counts of the example review read its frozen copy in ``tests/data/example/``.
Only the book tests (``tests/book/``) read the live folders, to compare the built HTML with
the data it was built from; ``reviewlib check`` guards the live data itself.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

#: A path built from the repository root into a live data folder or the live bibliography.
LIVE = re.compile(r'\b(?:REPO|ROOT)\s*/\s*"(?:screening|extraction|references\.bib)"')


def test_library_tests_use_fixtures_not_the_live_data():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        rel = path.relative_to(TESTS)
        if rel.parts[0] in ("book", "data"):
            continue
        text = path.read_text(encoding="utf-8")
        root_is_repo = re.search(r"^(?:REPO|ROOT)\s*=\s*Path\(__file__\)\.resolve\(\)\.parents\[\d\]\s*$",
                                 text, re.MULTILINE)
        for lineno, line in enumerate(text.splitlines(), start=1):
            if LIVE.search(line) and root_is_repo:
                offenders.append(f"{rel}:{lineno}: {line.strip()}")
    assert offenders == [], "\n".join(offenders)
