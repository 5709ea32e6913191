"""``make bench`` runs benchmarks/run_all.py: a small run of it, peers absent or present."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_run_all_runs_the_dedup_benchmark_on_a_labelled_set():
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run_all.py"), "--only", "dedup",
         "--data", str(REPO / "tests" / "data" / "dedup"), "--sets", "special_cases",
         "--synthetic", "0"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    # the labelled set of twelve records, scored pairwise: every duplicate found, none wrong
    assert "| special_cases | 12 | 1.0000 | 1.0000 | 0 | 0 |" in run.stdout
    assert "bib-dedupe" in run.stderr or "--peer-python" in run.stderr


def test_run_all_says_what_it_cannot_run(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run_all.py"), "--only", "dedup",
         "--data", str(tmp_path), "--synthetic", "0"], capture_output=True, text=True,
        timeout=120)
    assert run.returncode == 0
    assert "no labelled deduplication sets" in run.stderr and "nothing to run" in run.stderr
