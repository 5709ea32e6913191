"""Rule-level cases as data (tests/data/dedup/cases.json): two records, one expected outcome."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from reviewlib.dedup import deduplicate

from dedup_support import DATA

CASES = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))


def outcome(result) -> str:
    if len(result.records) == 1:
        return "same"
    return "related" if len(result.related) else "different"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    frame = pd.DataFrame(case["records"]).fillna("").astype(str)
    result = deduplicate(frame, workers=1, progress=False)
    assert outcome(result) == case["expected"], case["note"]
    if case["expected"] == "same":
        # the pair is named by a duplicate rule, never by a fallback
        assert result.duplicates["rule"].iloc[0] not in ("", "linked")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_is_symmetric(case):
    """Swapping the two records (and their ids) does not change the outcome."""
    a, b = case["records"]
    swapped = pd.DataFrame([dict(b, id=a["id"]), dict(a, id=b["id"])]).fillna("").astype(str)
    assert outcome(deduplicate(swapped, workers=1, progress=False)) == case["expected"]


def test_cases_cover_every_outcome():
    assert {c["expected"] for c in CASES} == {"same", "related", "different"}
