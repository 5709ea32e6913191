"""The PRISMA2020 R template, the flow diagram, the PRISMA-S table and the command line."""

from __future__ import annotations

import csv
import subprocess
import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from reviewlib.cli import main
from reviewlib.prisma import (
    TEMPLATE_COLUMNS,
    draw,
    identification_by_type,
    prisma_counts,
    prisma_s_table,
    save,
    template_frame,
)
from reviewlib.screening import load_folder

#: data keys, nodes and boxes of the PRISMA2020 R package's inst/extdata/PRISMA.csv
#: (Haddaway et al. 2022; repository prisma-flowdiagram/PRISMA2020), in its row order.
R_TEMPLATE_KEYS = [
    ("NA", "node4", "prevstud"), ("previous_studies", "node5", "box1"),
    ("previous_reports", "NA", "box1"), ("NA", "node6", "newstud"),
    ("database_results", "node7", "box2"), ("database_specific_results", "NA", "box2"),
    ("register_results", "NA", "box2"), ("register_specific_results", "NA", "box2"),
    ("NA", "node16", "othstud"), ("website_results", "node17", "box11"),
    ("organisation_results", "NA", "box11"), ("citations_results", "NA", "box11"),
    ("duplicates", "node8", "box3"), ("excluded_automatic", "NA", "box3"),
    ("excluded_other", "NA", "box3"), ("records_screened", "node9", "box4"),
    ("records_excluded", "node10", "box5"), ("dbr_sought_reports", "node11", "box6"),
    ("dbr_notretrieved_reports", "node12", "box7"), ("other_sought_reports", "node18", "box12"),
    ("other_notretrieved_reports", "node19", "box13"), ("dbr_assessed", "node13", "box8"),
    ("dbr_excluded", "node14", "box9"), ("other_assessed", "node20", "box14"),
    ("other_excluded", "node21", "box15"), ("new_studies", "node15", "box10"),
    ("new_reports", "NA", "box10"), ("total_studies", "node22", "box16"),
    ("total_reports", "NA", "box16"), ("identification", "node1", "identification"),
    ("screening", "node2", "screening"), ("included", "node3", "included"),
]


def r_parse_list(text: str) -> list[tuple[str, str]]:
    """What PRISMA2020's PRISMA_data() makes of a 'reason, n; reason, n' cell:
    split on '; ', the reason is the text before the first ',', n the text after the last."""
    parts = text.split("; ")
    return [(p.split(",")[0], p.rsplit(",", 1)[1].strip()) for p in parts]


def test_template_has_the_r_package_rows_and_counts(review):
    p = prisma_counts(review)
    t = template_frame(p)
    assert list(t.columns) == TEMPLATE_COLUMNS
    assert [tuple(r) for r in t[["data", "node", "box"]].values[:32]] == R_TEMPLATE_KEYS
    n = dict(zip(t["data"], t["n"]))
    assert n["records_screened"] == "10" and n["duplicates"] == "1"
    assert n["total_studies"] == "7" and n["previous_reports"] == "4"
    # a ',' in a reason label would break the R package's parsing: it is replaced
    assert r_parse_list(n["dbr_excluded"]) == [("Review - editorial or opinion piece", "1")]
    assert r_parse_list(n["database_specific_results"]) == [
        ("Scopus", "7"), ("Web of Science Core Collection", "4")]


def test_template_marks_absent_columns_na(databases_only):
    n = dict(zip(*template_frame(prisma_counts(databases_only))[["data", "n"]].values.T))
    # NA makes PRISMA_flowdiagram() leave out the previous and other-methods columns
    for key in ("previous_studies", "previous_reports", "website_results",
                "organisation_results", "citations_results", "other_sought_reports",
                "other_excluded"):
        assert n[key] == "NA", key
    assert n["total_studies"] == "4" and n["register_specific_results"] == "0"


