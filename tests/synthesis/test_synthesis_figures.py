"""Ecosystem diagram, evidence map and data inventory, on the repository's real data."""

from __future__ import annotations

import csv
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from reviewlib.errors import InputError, UsageError  # noqa: E402
from reviewlib.synthesis import (DRIVERS, data_inventory, driver_matrix,  # noqa: E402
                                 drivers_per_study, ecosystem_figure, evidence_counts,
                                 evidence_heatmap, figure_image, load_bib,
                                 load_review_table, load_studies, study_labels,
                                 study_matrix_figure)
from synthhelpers import REPO, make_project  # noqa: E402


def _studies_by_hand() -> list[dict]:
    with open(REPO / "extraction" / "studies.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_ecosystem_boxes_follow_stage_order_and_every_edge_is_drawn():
    nodes = load_review_table("ecosystem_nodes", REPO)
    edges = load_review_table("ecosystem_edges", REPO)
    fig = ecosystem_figure(nodes.iloc[::-1], edges)     # row order must not matter
    ax = fig.axes[0]
    centres = ax.reviewlib_centres
    assert sorted(centres, key=centres.get) == list(DRIVERS)
    n_feedback = int((edges["kind"] == "feedback").sum())
    n_flow = int((edges["kind"] == "flow").sum())
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == n_feedback
    texts = {t.get_text().replace("\n", " ") for t in ax.texts}
    for carries in edges["carries"]:
        assert any(carries in t or t in carries for t in texts)
    # flow arrows plus one arrowhead per feedback loop, plus the stage boxes
    assert len(ax.patches) == len(nodes) + n_flow + n_feedback
    plt.close(fig)


def test_ecosystem_rejects_edges_to_unknown_stages():
    nodes = load_review_table("ecosystem_nodes", REPO)
    edges = load_review_table("ecosystem_edges", REPO).copy()
    edges.loc[0, "to_node"] = "drones"
    with pytest.raises(UsageError, match="drones"):
        ecosystem_figure(nodes, edges)


def test_evidence_counts_match_a_count_by_hand():
    studies = load_studies(REPO)
    rows = _studies_by_hand()
    assert len(studies) == len(rows)
    counts = evidence_counts(studies)
    for region in counts.index:
        mine = [r for r in rows if (r["region"] or "not reported") == region]
        assert counts.loc[region, "studies"] == len(mine)
        for d in DRIVERS:
            assert counts.loc[region, d] == sum(d in r["drivers"].split(";") for r in mine)
        assert counts.loc[region, "none named"] == sum(not r["drivers"] for r in mine)
    assert counts["studies"].is_monotonic_decreasing
    per = drivers_per_study(studies)
    assert per.sum() == len(rows)
    assert per.loc[0] == sum(not r["drivers"] for r in rows)


def test_driver_matrix_and_labels():
    studies = load_studies(REPO)
    matrix = driver_matrix(studies)
    assert list(matrix.columns) == list(DRIVERS)
    assert set(matrix.to_numpy().ravel()) <= {0, 1}
    labels = study_labels(studies, load_bib(REPO))
    fitriani = studies.index[studies["study_id"] == "fitriani2023social"][0]
    assert labels[fitriani] == "Fitriani et al. 2023 (not included)"


def test_evidence_figures_render(tmp_path):
    studies = load_studies(REPO)
    fig = evidence_heatmap(evidence_counts(studies), title="all")
    image = figure_image(fig)
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)         # figure_image closes the figure
    some = studies[studies["drivers"] != ""]
    fig = study_matrix_figure(some)
    assert len(fig.axes[0].get_yticklabels()) == len(some)
    plt.close(fig)


def test_bad_driver_code_in_studies_is_located(tmp_path):
    make_project(tmp_path)
    (tmp_path / "extraction").mkdir()
    (tmp_path / "extraction" / "studies.csv").write_text(
        "study_id,reports,region,drivers\na,,China,cbec\na,,China,ugc;blogs\n",
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_studies(tmp_path)
    where = {(p.line, p.column) for p in caught.value.problems}
    assert where == {(3, 1), (3, 4)}


def test_inventory_lists_every_data_file():
    inventory = data_inventory(REPO)
    expected = set()
    for folder in ("screening", "extraction"):
        for dirpath, dirnames, filenames in os.walk(REPO / folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if not name.startswith("."):
                    rel = os.path.relpath(os.path.join(dirpath, name), REPO)
                    expected.add(rel.replace(os.sep, "/"))
    assert set(inventory["file"]) == expected
    row = inventory.set_index("file").loc["extraction/studies.csv"]
    assert int(row["rows"]) == len(_studies_by_hand())
    assert int(row["columns"]) == 13


def test_inventory_marks_unreadable_tables(tmp_path):
    make_project(tmp_path)
    (tmp_path / "extraction").mkdir()
    (tmp_path / "extraction" / "bad.csv").write_text('a,b\n"open,1\n', encoding="utf-8")
    (tmp_path / "extraction" / "notes.txt").write_text("hello", encoding="utf-8")
    inv = data_inventory(tmp_path).set_index("file")
    assert inv.loc["extraction/bad.csv", "rows"] == "unreadable"
    assert inv.loc["extraction/notes.txt", "rows"] == ""
    assert isinstance(inv, pd.DataFrame)


def test_driver_coverage_counts_each_driver_once_per_study():
    from reviewlib.synthesis import driver_coverage

    rows = _studies_by_hand()
    cov = driver_coverage(load_studies(REPO)).set_index("driver")
    for d in DRIVERS:
        assert cov.loc[d, "studies"] == sum(d in r["drivers"].split(";") for r in rows)
        assert cov.loc[d, "included"] == sum(d in r["drivers"].split(";") and
                                             r["included"] == "yes" for r in rows)


def test_study_matrix_column_names_do_not_run_into_each_other():
    # The driver names above the grid were once rotated and collided; each must now sit
    # in its own horizontal span.
    studies = load_studies(REPO)
    some = studies[studies["drivers"] != ""].copy()
    some["label"] = study_labels(some, load_bib(REPO))
    fig = study_matrix_figure(some, label="label")
    renderer = fig.canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels()),
                   key=lambda b: b.x0)
    assert len(boxes) == len(DRIVERS)
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 < right.x0, (left, right)
    plt.close(fig)
