"""The codebook as data: codes, labels and order come from a CSV, not from Python.

Fixtures: tests/data/synthesis/codebook.csv (the four drivers of the example review with
other labels, plus a fifth driver ``live``) and tests/data/synthesis/studies.csv.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from reviewlib.errors import InputError  # noqa: E402
from reviewlib.synthesis import (DRIVERS, check_codebook, driver_coverage,  # noqa: E402
                                 driver_matrix, drivers_per_study, evidence_counts,
                                 load_codebook, load_review_table, load_studies,
                                 study_matrix_figure)
from reviewlib.synthesis.codebook import DEFAULT_CODEBOOK, read_codebook  # noqa: E402

from synthhelpers import copy_review_tables, make_project  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "synthesis"


@pytest.fixture
def project(tmp_path) -> Path:
    """A project with the fixture codebook and studies."""
    make_project(tmp_path)
    (tmp_path / "extraction" / "review").mkdir(parents=True)
    shutil.copy(DATA / "codebook.csv", tmp_path / "extraction" / "review" / "codebook.csv")
    shutil.copy(DATA / "studies.csv", tmp_path / "extraction" / "studies.csv")
    return tmp_path


def test_codes_follow_the_order_column_and_labels_come_from_the_file(project):
    book = load_codebook(project)
    assert book.codes("driver") == ("cbec", "influencer", "ugc", "personal_shopper", "live")
    assert book.labels("driver")["ugc"] == "Customer content"
    assert book.codes("design") == ("survey", "case study")


def test_a_new_driver_code_reaches_every_synthesis_table(project):
    studies = load_studies(project)
    assert list(driver_matrix(studies).columns) == ["cbec", "influencer", "ugc",
                                                    "personal_shopper", "live"]
    coverage = driver_coverage(studies).set_index("driver")
    assert coverage.loc["live", "label"] == "Live-stream selling"
    assert coverage.loc["live", ["studies", "included"]].tolist() == [2, 2]
    assert coverage.loc["ugc", ["studies", "included"]].tolist() == [1, 0]
    counts = evidence_counts(studies)
    assert counts.loc["China", "live"] == 2 and counts.loc["China", "studies"] == 2
    # 0 to 5 drivers: the distribution has a slot for each possible number
    assert drivers_per_study(studies).tolist() == [1, 1, 2, 0, 0, 0]
    fig = study_matrix_figure(studies)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][-1] == "Live-stream\nselling"


def test_review_tables_accept_codes_the_codebook_declares(tmp_path):
    review = copy_review_tables(tmp_path)
    shutil.copy(DATA / "codebook.csv", review / "codebook.csv")
    text = (review / "synergies.csv").read_text(encoding="utf-8")
    header, first, *rest = text.split("\n")
    cells = first.split(",")
    col = header.split(",").index("drivers")
    cells[col] = "live;ugc"
    (review / "synergies.csv").write_text("\n".join([header, ",".join(cells), *rest]),
                                          encoding="utf-8")
    assert "live;ugc" in set(load_review_table("synergies", tmp_path)["drivers"])
    cells[col] = "podcast"
    (review / "synergies.csv").write_text("\n".join([header, ",".join(cells), *rest]),
                                          encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_review_table("synergies", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{review / 'synergies.csv'}:2:{col + 1}: 'podcast' is not a driver code of "
        f"{review / 'codebook.csv'} (cbec, influencer, ugc, personal_shopper, live)"]


def test_unknown_codes_in_studies_are_errors_at_their_cell(project):
    path = project / "extraction" / "studies.csv"
    path.write_text(path.read_text(encoding="utf-8")
                    .replace("s2,,China,live,case study", "s2,,Chna,live;vlog,interview"),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_studies(project)
    book = project / "extraction" / "review" / "codebook.csv"
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:3: 'Chna' is not a region code of {book} "
        "(China, Southeast Asia, not stated)",
        f"{path}:3:4: 'vlog' is not a driver code of {book} "
        "(cbec, influencer, ugc, personal_shopper, live)",
        f"{path}:3:5: 'interview' is not a design code of {book} (survey, case study)"]
    assert [(p.line, p.column) for p in check_codebook(project)] == [(3, 3), (3, 4), (3, 5)]


def test_codebook_problems_are_located(project):
    book = project / "extraction" / "review" / "codebook.csv"
    book.write_text("dimension,code,label,description,order\n"
                    "region,China,China,,1\n"
                    "region,China,China again,,2\n"
                    "region,a;b,Two,,x\n"
                    "design,survey,,,1\n", encoding="utf-8")
    got = [str(p) for p in read_codebook(book)[1]]
    assert got == [
        f"{book}:3:2: code 'China' of dimension 'region' already declared on line 2",
        f"{book}:4:2: code 'a;b' contains ';', which separates codes in a cell",
        f"{book}:4:5: order 'x' is not a whole number",
        f"{book}:5:3: 'label' is empty"]
    with pytest.raises(InputError):
        load_codebook(project)


def test_a_review_without_a_codebook_gets_the_packaged_default(project):
    (project / "extraction" / "review" / "codebook.csv").unlink()
    (project / "extraction" / "studies.csv").write_text(
        "study_id,reports,region,drivers\ns1,,China,cbec;ugc\n", encoding="utf-8")
    assert load_codebook(project).path == str(DEFAULT_CODEBOOK)
    assert list(driver_matrix(load_studies(project)).columns) == list(DRIVERS)
    assert check_codebook(project) == []


def test_the_codebook_rewords_packaged_labels_and_describes_files(project):
    from reviewlib.synthesis import labels

    with open(project / "extraction" / "review" / "codebook.csv", "a", encoding="utf-8") as fh:
        fh.write("verdict,unclear,not settled by the record,,\n"
                 "data_file,extraction/review/*.csv,tables copied from the review,,\n"
                 "prisma_box,new_box,a box of our own,,\n")
    book = load_codebook(project)
    verdicts = labels.wording("verdict", book)
    assert verdicts["unclear"] == "not settled by the record"
    assert verdicts["out_of_scope"] == labels.VERDICTS["out_of_scope"]     # packaged
    assert labels.wording("prisma_box", book)["new_box"] == "a box of our own"
    # the review's own description wins over the packaged pattern
    assert labels.describe_file("extraction/review/risks.csv", book) == \
        "tables copied from the review"
    assert labels.describe_file("extraction/review/risks.csv") == \
        labels.DATA_FILES["extraction/review/*.csv"]


def test_an_empty_codebook_is_valid_and_every_filled_coded_cell_is_then_an_error(project):
    (project / "extraction" / "review" / "codebook.csv").write_text(
        "dimension,code,label,description,order\n", encoding="utf-8")
    assert load_codebook(project).codes("driver") == ()
    studies = project / "extraction" / "studies.csv"
    studies.write_text("study_id,reports,region,drivers\ns1,,,\n", encoding="utf-8")
    assert driver_coverage(load_studies(project)).empty
    fig = study_matrix_figure(load_studies(project))      # says so instead of failing
    assert fig.axes[0].texts[0].get_text() == "no driver codes in the codebook"
    studies.write_text("study_id,reports,region,drivers\ns1,,China,\n", encoding="utf-8")
    assert [str(p) for p in check_codebook(project)] == [
        f"{studies}:2:3: 'China' is not a region code of "
        f"{project / 'extraction' / 'review' / 'codebook.csv'} (none declared)"]