def test_written_template_is_canonical_csv_and_replaced_atomically(review, tmp_path):
    out = tmp_path / "prisma.csv"
    # an earlier export (stale counts) is replaced; any other file is not (test below)
    out.write_text(",".join(TEMPLATE_COLUMNS) + "\nduplicates,node8,box3,old,old,old,old,99\n")
    assert main(["prisma", "review", "--csv", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == TEMPLATE_COLUMNS
    assert len(rows) == 1 + len(R_TEMPLATE_KEYS)
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" not in out.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _inside(inner, outer, tol=1.0) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.x1 <= outer.x1 + tol
            and inner.y0 >= outer.y0 - tol and inner.y1 <= outer.y1 + tol)


@pytest.mark.parametrize("scenario", ["review", "databases_only", "databases_and_other"])
def test_every_text_sits_inside_its_box_and_boxes_do_not_overlap(scenario, request):
    fig = draw(prisma_counts(request.getfixturevalue(scenario)))
    try:
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        ax = fig.axes[0]
        boxes = [p.get_window_extent(r) for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
        fig_box = fig.bbox
        for text in ax.texts:
            tb = text.get_window_extent(r)
            assert _inside(tb, fig_box), text.get_text()
            assert any(_inside(tb, b) for b in boxes), text.get_text()
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b) or a.width < 1 or b.width < 1
    finally:
        plt.close(fig)


def test_diagram_shows_the_counts_and_reasons(review, tmp_path):
    svg = save(prisma_counts(review), tmp_path / "prisma.svg")
    text = svg.read_text(encoding="utf-8").replace("\u00a0", " ")
    for needle in ("Identification of new studies via databases and registers",
                   "Identification of new studies via other methods", "Previous studies",
                   "Records screened", "(n = 10)", "Scopus (n = 7)",
                   "Review, editorial or opinion piece", "Citation searching (n = 4)",
                   "Total studies included in review (n = 7)",
                   "Reports of total included studies (n = 9)"):
        assert needle in text, needle
    png = save(prisma_counts(review), tmp_path / "prisma.png", dpi=72)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # same counts, same bytes
    again = save(prisma_counts(review), tmp_path / "again.svg")
    assert again.read_bytes() == svg.read_bytes()


def test_prisma_s_table(review):
    folder = load_folder(review)
    t = prisma_s_table(folder)
    assert t[["source_id", "type", "records"]].values.tolist() == [
        ["scopus", "database", 7], ["wos", "database", 4], ["citations", "citation", 4],
        ["previous", "previous", 4]]
    # W01 (Web of Science) merged into S01 (Scopus), C01 (citations) into W04 (Web of
    # Science); the previous version is not deduplicated
    assert t["duplicates_removed"].tolist()[:3] == [0, 1, 1]
    assert t["duplicates_removed"].isna().tolist() == [False, False, False, True]
    assert t.loc[0, "searched_on"] == "2026-01-15" and t.loc[0, "query"].startswith("TITLE-ABS")
    by_type = identification_by_type(folder)
    assert by_type[["type", "sources", "records"]].values.tolist() == [
        ["database", 2, 11], ["citation", 1, 4], ["previous", 1, 4]]


def test_cli_json(review, capsys):
    assert main(["prisma", "review", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["records_screened"] == 10 and out["total_studies"] == 7
    assert out["dbr_excluded"] == [{"label": "Review, editorial or opinion piece", "n": 1}]


def test_cli_refuses_and_writes_nothing_when_check_fails(review, tmp_path, capsys):
    ta = Path("review/title_abstract/ana.csv")
    ta.write_text(ta.read_text().replace("S01,include", "S01,yes"))
    out = tmp_path / "d.svg"
    assert main(["prisma", "review", "--svg", str(out), "--csv", str(tmp_path / "p.csv")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("review/title_abstract/ana.csv:2:2: decision 'yes' is not one of "
                           "include, exclude, maybe")
    assert not out.exists() and not (tmp_path / "p.csv").exists()


def test_cli_screen_check_and_status(review, capsys):
    assert main(["screen", "check", "review"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("review/title_abstract/budi.csv:5: note: not valid UTF-8 (byte 0x96 on line 5); "
            "read as cp1252") in captured.err.splitlines()
    assert main(["screen", "check", "review", "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().err
    assert main(["screen", "status", "review"]) == 0
    out = capsys.readouterr().out
    assert "include_maybe_vs_exclude ana vs budi 11     0.818 0.607" in out
    assert "Unresolved conflicts at title_abstract (2)" in out
    assert main(["screen", "conflicts", "review", "--stage", "full_text", "--all"]) == 0
    assert "W04" in capsys.readouterr().out


def test_cli_screen_check_prints_every_problem(review, capsys):
    ta = Path("review/title_abstract/ana.csv")
    ta.write_text(ta.read_text().replace("S01,include", "S01,yes") + "S99,exclude,topic,\n")
    assert main(["screen", "check", "review"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "review/title_abstract/ana.csv:2:2: decision 'yes' is not one of include, exclude, "
        "maybe",
        "review/title_abstract/ana.csv:13:1: record_id 'S99' is not a record of any source in "
        "sources.csv"]


def test_cli_usage_errors(review):
    assert main(["screen"]) == 2
    assert main(["prisma", "review", "--svg"]) == 2
    assert main(["prisma", "review", "--png", "diagram.gif"]) == 2
    assert not Path("diagram.gif").exists()


#: How PRISMA2020's PRISMA_data() (R package version 1.1.x, R/PRISMA_data.R) reads the
#: template: read.csv, rows found with grep on the first column, numbers stripped of
#: everything but digits, reason lists split on ";" and on the first ",".
R_READER = r"""
data <- read.csv(commandArgs(TRUE)[1])
get <- function(key) data[grep(key, data[, 1]), ]$n
num <- function(key) as.numeric(gsub("[^0-9.]", "", gsub(",", "", get(key))))
reasons <- function(key) {
  x <- unlist(strsplit(as.character(get(key)), split = "(;)( )?"))
  paste(gsub(",.*$", "", x), trimws(gsub(".*?,([ 0-9,]*)|.*()", "\\1", x)), sep = "=",
        collapse = "|")
}
for (k in c("previous_studies", "database_results", "duplicates", "records_screened",
            "dbr_sought_reports", "other_sought_reports", "new_studies", "total_studies$",
            "total_reports$")) cat(k, num(k), "\n", sep = "\t")
cat("dbr_excluded", reasons("dbr_excluded"), "\n", sep = "\t")
cat("database_specific_results", reasons("database_specific_results"), "\n", sep = "\t")
"""


@pytest.mark.parametrize("scenario", ["review", "databases_only"])
def test_template_reads_in_r_as_the_prisma2020_package_reads_it(scenario, request, tmp_path,
                                                              require_program):
    rscript = require_program("Rscript")
    folder = request.getfixturevalue(scenario)
    csv_path = tmp_path / "prisma.csv"
    assert main(["prisma", str(folder), "--csv", str(csv_path)]) == 0
    script = tmp_path / "read.R"
    script.write_text(R_READER)
    out = subprocess.run([rscript, str(script), str(csv_path)], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    got = dict(line.split("\t")[:2] for line in out.splitlines() if line.strip())
    if scenario == "review":
        assert got == {"previous_studies": "3", "database_results": "11", "duplicates": "1",
                       "records_screened": "10", "dbr_sought_reports": "7",
                       "other_sought_reports": "2", "new_studies": "5",
                       "total_studies$": "7", "total_reports$": "9",
                       "dbr_excluded": "Review - editorial or opinion piece=1",
                       "database_specific_results": "Scopus=7|Web of Science Core Collection=4"}
    else:
        # NA hides the previous-studies and other-methods columns in PRISMA_flowdiagram()
        assert got["previous_studies"] == "NA" and got["other_sought_reports"] == "NA"
        assert got["total_studies$"] == "4"


def test_outputs_never_go_into_the_screening_folder(review):
    ta = Path("review/title_abstract/ana.csv")
    before = ta.read_bytes()
    assert main(["prisma", "review", "--csv", str(ta)]) == 2
    assert main(["prisma", "review", "--svg", "review/flow.svg"]) == 2
    assert main(["prisma", "review", "--svg", "flow.png"]) == 2
    assert ta.read_bytes() == before
    assert not Path("review/flow.svg").exists() and not Path("flow.png").exists()


def test_other_sources_get_an_extra_row_the_r_package_ignores(review):
    text = Path("review/sources.csv").read_text()
    Path("review/sources.csv").write_text(text.replace("citations,citation,", "citations,other,"))
    t = template_frame(prisma_counts(review))
    assert [tuple(r) for r in t[["data", "node", "box"]].values[:32]] == R_TEMPLATE_KEYS
    assert t.iloc[32][["data", "box", "boxtext", "n"]].tolist() == [
        "other_results", "box11", "Other sources", "4"]


@pytest.mark.parametrize("dpi", ["0", "-5", "abc"])
def test_cli_bad_dpi_is_a_usage_error_and_writes_nothing(review, tmp_path, capsys, dpi):
    out = tmp_path / "d.png"
    assert main(["prisma", "review", "--png", str(out), "--dpi", dpi]) == 2
    assert "--dpi" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("dpi", [0, -1, float("nan"), "200"])
def test_save_refuses_a_resolution_that_is_not_positive(review, tmp_path, dpi):
    from reviewlib.errors import UsageError
    out = tmp_path / "d.png"
    with pytest.raises(UsageError, match="dpi must be a positive number"):
        save(prisma_counts(load_folder("review")), out, dpi=dpi)
    assert not out.exists()


def test_cli_replaces_its_own_outputs_but_never_another_file(review, tmp_path, capsys):
    """A typo in --csv must not destroy a reviewer's table (e.g. extraction/studies.csv)."""
    csv_out, svg_out, png_out = tmp_path / "p.csv", tmp_path / "d.svg", tmp_path / "d.png"
    argv = ["prisma", "review", "--csv", str(csv_out), "--svg", str(svg_out),
            "--png", str(png_out), "--dpi", "20"]
    assert main(argv) == 0
    assert main(argv) == 0          # its own outputs are replaced
    capsys.readouterr()
    studies = tmp_path / "studies.csv"
    studies.write_text("study_id,country\nfitriani2023,Indonesia\n", encoding="utf-8")
    notes = tmp_path / "notes.svg"
    notes.write_text("my notes, not a drawing\n", encoding="utf-8")
    for flag, path in (("--csv", studies), ("--svg", notes)):
        before = path.read_bytes()
        assert main(["prisma", "review", flag, str(path)]) == 2
        assert "not replacing it" in capsys.readouterr().err
        assert path.read_bytes() == before
