"""Eligibility from coded criteria: decisions derived from per-criterion judgements.

The tests add ``criteria.csv`` and coded files to a copy of the screening fixture folder
(tests/data/screening/review); its reasons.csv defines the codes topic, population, design
(title/abstract), population, design, drivers (full text) and not_msme (audit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewlib.prisma import prisma_counts
from reviewlib.screening import (check_folder, criteria_agreement, criteria_summary,
                                 full_text_status, load_folder, previous_audit_status,
                                 title_abstract_status)
from reviewlib.screening.eligibility import check_eligibility

CRITERIA = ("criterion,label,description,reason_no,reason_unclear\n"
            "topic,E-commerce or digital marketing,the study is about selling or marketing "
            "online,topic,\n"
            "population,MSMEs,\"micro, small or medium enterprises\",population,msme_unclear\n"
            "design,Empirical,an empirical study,design,\n")
AUDIT_REASONS = ("topic,audit,Not about e-commerce\n"
                 "population,audit,Not about MSMEs\n"
                 "design,audit,Not empirical\n"
                 "msme_unclear,audit,The record does not show the firms' size\n")


def write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


@pytest.fixture
def coded(review):
    """The fixture folder with criteria.csv, audit reasons for every criterion, a coded
    title/abstract file for a third reviewer and a coded audit."""
    write("review/criteria.csv", CRITERIA)
    with open("review/reasons.csv", "a", encoding="utf-8") as fh:
        fh.write(AUDIT_REASONS.replace("population,audit", "not_msme_x,audit"))
    write("review/title_abstract/cara.csv",
          "record_id,topic,population,design,note\n"
          "S01,yes,yes,yes,\n"
          "S03,no,,,building energy\n"                       # fails the first criterion
          "S04,yes,no,unclear,consumers only\n"
          "S05,yes,unclear,yes,firm size not stated\n"
          "S06,Yes,unclear,no,opinion piece\n")              # a later no beats an unclear
    write("review/previous_audit.csv",
          "record_id,topic,population,design,note\n"
          "P01,yes,yes,yes,\n"
          "P02,yes,unclear,yes,\n"
          "P03,yes,unclear,unclear,conference abstract\n"
          "P04,yes,no,,consumer purchase intentions only\n")
    return review


def test_decisions_and_verdicts_are_derived_from_the_criteria(coded):
    folder, problems = check_folder(coded)
    assert [str(p) for p in problems] == [
        # population's reason_no is not an audit code: named at the criterion's cell
        "review/previous_audit.csv:5:3: the reason of criterion 'population' in criteria.csv, "
        "'population' is not an audit code of reasons.csv"]
    cara = next(d for d in folder.decisions if d.reviewer == "cara").frame
    got = cara[["record_id", "decision", "reason", "criterion"]].values.tolist()
    assert got == [["S01", "include", "", ""],
                   ["S03", "exclude", "topic", "topic"],
                   ["S04", "exclude", "population", "population"],
                   ["S05", "maybe", "", "population"],
                   ["S06", "exclude", "design", "design"]]
    assert list(cara["topic"]) == ["yes", "no", "yes", "yes", "yes"]     # "Yes" normalised
    audit = folder.audit[["record_id", "verdict", "reason", "criterion"]].values.tolist()
    assert audit == [["P01", "in_scope", "", ""],
                     ["P02", "unclear", "msme_unclear", "population"],
                     ["P03", "unclear", "msme_unclear", "population"],
                     ["P04", "out_of_scope", "population", "population"]]


def test_coded_files_feed_the_screening_rules_and_prisma(coded):
    with open("review/reasons.csv", "a", encoding="utf-8") as fh:
        fh.write("population,audit,Not about MSMEs\n")
    folder, problems = check_folder(coded)
    assert problems == []
    ta = title_abstract_status(folder).set_index("record_id")
    # ana and budi said include for S04; cara's coded no makes it a conflict
    assert ta.loc["S04", "decisions"] == "ana=exclude; budi=include; cara=exclude"
    assert bool(ta.loc["S04", "conflict"])
    assert "cara=maybe" in ta.loc["S05", "decisions"]
    a = previous_audit_status(folder)
    assert a.set_index("record_id").loc["P04", "label"] == "Not about MSMEs"
    c = prisma_counts(coded)
    assert (c["previous_reports"], c["previous_excluded_reports"]) == (4, 1)
    # recoding P04 as unclear on population keeps it in: the total follows the codes
    text = Path("review/previous_audit.csv").read_text().replace(
        "P04,yes,no,,", "P04,yes,unclear,yes,")
    write("review/previous_audit.csv", text)
    c2 = prisma_counts(coded)
    assert c2["previous_excluded_reports"] == 0
    assert c2["total_reports"] == c["total_reports"] + 1


def test_coded_full_text(coded):
    with open("review/reasons.csv", "a", encoding="utf-8") as fh:
        fh.write("population,audit,Not about MSMEs\ntopic,full_text,Not about e-commerce\n")
    write("review/full_text/ana.csv",
          "record_id,retrieved,topic,population,design,study_id,note\n"
          "S01,yes,yes,yes,yes,fitriani2023,\n"
          "S02,yes,,,,suryawijaya2023,journal version; not assessed yet\n"
          "W02,yes,yes,yes,yes,suryawijaya2023,preprint of the same study\n"
          "S05,yes,yes,unclear,yes,hung2022,firm size still unclear\n"
          "S06,no,,,,,paywalled\n"
          "S07,yes,yes,yes,no,,\n"
          "W04,yes,yes,yes,yes,kurniasih2019,\n"
          "C02,yes,yes,yes,yes,fathiya,supplied by the author\n"
          "C04,no,,,,,book chapter not available\n")
    folder, problems = check_folder(coded)
    assert problems == []
    ft = full_text_status(folder).set_index("record_id")
    assert ft.loc["S07", "decisions"] == "ana=exclude (design); budi=exclude (design)"
    assert ft.loc["S06", "status"] == "not_retrieved"
    # unclear at full text leaves the assessment pending
    assert ft.loc["S05", "status"] == "pending"
    assert ft.loc["S02", "status"] == "pending"      # retrieved, no criterion coded yet


def test_bad_codes_are_reported_at_their_cell(coded):
    write("review/criteria.csv", CRITERIA + "design,Twice,,design,\n"
                                            "Bad Name,x,,topic,\n")
    write("review/title_abstract/cara.csv",
          "record_id,topic,population,design,note\n"
          "S01,yes,perhaps,yes,\n"
          "S03,,no,yes,\n"
          "S04,no,,,\n")
    write("review/title_abstract/dewi.csv",
          "record_id,topic,design,note\n"
          "S01,yes,yes,\n")
    write("review/title_abstract/eko.csv",
          "record_id,decision,reason,topic,population,design,note\n"
          "S01,include,,yes,yes,yes,\n")
    write("review/full_text/budi.csv",
          "record_id,retrieved,topic,population,design,study_id,note\n"
          "S06,no,yes,,,,\n")
    problems = [str(p) for p in check_folder(coded)[1]]
    for expected in [
        "review/criteria.csv:5:1: criterion 'design' already declared on line 4",
        "review/criteria.csv:6:1: criterion 'Bad Name' must be a lower-case name (letters, "
        "digits, _), used as a column of the coded files",
        "review/title_abstract/cara.csv:2:3: criterion 'population': 'perhaps' is not one of "
        "yes, no, unclear",
        "review/title_abstract/cara.csv:3:2: criterion 'topic' is empty: code yes, no or "
        "unclear (a criterion may be left empty only after one coded no)",
        "review/full_text/budi.csv:2:3: a report that was not retrieved cannot be assessed: "
        "leave its criteria empty",
    ]:
        assert expected in problems
    # a coded file needs every criterion; a file with decision columns is the decision form
    assert any(p.startswith("review/title_abstract/dewi.csv:1:") and "missing population"
               in p for p in problems)
    assert any(p.startswith("review/title_abstract/eko.csv:1:") and "unexpected 'topic'"
               in p for p in problems)
    assert not any(p.startswith("review/title_abstract/cara.csv:4:") for p in problems)


def test_check_eligibility_needs_no_deduplication(coded):
    write("review/title_abstract/cara.csv",
          "record_id,topic,population,design,note\n"
          "S01,yes,maybe,yes,\n")
    assert [str(p) for p in check_eligibility(coded)] == [
        "review/title_abstract/cara.csv:2:3: criterion 'population': 'maybe' is not one of "
        "yes, no, unclear"]
    # a workspace (holding screening/) is accepted as well as the screening folder
    import shutil
    shutil.copytree("review", "ws/screening")
    assert [str(p) for p in check_eligibility("ws")] == [
        "ws/screening/title_abstract/cara.csv:2:3: criterion 'population': 'maybe' is not "
        "one of yes, no, unclear"]
    with open("review/criteria.csv", "a", encoding="utf-8") as fh:
        fh.write("period,Period,,wrong_period,\n")
    assert [str(p) for p in check_eligibility(coded)] == [
        "review/criteria.csv:5:4: reason_no 'wrong_period' is not a code of reasons.csv",
        "review/previous_audit.csv:1: coded file without column(s) period",
        "review/title_abstract/cara.csv:1: coded file without column(s) period"]
    write("review/full_text/budi.csv",
          "record_id,retrieved,topic,population,design,period,study_id,note\n"
          "S06,no,yes,,,,,\n")
    assert "review/full_text/budi.csv:2:3: a report that was not retrieved cannot be " \
           "assessed: leave its criteria empty" in map(str, check_eligibility(coded))
    Path("review/criteria.csv").unlink()     # without criteria nothing is coded
    assert check_eligibility(coded) == []


def test_old_and_coded_forms_side_by_side_give_the_same_outcome(review):
    before = title_abstract_status(load_folder(review))
    write("review/criteria.csv", CRITERIA)
    write("review/title_abstract/ana.csv",
          "record_id,topic,population,design,note\n"
          "S01,yes,yes,yes,\nS02,yes,yes,yes,\nS03,no,,,building energy\n"
          "S04,yes,no,,consumers only\nS05,yes,unclear,yes,influencers and sales\n"
          "S06,yes,yes,yes,\nS07,yes,yes,yes,\nW02,yes,yes,yes,preprint of S02\n"
          "W03,no,,,\nW04,yes,unclear,yes,personal shoppers as sellers?\n"
          "C03,no,,,title check of a citation record\n")
    after = title_abstract_status(load_folder(review))
    assert after.equals(before)


def test_agreement_and_counts_per_criterion(coded):
    write("review/title_abstract/dewi.csv",
          "record_id,topic,population,design,note\n"
          "S01,yes,yes,yes,\nS03,no,,,\nS04,yes,no,,\nS05,yes,yes,yes,\n"
          "S06,yes,unclear,yes,\n")
    folder = load_folder(coded)
    k = criteria_agreement(folder).set_index("criterion")
    assert (k["reviewer_a"] + "/" + k["reviewer_b"]).unique().tolist() == ["cara/dewi"]
    # topic: 5 shared records, all agree, two categories used -> kappa 1
    assert k.loc["topic", "n"] == 5 and k.loc["topic", "kappa"] == pytest.approx(1.0)
    # population: S03 empty for both; cara y,n,u,u and dewi y,n,y,u on S01,S04,S05,S06:
    # p_o = 3/4, p_e = (1*2 + 1*1 + 2*1) / 16 = 5/16, kappa = (3/4 - 5/16) / (11/16) = 7/11
    assert k.loc["population", "n"] == 4
    assert k.loc["population", "agreement"] == pytest.approx(0.75)
    assert k.loc["population", "kappa"] == pytest.approx(7 / 11)
    # design: S04 is coded by cara only (dewi stopped at the no on population)
    assert k.loc["design", "n"] == 3
    assert k.loc["design", "agreement"] == pytest.approx(2 / 3)
    # cara on population: S01 yes, S04 no, S05 and S06 unclear, S03 not coded; it decides
    # S04 (no) and S05 (first unclear), not S06, where the later no on design decides
    s = criteria_summary(folder.files("title_abstract")[2].frame, folder.criteria)
    assert s.set_index("criterion").loc["population", ["yes", "no", "unclear", "not_coded",
                                                       "decisive"]].tolist() == [1, 1, 2, 1, 2]
