"""``reviewlib new DIR``: an empty workspace that checks clean, then a review done in it.

The review from scratch: one export (``tests/data/workspace/export.ris``, four records of
which two are one work), deduplication, two reviewers at title/abstract who disagree once,
a consensus, full-text decisions, then ``reviewlib check`` and the PRISMA 2020 counts. The
slow test builds the workspace's book with Jupyter Book exactly as ``make book`` does.
A search round added later leaves the review mid-screening for a while: the checks, the
workspace's own tests and the chapters' code must all hold in that state too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

from reviewlib.check import run_checks
from reviewlib.cli import main
from reviewlib.errors import InputError, UsageError
from reviewlib.io import read_table
from reviewlib.prisma import ScreeningIncomplete, prisma_counts
from reviewlib.screening import agreement, load_checked, title_abstract_status
from reviewlib.templates import create_workspace

EXPORT = Path(__file__).resolve().parents[1] / "data" / "workspace" / "export.ris"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def run_chapter(chapter: Path) -> dict[str, dict]:
    """Execute a chapter's code cells in a Jupyter kernel from the chapter's folder, as
    myst-nb does when the book is built; return what each cell glued, by name."""
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", chapter.read_text(encoding="utf-8"),
                       re.S)
    code = ["\n".join(line for line in c.splitlines() if not line.startswith(":"))
            for c in cells]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in code])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(chapter.parent)}}).execute()
    glued = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:   # myst-nb's glue records each MIME type under this prefix
                glued[name] = {k.removeprefix("application/papermill.record/"): v
                               for k, v in out["data"].items()}
    return glued


def test_a_new_workspace_has_the_layout_and_checks_clean(tmp_path):
    assert main(["new", str(tmp_path / "mine"), "--title", "My review", "--reviewer", "ana"]) == 0
    root = tmp_path / "mine"
    for rel in ("_config.yml", "_toc.yml", "Makefile", "requirements.txt", ".ci/run",
                "README.md", "references.bib", "screening/sources.csv",
                "screening/criteria.csv", "screening/reasons.csv",
                "screening/dedup_overrides.csv", "screening/title_abstract/ana.csv",
                "screening/full_text/ana.csv", "extraction/studies.csv",
                "extraction/effects.csv", "extraction/codebook.csv", "chapters/intro.md",
                "chapters/prisma.md", "tests/test_workspace.py"):
        assert (root / rel).is_file(), rel
    assert 'title: "My review"' in (root / "_config.yml").read_text(encoding="utf-8")
    assert "${" not in (root / "README.md").read_text(encoding="utf-8")
    assert os.access(root / ".ci" / "run", os.X_OK)
    # every exclusion reason the criteria name exists in reasons.csv at both stages
    criteria = read_table(root / "screening" / "criteria.csv").rows
    reasons = {(r["code"], r["stage"]) for r in read_table(root / "screening" / "reasons.csv").rows}
    for c in criteria:
        for code in (c["reason_no"], c["reason_unclear"]):
            if code:
                assert {(code, "title_abstract"), (code, "full_text")} <= reasons, code
    report = run_checks(root)
    assert report.problems == []
    counts = prisma_counts(root / "screening").counts
    assert counts["database_results"] == counts["records_screened"] == 0
    assert counts["total_studies"] == 0


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    _write(tmp_path / "full" / "notes.txt", "mine")
    assert main(["new", str(tmp_path / "full")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    with pytest.raises(UsageError, match="reviewer name"):
        create_workspace(tmp_path / "other", reviewer="../x")
    assert not (tmp_path / "other").exists()
    (tmp_path / "empty").mkdir()
    create_workspace(tmp_path / "empty")              # an empty folder is fine
    assert (tmp_path / "empty" / "screening" / "title_abstract" / "reviewer1.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "full"]  # no leftovers


def screen_from_scratch(root: Path) -> dict:
    """Add the export, deduplicate, screen with two reviewers; return the PRISMA counts."""
    screening = root / "screening"
    shutil.copy(EXPORT, screening / "search" / "trial.ris")
    with open(screening / "sources.csv", "a", encoding="utf-8") as f:
        f.write('trial,database,A trial database,2026-11-30,"msme AND export",search/trial.ris\n')
    out = root / "deduplicated"
    assert main(["dedup", str(screening / "search" / "trial.ris"), "--out", str(out),
                 "--overrides", str(screening / "dedup_overrides.csv")]) == 0
    kept = [r["id"] for r in read_table(out / "records.csv").rows]
    assert sorted(kept) == ["w01", "w02", "w04"]      # w03 is w01 abbreviated
    ta = screening / "title_abstract"
    _write(ta / "ana.csv", "record_id,decision,reason,note\n"
           "w01,include,,\nw02,maybe,,livestream hosts\nw04,exclude,wrong_population,clinics\n")
    _write(ta / "budi.csv", "record_id,decision,reason,note\n"
           "w01,include,,\nw02,exclude,wrong_exposure,\nw04,exclude,wrong_population,\n")
    assert run_checks(root).ok                        # a conflict is not an error
    _write(ta / "consensus.csv", "record_id,decision,reason,note\nw02,include,,settled\n")
    _write(screening / "full_text" / "ana.csv",
           "record_id,retrieved,decision,reason,study_id,note\n"
           "w01,yes,include,,lestari2024,\nw02,no,,,,not available\n")
    report = run_checks(root)
    assert report.ok, [str(p) for p in report.errors]
    return prisma_counts(root / "screening").counts


def test_a_review_from_scratch(tmp_path):
    root = create_workspace(tmp_path / "review", reviewer="ana")
    counts = screen_from_scratch(root)
    # PRISMA 2020 by hand: 4 identified, 1 duplicate, 3 screened, 1 excluded (w04),
    # 2 sought, 1 not retrieved (w02), 1 assessed, 1 study of 1 report included.
    assert counts["database_results"] == 4 and counts["duplicates"] == 1
    assert counts["records_screened"] == 3 and counts["records_excluded"] == 1
    assert counts["dbr_sought_reports"] == 2 and counts["dbr_notretrieved_reports"] == 1
    assert counts["dbr_assessed"] == 1
    assert counts["new_studies"] == counts["total_studies"] == 1
    kappa = agreement(load_checked(root / "screening"))
    pair = kappa[(kappa["stage"] == "title_abstract") & (kappa["reviewer_b"] == "budi")]
    assert len(pair) and (pair["n"] == 3).all()
    # the workspace's own tests pass on it too
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(root / "tests")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


@pytest.mark.slow
def test_the_new_workspace_builds_its_book(tmp_path):
    root = create_workspace(tmp_path / "review", title="Trial review", reviewer="ana")
    screen_from_scratch(root)
    build = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(root), "--path-output", str(tmp_path / "out"),
         "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert build.returncode == 0, (build.stdout + build.stderr)[-4000:]
    html = tmp_path / "out" / "_build" / "html" / "chapters"
    prisma = (html / "prisma.html").read_text(encoding="utf-8")
    assert '<span class="pasted-text">4</span> record(s) identified' in prisma
    # two reviewers at title/abstract: their kappa is shown; one at full text: said so
    kappa = agreement(load_checked(root / "screening"))
    for k in kappa.loc[kappa["stage"] == "title_abstract", "kappa"]:
        assert f"<td>{k:.2f}</td>" in prisma
    assert "single reviewer: agreement cannot be estimated" in prisma
    studies = (html / "studies.html").read_text(encoding="utf-8")
    assert "No study has been extracted yet" in studies
    intro = (html / "intro.html").read_text(encoding="utf-8")
    assert "Trial review" in intro


UPDATE_RIS = """TY  - JOUR
ID  - u01
AU  - Lestari, Dewi
AU  - Wong, Kai Ming
TI  - Cross-border marketplaces and export entry of Indonesian craft firms
T2  - Journal of Small Business Trade
PY  - 2024
VL  - 12
IS  - 2
SP  - 101
EP  - 119
DO  - 10.9999/jsbt.2024.0101
KW  - cross-border e-commerce
KW  - craft exports
ER  - 

