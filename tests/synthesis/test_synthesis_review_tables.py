"""The review's tables in extraction/review/: loading, validation and citation checks."""

from __future__ import annotations

import csv

import pytest

from reviewlib.errors import InputError, UsageError
from reviewlib.synthesis import (DRIVERS, REVIEW_TABLES, check_data_citations, load_bib,
                                 load_review_table, read_bib)
from synthhelpers import BIB, EXAMPLE, copy_review_tables, make_project


@pytest.mark.parametrize("name", sorted(REVIEW_TABLES))
def test_every_review_table_loads_with_all_rows(name):
    spec = REVIEW_TABLES[name]
    frame = load_review_table(name, EXAMPLE)
    with open(EXAMPLE / "extraction" / "review" / spec.file, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(frame) == len(rows) > 0
    assert list(frame.columns[:len(spec.columns)]) == list(spec.columns)
    assert frame[spec.key].tolist() == [r[spec.key].strip() for r in rows]


def test_tables_match_what_the_review_reports():
    # Counts printed in the review: 3 objectives (Table 1), 4 synergy pairings (Table 2),
    # 7 features (Table 3), 4 risks (Table 4), 3 gaps (Table 5), strings (a)-(d), 4 stages.
    assert len(load_review_table("objectives", EXAMPLE)) == 3
    assert len(load_review_table("synergies", EXAMPLE)) == 4
    assert len(load_review_table("regional_comparison", EXAMPLE)) == 7
    assert len(load_review_table("risks", EXAMPLE)) == 4
    assert len(load_review_table("gaps", EXAMPLE)) == 3
    assert load_review_table("search_strings", EXAMPLE)["string"].tolist() == list("abcd")
    nodes = load_review_table("ecosystem_nodes", EXAMPLE)
    assert nodes.sort_values("stage")["node"].tolist() == list(DRIVERS)


def test_a_missing_citation_key_is_reported_with_its_place(tmp_path):
    folder = copy_review_tables(tmp_path)
    path = folder / "risks.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("evanita2023analysis", "evanita2023nosuchkey", 1),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_review_table("risks", tmp_path)
    (problem,) = caught.value.problems
    assert problem.path.endswith("risks.csv")
    assert (problem.line, problem.column) == (2, 5)
    assert "evanita2023nosuchkey" in problem.message
    # The same file stops the project-wide check, which the book runs while it builds.
    with pytest.raises(InputError, match=r"risks\.csv:2:5: citation key 'evanita2023nosuchkey'"):
        check_data_citations(tmp_path, load_bib(tmp_path))


def test_structural_problems_are_all_reported(tmp_path):
    folder = copy_review_tables(tmp_path)
    (folder / "synergies.csv").write_text(
        "pairing,drivers,mechanism,effect,sources\n"
        "A,cbec;drones,m,e,alomoush2025role\n"     # unknown driver code
        "A,ugc,,e,alomoush2025role\n"              # repeated key, empty mechanism
        "B,ugc,m,e,\n",                            # no source
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_review_table("synergies", tmp_path)
    found = {(p.line, p.column, p.message.split(" ")[0]) for p in caught.value.problems}
    assert (2, 2, "'drones'") in found
    assert (3, 1, "pairing") in found
    assert (3, 3, "'mechanism'") in found
    assert (4, 5, "'sources'") in found


def test_a_missing_column_names_what_is_needed(tmp_path):
    folder = copy_review_tables(tmp_path)
    (folder / "gaps.csv").write_text("gap,description,sources\nG1,x,alomoush2025role\n",
                                     encoding="utf-8")
    with pytest.raises(InputError, match="missing column.*direction"):
        load_review_table("gaps", tmp_path)


def test_unknown_table_name_is_a_usage_error():
    with pytest.raises(UsageError, match="objectives"):
        load_review_table("nonsense", EXAMPLE)


def test_every_data_file_of_the_repository_cites_known_keys():
    checked = check_data_citations(EXAMPLE, load_bib(EXAMPLE))
    names = {p.name for p in checked}
    assert {"studies.csv", "effects.csv", "synergies.csv", "risks.csv"} <= names


def test_studies_reports_column_is_checked_too(tmp_path):
    make_project(tmp_path)
    (tmp_path / "extraction").mkdir()
    (tmp_path / "extraction" / "studies.csv").write_text(
        "study_id,reports,region,drivers\ns1,alpha2020first;nobody1900x,Asia,cbec\n",
        encoding="utf-8")
    with pytest.raises(InputError, match=r"studies\.csv:2:2: citation key 'nobody1900x'"):
        check_data_citations(tmp_path, read_bib(tmp_path / "references.bib"))


def test_bib_labels_and_duplicate_keys(tmp_path):
    entries = read_bib(make_project(tmp_path) / "references.bib")
    assert entries["alpha2020first"].label == "Alpha et al. 2020"
    assert entries["delta2021second"].label == "Delta 2021"
    assert entries["alpha2020first"].anchor == "cite-alpha2020first"
    assert entries["delta2021second"].line == 8
    (tmp_path / "twice.bib").write_text(BIB + BIB.split("\n\n")[0] + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="'alpha2020first' is defined twice"):
        read_bib(tmp_path / "twice.bib")


def test_same_author_year_labels_get_letters():
    entries = read_bib(EXAMPLE / "references.bib")
    assert entries["suryawijaya2023tailoringa"].label.endswith("2023a")
    assert entries["suryawijaya2023tailoringb"].label.endswith("2023b")
