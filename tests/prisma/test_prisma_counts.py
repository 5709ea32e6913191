"""PRISMA 2020 counts on three scenarios built from the review folder, and the identities.

The review folder (tests/data/screening/review; see conftest.py) has, by hand:

Identification
    Scopus 7 records (S01-S07), Web of Science 4 (W01-W04): database_results = 11.
    Citation searching 4 (C01-C04). Previous version: 4 reports (P01-P04) of 3 studies
    (P02 and P03 share study anatan2023).
    Deduplication merges W01 into S01 (same DOI) and C01 into W04 (same DOI): the 11
    database records make 10 deduplicated records -> duplicates = 11 - 10 = 1; the 4
    citation records leave 3 found only by citation searching -> other_duplicates = 1.
Screening, databases
    records_screened = 10. Excluded: S03 and W03 (both reviewers), S04 (consensus)
    -> records_excluded = 3, dbr_sought_reports = 10 - 3 = 7 (S01 S02 S05 S06 S07 W02 W04).
    S06 not retrieved -> dbr_notretrieved_reports = 1, dbr_assessed = 6.
    S07 excluded for "design" -> dbr_excluded = [("Review, editorial or opinion piece", 1)].
    Included reports S01 S02 W02 S05 W04 = 5, studies fitriani2023, suryawijaya2023 (two
    reports), hung2022, kurniasih2019 = 4.
Screening, other methods
    C03 excluded on the title check -> other_not_sought = 1; other_sought_reports = 3 - 1 = 2
    (C02, C04); C04 not retrieved -> other_notretrieved_reports = 1, other_assessed = 1;
    C02 included (study fathiya).
Included
    new_reports = 5 + 1 = 6, new_studies = 4 + 1 = 5.
    Audit: P04 out of scope -> previous_excluded_studies = 1, previous_excluded_reports = 1.
    total_studies = 3 - 1 + 5 = 7, total_reports = 4 - 1 + 6 = 9.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewlib.errors import InputError
from reviewlib.prisma import ScreeningIncomplete
from reviewlib.prisma import COUNT_KEYS, LIST_KEYS, prisma_counts

TA = ("review/title_abstract/ana.csv", "review/title_abstract/budi.csv")
FT = ("review/full_text/ana.csv", "review/full_text/budi.csv")


DATABASES = {
    "database_results": 11, "register_results": 0, "duplicates": 1,
    "excluded_automatic": 0, "excluded_other": 0, "records_screened": 10,
    "records_excluded": 3, "dbr_sought_reports": 7, "dbr_notretrieved_reports": 1,
    "dbr_assessed": 6,
}


def test_databases_only(databases_only):
    p = prisma_counts(databases_only)
    assert {k: p[k] for k in DATABASES} == DATABASES
    assert p["database_specific_results"] == [("Scopus", 7),
                                              ("Web of Science Core Collection", 4)]
    assert p["dbr_excluded"] == [("Review, editorial or opinion piece", 1)]
    assert (p["new_studies"], p["new_reports"]) == (4, 5)
    assert (p["total_studies"], p["total_reports"]) == (4, 5)
    # boxes that do not apply are None (NA in the R template), not 0
    for k in ("website_results", "organisation_results", "citations_results",
              "other_sought_reports", "other_notretrieved_reports", "other_assessed",
              "previous_studies", "previous_reports"):
        assert p[k] is None, k
    assert not p.has_other and not p.has_previous


def test_databases_and_other_methods(databases_and_other):
    p = prisma_counts(databases_and_other)
    assert {k: p[k] for k in DATABASES} == DATABASES
    assert {k: p[k] for k in ("website_results", "organisation_results", "citations_results",
                              "other_results", "other_duplicates", "other_not_sought",
                              "other_sought_reports", "other_notretrieved_reports",
                              "other_assessed")} == {
        "website_results": 0, "organisation_results": 0, "citations_results": 4,
        "other_results": 0, "other_duplicates": 1, "other_not_sought": 1,
        "other_sought_reports": 2, "other_notretrieved_reports": 1, "other_assessed": 1}
    assert p["other_excluded"] == []
    assert (p["new_studies"], p["new_reports"]) == (5, 6)
    assert (p["total_studies"], p["total_reports"]) == (5, 6)
    assert p["previous_studies"] is None


def test_updated_review_with_previous_studies(review):
    p = prisma_counts(review)
    assert {k: p[k] for k in DATABASES} == DATABASES
    assert (p["previous_studies"], p["previous_reports"]) == (3, 4)
    assert (p["previous_excluded_studies"], p["previous_excluded_reports"]) == (1, 1)
    assert (p["new_studies"], p["new_reports"]) == (5, 6)
    assert (p["total_studies"], p["total_reports"]) == (7, 9)
    d = p.to_dict()
    assert set(COUNT_KEYS + LIST_KEYS) <= set(d)
    json.dumps(d)   # JSON-ready
    assert d["records_by_type"] == {"database": 11, "citation": 4, "previous": 4}
    assert [(x["source_id"], x["records"], x["duplicates_removed"]) for x in d["sources"]] == [
        ("scopus", 7, 0), ("wos", 4, 1), ("citations", 4, 1), ("previous", 4, None)]


def test_new_report_of_a_previous_study_adds_a_report_not_a_study(review):
    # C02 turns out to be a later report of the previous version's study anatan2023
    for p in FT:
        text = Path(p).read_text()
        Path(p).write_text(text.replace(",fathiya,", ",anatan2023,"))
    p = prisma_counts(review)
    assert (p["new_studies"], p["new_reports"]) == (4, 6)
    # previous studies still in scope: 3 - 1 = 2; total = 2 + 4 studies, 3 + 6 reports
    assert (p["total_studies"], p["total_reports"]) == (6, 9)


def test_unscreened_record_breaks_the_screening_identity(review, drop):
    for p in TA + FT:
        drop(p, "S07")
    with pytest.raises(InputError) as e:
        prisma_counts(review)
    assert [str(x) for x in e.value.problems] == [
        "review/title_abstract: records identified from databases and registers (11) "
        "differ from duplicates (1, from deduplication) + removed before screening (0, from "
        "removed.csv) + screened (9, from the title/abstract files); records without a "
        "title/abstract decision: S07"]
    # a review in progress, not a broken file: the error says so and how much is left
    assert isinstance(e.value, ScreeningIncomplete)
    assert e.value.waiting == {"title_abstract": 1, "full_text_awaiting": 0,
                               "full_text_pending": 0, "full_text_conflicts": 0}
    assert e.value.summary == "1 record awaits a title/abstract decision"


def test_missing_full_text_row_breaks_the_retrieval_identity(review, drop):
    for p in FT:
        drop(p, "W02")
    with pytest.raises(InputError) as e:
        prisma_counts(review)
    assert [str(x) for x in e.value.problems] == [
        "review/full_text: reports sought for retrieval (databases and registers: 7) differ "
        "from not retrieved (1) + assessed (5); no full-text row: W02"]
    assert isinstance(e.value, ScreeningIncomplete)
    assert e.value.summary == "1 report awaits retrieval or a full-text decision"


def test_unsettled_full_text_conflict_and_pending_assessment(review):
    Path("review/full_text/consensus.csv").unlink()
    text = Path(FT[0]).read_text().replace("C02,yes,include,,fathiya,", "C02,yes,,,,")
    Path(FT[0]).write_text(text)
    with pytest.raises(InputError) as e:
        prisma_counts(review)
    assert [str(x) for x in e.value.problems] == [
        "review/full_text: reports sought for retrieval (databases and registers: 7) differ "
        "from not retrieved (1) + assessed (5); reviewers disagree and "
        "full_text/consensus.csv does not settle it: W04",
        "review/full_text: reports sought for retrieval (other methods: 2) differ from not "
        "retrieved (1) + assessed (0); retrieved but not assessed: C02"]
    assert e.value.summary == ("1 retrieved report awaits its full-text decision; "
                               "1 full-text disagreement awaits a consensus")


def test_prisma_refuses_a_folder_that_check_rejects(review):
    Path(TA[0]).write_text(Path(TA[0]).read_text().replace("S01,include", "S01,yes"))
    with pytest.raises(InputError) as e:
        prisma_counts(review)
    assert [str(x) for x in e.value.problems] == [
        "review/title_abstract/ana.csv:2:2: decision 'yes' is not one of include, exclude, "
        "maybe"]


def test_a_copy_of_the_folder_elsewhere_gives_the_same_counts(review, tmp_path):
    import shutil
    here = prisma_counts(review).to_dict()
    far = tmp_path / "somewhere" / "else"
    shutil.copytree(review, far)
    assert prisma_counts(far).to_dict() == here


def test_a_loaded_folder_with_problems_is_refused(review):
    from reviewlib.screening import load_folder
    Path(FT[0]).write_text(Path(FT[0]).read_text() + "S03,yes,exclude,design,,\n")
    folder = load_folder(review)          # loaded, not checked: cross-stage rule not run yet
    with pytest.raises(InputError) as e:
        prisma_counts(folder)
    assert [str(x) for x in e.value.problems] == [
        "review/full_text/ana.csv:11:1: record 'S03' was excluded at title/abstract by every "
        "reviewer (ana=exclude; budi=exclude); it has no full text to assess"]


@pytest.mark.parametrize("kind, key", [("website", "website_results"),
                                       ("organisation", "organisation_results"),
                                       ("other", "other_results")])
def test_each_other_method_type_has_its_own_box(review, kind, key):
    text = Path("review/sources.csv").read_text()
    Path("review/sources.csv").write_text(text.replace("citations,citation,", f"citations,{kind},"))
    p = prisma_counts(review)
    assert p[key] == 4
    others = {"website_results", "organisation_results", "citations_results",
              "other_results"} - {key}
    assert all(p[k] == 0 for k in others)
    # the rest of the other-methods column does not depend on the kind of source
    assert (p["other_sought_reports"], p["other_assessed"], p["new_studies"]) == (2, 1, 5)


def test_registers_are_counted_apart_from_databases(review):
    text = Path("review/sources.csv").read_text()
    Path("review/sources.csv").write_text(text.replace("wos,database,", "wos,register,"))
    p = prisma_counts(review)
    assert (p["database_results"], p["register_results"], p["duplicates"]) == (7, 4, 1)
    assert p["database_specific_results"] == [("Scopus", 7)]
    assert p["register_specific_results"] == [("Web of Science Core Collection", 4)]