TY  - JOUR
ID  - u02
AU  - Pham, Linh
TI  - Personal shoppers as brokers for small Vietnamese brands selling to Japan
T2  - Asian Journal of Digital Commerce
PY  - 2026
VL  - 5
SP  - 1
EP  - 18
ER  - 
"""


def test_a_second_search_round_keeps_every_decision(tmp_path):
    """A later export (round 2) holds a richer copy of a screened work and one new record:
    the work keeps its id and decisions, only the new record waits for screening, and the
    PRISMA diagram of the update counts the latest round as identified."""
    root = create_workspace(tmp_path / "review", reviewer="ana")
    screen_from_scratch(root)
    screening = root / "screening"
    _write(screening / "search" / "update.ris", UPDATE_RIS)
    lines = (screening / "sources.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",round"] + [line + ",1" for line in lines[1:]]
    rows.append('update,database,A trial database,2027-03-01,"msme AND export",'
                "search/update.ris,2")
    _write(screening / "sources.csv", "\n".join(rows) + "\n")
    report = run_checks(root)
    assert report.ok, [str(p) for p in report.errors]
    folder = load_checked(screening)
    assert {"w01", "w02", "w04", "u02"} == set(folder.records["id"])   # u01 is w01
    ta = title_abstract_status(folder)
    final = dict(zip(ta["record_id"], ta["final"]))
    assert (final["w01"], final["w02"], final["w04"], final["u02"]) == \
        ("include", "include", "exclude", "")
    # The flow diagram needs every record decided: it names the one still waiting.
    with pytest.raises(ScreeningIncomplete, match="without a title/abstract decision: u02"):
        prisma_counts(screening)
    # Mid-screening is a valid state: the check warns, the workspace's tests pass, and the
    # chapters say what is left instead of drawing a diagram that does not add up.
    (warning,) = [p for p in report.warnings if "screening is not finished" in p.message]
    assert "1 record awaits a title/abstract decision" in warning.message
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(root / "tests")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    glued = run_chapter(root / "chapters" / "prisma.md")
    assert "Screening is not finished:** 1 record awaits a title/abstract decision" in \
        glued["prisma_fig"]["text/markdown"]
    assert "not drawn" in glued["prisma_caption"]["text/plain"]
    glued = run_chapter(root / "chapters" / "intro.md")
    assert "not known until screening is finished" in glued["n_included"]["text/plain"]
    _write(screening / "title_abstract" / "ana.csv",
           (screening / "title_abstract" / "ana.csv").read_text(encoding="utf-8")
           + "u02,exclude,wrong_population,\n")
    assert run_checks(root).ok
    counts = prisma_counts(screening).counts
    # PRISMA 2020 for the update: 2 identified in round 2, 1 of them a duplicate of a work
    # screened in round 1; 1 record screened and excluded; the study of round 1 is now a
    # study of the previous version, and stays in the total.
    assert counts["database_results"] == 2 and counts["duplicates"] == 1
    assert counts["records_screened"] == 1 and counts["records_excluded"] == 1
    assert counts["previous_studies"] == 1 and counts["new_studies"] == 0
    assert counts["total_studies"] == 1
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(root / "tests")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
