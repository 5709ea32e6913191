"""Screening prioritisation: ``reviewlib screen simulate`` against ASReview LAB 3.0.8.

Both tools replay the same labelled reviews from the same priors and are measured by the
same code (:mod:`reviewlib.screening.prioritise`) on the full screening order each returns:
median WSS@95, recall@10 % and loss over five runs, and seconds per run (wall clock and CPU
of the command, started as a separate process each time, start-up included).

Data: the five SYNERGY reviews of ``../shared/benchmarks/screening`` (one folder per review
with ``records.csv``). Priors of run r = 0…4: ``random.Random(r).choice`` of the sorted
included ids, then of the sorted excluded ids. ASReview runs its default model (``elas_u4``)
with ``--seed 1`` and ``--n-stop -1`` (every record labelled).

The two orders of each run are also compared record by record: how many runs give the same
order, and where the others first part.

The stopping test is checked for calibration on the same runs: after screening a share of
each review in the model's order (10 %, 20 %, … 90 %), the remaining records are screened
in a seeded random order and the hypergeometric test (target 95 %, confidence 95 %) is
applied after every record; a stop is *early* when recall at that moment is below 95 %.
The ranked variant (``screen simulate``'s stop point) is reported too.

Usage::

    python benchmarks/screen_bench.py --data ../shared/benchmarks/screening \\
        --asreview /path/to/venv/bin/asreview            # ASReview in its own venv
    python benchmarks/screen_bench.py --data ... --no-asreview   # ours only

ASReview runs are cached in ``--cache`` (default ``benchmarks/out/screen_cache``) by set and
run, so a table can be rebuilt without rerunning them; ``--fresh`` ignores the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewlib.screening import prioritise as P  # noqa: E402
from reviewlib.screening.stopping import ranked_stop, sample_p_values  # noqa: E402

SETS = ["Donners_2021", "Sep_2021", "Nelson_2002", "van_der_Valk_2021", "Meijboom_2021"]


def priors(frame: pd.DataFrame, run: int) -> list[str]:
    rng = random.Random(run)
    inc = rng.choice(sorted(frame.id[frame.label_included == 1]))
    exc = rng.choice(sorted(frame.id[frame.label_included == 0]))
    return [inc, exc]


def _timed(cmd: list[str], **kw) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run_ours(path: Path, prior: list[str], tmp: Path) -> tuple[list[str], float, float]:
    out = tmp / "ours.csv"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    wall, cpu = _timed([sys.executable, "-m", "reviewlib", "screen", "simulate", str(path),
                        "--prior", *prior, "--out", str(out), "--force"], env=env)
    return pd.read_csv(out, dtype=str)["id"].tolist(), wall, cpu


def run_asreview(exe: str, path: Path, frame: pd.DataFrame, prior: list[str], tmp: Path,
                 ) -> tuple[list[str], float, float]:
    project = tmp / "sim.asreview"
    if project.exists():
        project.unlink()
    pos = {r: i for i, r in enumerate(frame.id)}
    wall, cpu = _timed([exe, "simulate", str(path), "--prior-idx",
                        *(str(pos[p]) for p in prior), "--seed", "1", "--n-stop", "-1",
                        "-o", str(project)], cwd=tmp)   # its download cache stays in tmp
    with zipfile.ZipFile(project) as z:
        z.extract("results.db", tmp)
    con = sqlite3.connect(tmp / "results.db")
    rows = con.execute("SELECT r.record_id, c.dataset_row FROM results r JOIN record c "
                       "ON c.record_id = r.record_id ORDER BY r.rowid").fetchall()
    con.close()
    (tmp / "results.db").unlink()
    return [frame.id.iloc[int(row)] for _, row in rows], wall, cpu


def first_difference(a: list[str], b: list[str]) -> int | None:
    """1-based position of the first record where two screening orders differ; None when
    they are the same."""
    for i, (x, z) in enumerate(zip(a, b), start=1):
        if x != z:
            return i
    return None if len(a) == len(b) else min(len(a), len(b)) + 1


def calibration(labels_in_order: np.ndarray, seed: int) -> list[tuple[float, bool]]:
    """(recall at stop, early?) for switches to random sampling at 10 %, …, 90 %."""
    n, r = len(labels_in_order), int(labels_in_order.sum())
    out = []
    for share in np.arange(0.1, 1.0, 0.1):
        cut = int(round(share * n))
        before = int(labels_in_order[:cut].sum())
        rest = labels_in_order[cut:].copy()
        np.random.default_rng([seed, cut]).shuffle(rest)
        p = sample_p_values(n - cut, before, rest)
        stops = np.flatnonzero(p < 0.05 - 1e-12)
        if len(stops):
            rec = (before + rest[:stops[0] + 1].sum()) / r
            out.append((float(rec), bool(rec < 0.95)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" /
                    "screening")
    ap.add_argument("--asreview", default="asreview", help="the asreview executable")
    ap.add_argument("--no-asreview", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sets", nargs="+", default=SETS)
    ap.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "out" / "screen_cache")
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    table, calib = [], []
    cached_runs = fresh_runs = 0
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    for name in args.sets:
        path = args.data / name / "records.csv"
        frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
        lab = dict(zip(frame.id, frame.label_included.astype(int)))
        res = {"ours": [], "ASReview 3.0.8": []}
        ranked, parts = [], []
        for run in range(args.runs):
            prior = priors(frame, run)
            with tempfile.TemporaryDirectory() as t:
                order, wall, cpu = run_ours(path, prior, Path(t))
                ours_order = order
                y = np.array([lab[i] for i in order])
                res["ours"].append({**P.measures(y), "wall": wall, "cpu": cpu})
                calib.extend(calibration(y, run))
                stop = ranked_stop(y, len(y), min_screened=2)
                ranked.append((stop, y[:stop].sum() / y.sum() if stop else None))
                if not args.no_asreview:
                    key = args.cache / f"asreview_{name}_{run}.json"
                    if key.exists() and not args.fresh:
                        cached = json.loads(key.read_text())
                        order, wall, cpu = cached["order"], cached["wall"], cached["cpu"]
                        cached_runs += 1
                    else:
                        fresh_runs += 1
                        order, wall, cpu = run_asreview(args.asreview, path, frame, prior,
                                                        Path(t))
                        key.write_text(json.dumps({"order": order, "wall": wall,
                                                   "cpu": cpu}))
                    parts.append(first_difference(ours_order, order))
                    y = np.array([lab[i] for i in order])
                    res["ASReview 3.0.8"].append({**P.measures(y), "wall": wall, "cpu": cpu})
            for tool, runs in res.items():
                if len(runs) > run:
                    m = runs[run]
                    print(f"{name} run {run} {tool}: WSS@95 {m['wss95']:.3f} recall@10% "
                          f"{m['recall10']:.3f} loss {m['loss']:.3f} wall {m['wall']:.1f}s "
                          f"cpu {m['cpu']:.1f}s", file=sys.stderr, flush=True)
        for tool, runs in res.items():
            if runs:
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                med["n"] = len(runs)
                table.append((name, tool, med))
        if parts:
            table.append((name, "same order", {"n": len(frame), "parts": parts}))
        stops = [s for s, _ in ranked if s]
        recs = [r for _, r in ranked if r is not None]
        table.append((name, "ranked stop", {
            "n": len(frame), "stop": statistics.median(stops) if stops else None,
            "recall": min(recs) if recs else None, "stopped": len(stops)}))
    print(f"Started {started} on {os.cpu_count()} CPUs; load average (1, 5, 15 min) "
          f"{' '.join(f'{x:.1f}' for x in load_before)} at the start, "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end.")
    if not args.no_asreview:
        print(f"ASReview runs: {fresh_runs} run now, {cached_runs} read from the cache "
              f"{args.cache} (made by an earlier run of this script).")
    print()
    print("| set | tool | WSS@95 | recall@10% | loss | seconds per run (wall) | CPU seconds | n |")
    print("|---|---|---|---|---|---|---|---|")
    for name, tool, m in table:
        if tool in ("ranked stop", "same order"):
            continue
        print(f"| {name} | {tool} | {m['wss95']:.3f} | {m['recall10']:.3f} | "
              f"{m['loss']:.3f} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['n']} |")
    if not args.no_asreview:
        print()
        print("| set | records | runs in which both tools screen in the same order | first "
              "position (1-based) where the others part |")
        print("|---|---|---|---|")
        for name, tool, m in table:
            if tool == "same order":
                same = sum(p is None for p in m["parts"])
                where = ", ".join(str(p) for p in m["parts"] if p is not None) or "–"
                print(f"| {name} | {m['n']} | {same}/{len(m['parts'])} | {where} |")
    print()
    print("| set | records | ranked stopping aid: runs stopped | median records screened at "
          "stop | lowest recall at stop |")
    print("|---|---|---|---|---|")
    for name, tool, m in table:
        if tool == "ranked stop":
            stop = "" if m["stop"] is None else f"{m['stop']:.0f}"
            rec = "" if m["recall"] is None else f"{m['recall']:.3f}"
            print(f"| {name} | {m['n']} | {m['stopped']}/{args.runs} | {stop} | {rec} |")
    print()
    early = sum(e for _, e in calib)
    print(f"Random-sample stopping test (target 95 %, confidence 95 %): {len(calib)} stops "
          f"after switching at 10 %…90 % of each run; {early} early (recall < 95 %), "
          f"{early / max(len(calib), 1):.1%}; median recall at stop "
          f"{statistics.median(r for r, _ in calib):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
