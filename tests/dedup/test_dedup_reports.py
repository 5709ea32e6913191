"""Reports of one study stay apart (related, never merged); distinct works stay distinct."""

from __future__ import annotations

import pandas as pd

from reviewlib.dedup import deduplicate
from reviewlib.io import read_records

from dedup_support import DATA


def test_preprint_and_journal_version_are_related_not_merged():
    """Suryawijaya & Wardhani (2023): the Preprints.org posting and the journal article."""
    frame = pd.concat([read_records(DATA / "suryawijaya2023_journal.ris").frame,
                       read_records(DATA / "suryawijaya2023_preprint.bib").frame], ignore_index=True)
    frame = frame.fillna("")
    result = deduplicate(frame, workers=1, progress=False)
    assert len(result.records) == 2 and len(result.duplicates) == 0
    assert result.related[["id_a", "id_b", "relation"]].values.tolist() == [
        ["suryawijaya2023journal", "suryawijaya2023preprint", "preprint"]]
    assert len(result.maybe) == 0


def test_review_bibliography_has_no_duplicates():
    """The review's reference list and its source reports: 65 distinct works, one of which
    (the Suryawijaya preprint) is a second report of another."""
    frame = read_records(DATA / "review_bibliography.bib").frame.fillna("")
    result = deduplicate(frame, workers=1, progress=False)
    assert len(result.records) == len(frame) == 65
    assert len(result.duplicates) == 0
    assert result.related["relation"].tolist() == ["preprint"]


def test_records_without_title_are_kept_and_reported():
    frame = pd.DataFrame({"id": ["a", "b", "c"], "title": ["", "", "A real title of a study"],
                          "author": ["Lee, A"] * 3, "year": ["2020"] * 3, "doi": ["10.1000/x", "10.1000/x", ""]})
    result = deduplicate(frame, workers=1, progress=False)
    assert result.untitled == ["a", "b"]
    assert sorted(result.records["id"]) == ["a", "b", "c"]
    # the shared DOI is shown to a person instead of merging two records nobody can read
    assert result.maybe[["id_a", "id_b"]].values.tolist() == [["a", "b"]]
