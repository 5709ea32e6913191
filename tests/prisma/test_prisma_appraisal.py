"""Studies excluded after quality appraisal (appraisal/excluded.csv next to the screening
folder).

The review folder's counts by hand are in test_prisma_counts.py: 7 studies in total
(fauzi2022, anatan2023 with reports P02 and P03, fitriani2023, suryawijaya2023 with S02 and
W02, hung2022, kurniasih2019, fathiya) and 9 reports. tests/data/prisma/workspace excludes
suryawijaya2023 (2 reports), hung2022 (1) and anatan2023 (2) after appraisal, two of them
for the same reason. By hand: excluded_appraisal = 3, their reports = 5, total_studies =
7 - 3 = 4, total_reports = 9 - 5 = 4; every other box is unchanged.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from reviewlib.cli import main
from reviewlib.errors import InputError
from reviewlib.prisma import check_identities, draw, prisma_counts, save, template_frame

WORKSPACE = Path(__file__).resolve().parents[1] / "data" / "prisma" / "workspace"
EXCLUDED = "appraisal/excluded.csv"
CONFOUNDERS = "confounders neither identified nor handled (JBI items 5 and 6)"
EXPOSURE = "exposure or outcome not measured validly (JBI items 3 and 7)"


@pytest.fixture
def workspace(review) -> Path:
    """The review folder with the fixture's appraisal and extraction folders beside it."""
    for name in ("appraisal", "extraction"):
        shutil.copytree(WORKSPACE / name, name)
    return review


def _text(fig) -> str:
    parts = [a.get_text() for a in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return " ".join(" ".join(parts).split())


def test_studies_excluded_after_appraisal_leave_the_totals(workspace):
    p = prisma_counts(workspace)
    assert (p["excluded_appraisal"], p["excluded_appraisal_reports"]) == (3, 5)
    assert (p["total_studies"], p["total_reports"]) == (4, 4)
    assert p.appraisal_excluded == [("suryawijaya2023", CONFOUNDERS), ("hung2022", EXPOSURE),
                                    ("anatan2023", CONFOUNDERS)]
    assert p.appraisal_reasons == [(CONFOUNDERS, 2), (EXPOSURE, 1)]
    d = p.to_dict()
    assert (d["excluded_appraisal"], d["excluded_appraisal_reports"]) == (3, 5)
    assert d["appraisal_reasons"] == [{"label": CONFOUNDERS, "n": 2},
                                      {"label": EXPOSURE, "n": 1}]
    # the screening boxes do not move
    Path(EXCLUDED).unlink()
    before = prisma_counts(workspace).to_dict()
    assert (before["total_studies"], before["total_reports"]) == (7, 9)
    changed = {k for k in before if before[k] != d[k]}
    assert changed == {"total_studies", "total_reports"}


def test_the_identity_includes_the_exclusions(workspace):
    p = prisma_counts(workspace)
    assert check_identities(p) == []
    wrong = dataclasses.replace(p, counts={**p.counts, "excluded_appraisal": 2})
    assert any("excluded after appraisal" in x.message for x in check_identities(wrong))
    more = dataclasses.replace(p, counts={**p.counts, "total_studies": 5, "total_reports": 8,
                                          "excluded_appraisal": 2,
                                          "excluded_appraisal_reports": 1})
    assert [x.message for x in check_identities(more)] == [
        "more studies excluded after appraisal (2) than reports of them (1)"]


def test_the_r_template_keeps_its_rows(workspace):
    rows = template_frame(prisma_counts(workspace)).set_index("data")
    assert (rows.loc["total_studies", "n"], rows.loc["total_reports", "n"]) == ("4", "4")
    Path(EXCLUDED).unlink()
    plain = template_frame(prisma_counts(workspace))
    assert list(plain["data"]) == list(rows.index)


@pytest.mark.parametrize("study, line, what", [
    ("halim2020", 5, "not a study included in the review"),   # previous, out of scope
    ("kurniasih2019", 5, "not appraised"),                     # included, not appraised
])
def test_a_study_that_cannot_be_excluded_is_an_error(workspace, study, line, what):
    with open(EXCLUDED, "a", encoding="utf-8") as f:
        f.write(f"{study},low quality\n")
    with pytest.raises(InputError) as e:
        prisma_counts(workspace)
    (problem,) = e.value.problems
    assert (Path(problem.path), problem.line, problem.column) == (Path(EXCLUDED), line, 1)
    assert study in problem.message and what in problem.message


def test_an_appraisal_folder_with_problems_is_reported(workspace):
    Path("appraisal/tools.csv").unlink()
    with pytest.raises(InputError) as e:
        prisma_counts(workspace)
    assert any(Path(x.path) == Path("appraisal/tools.csv") for x in e.value.problems)


def test_the_diagram_has_a_box_for_the_exclusions(workspace, tmp_path):
    out = save(prisma_counts(workspace), tmp_path / "prisma.svg")
    svg = out.read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).replace("\u00a0", " ").split())
    assert "Studies excluded after quality appraisal (n = 3):" in text
    assert f"{CONFOUNDERS} (n = 2)" in " ".join(_text(draw(prisma_counts(workspace))).split())
    assert "Total studies included in review (n = 4)" in text


def test_without_a_previous_version_the_diagram_gains_a_final_box(databases_only):
    for name in ("appraisal", "extraction"):
        shutil.copytree(WORKSPACE / name, name)
    Path(EXCLUDED).write_text(f"study_id,reason\nsuryawijaya2023,{CONFOUNDERS}\n",
                              encoding="utf-8")
    p = prisma_counts(databases_only)
    assert (p["new_studies"], p["new_reports"]) == (4, 5)
    assert (p["total_studies"], p["total_reports"], p["excluded_appraisal"]) == (3, 3, 1)
    text = _text(draw(p))
    assert "Studies meeting the eligibility criteria (n = 4)" in text
    assert "Studies excluded after quality appraisal (n = 1):" in text
    assert "Studies included in review (n = 3)" in text


@pytest.mark.parametrize("content", [None, "", "study_id,reason\n", "\ufeffstudy_id,reason\r\n"])
def test_no_listed_study_changes_nothing(review, tmp_path, capsys, content):
    assert main(["prisma", "review", "--json", "--svg", str(tmp_path / "plain.svg")]) == 0
    plain = capsys.readouterr().out
    plain_svg = (tmp_path / "plain.svg").read_bytes()
    if content is not None:
        for name in ("appraisal", "extraction"):
            shutil.copytree(WORKSPACE / name, name)
        Path(EXCLUDED).write_text(content, encoding="utf-8")
    assert main(["prisma", "review", "--json", "--svg", str(tmp_path / "again.svg")]) == 0
    again = capsys.readouterr().out
    assert again == plain and "appraisal" not in json.loads(again).__repr__()
    assert (tmp_path / "again.svg").read_bytes() == plain_svg
    assert "quality appraisal" not in plain_svg.decode()


def test_a_malformed_exclusion_file_is_reported_at_its_place(workspace):
    Path(EXCLUDED).write_text("study_id,reason\nhung2022\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        prisma_counts(workspace)
    places = {(Path(x.path), x.line, x.column) for x in e.value.problems}
    assert places == {(Path(EXCLUDED), 2, 2)}
