"""Speed of reviewlib's pooling next to statsmodels and R metafor, in the same run.

Two tasks, on simulated random-effects data (seeded numpy Generator):

``fit``     one REML random-effects fit (k = 10,000 by default).  statsmodels'
            ``combine_effects`` has no REML, so its DerSimonian-Laird and Paule-Mandel
            fits are timed next to ours with the same estimator.
``report``  the full sensitivity report (k = 1,000 by default): fit + leave-one-out +
            influence diagnostics + cumulative meta-analysis + trim and fill.  statsmodels
            has only the fit, so its comparable part is the fit plus a leave-one-out loop.

R metafor (``Rscript`` with metafor installed) runs the same tasks on the same data, each in
its own process under ``--r-timeout`` seconds; a task that does not finish is reported as
"> timeout" (metafor forms k x k matrices, so its cost grows roughly as k^3).  Smaller
sizes (``--k-fit``, ``--k-report`` take several values) show the ratio where metafor does
finish.  Every reviewlib time is the best of ``--repeat`` runs; the estimates are compared
with metafor's where both exist.

Usage::

    python benchmarks/meta_bench.py                       # defaults: fit 1000 10000, report 100 1000
    python benchmarks/meta_bench.py --k-fit 10000 --k-report 1000 --r-timeout 600 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

R_SCRIPT = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); task <- args[2]
ctrl <- list(threshold = 1e-12, maxiter = 10000)
t0 <- proc.time()[["elapsed"]]
res <- rma(d$yi, d$vi, method = "REML", control = ctrl)
if (task == "report") {
  l1 <- leave1out(res); inf <- influence(res); cu <- cumul(res); tf <- trimfill(res, control = ctrl)
}
el <- proc.time()[["elapsed"]] - t0
cat(sprintf('{"seconds": %.6f, "estimate": %.17g, "tau2": %.17g, "metafor": "%s", "r": "%s"}\n',
            el, res$beta[1], res$tau2, as.character(packageVersion("metafor")), R.version.string))
"""


def simulate(k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """k effects from a random-effects model: tau^2 = 0.05, variances U(0.01, 0.2)."""
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(0.3, np.sqrt(vi + 0.05))
    return yi, vi


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def reviewlib_fit(yi, vi):
    from reviewlib.meta import pool
    return pool(yi, vi, method="REML")


def reviewlib_report(yi, vi):
    res = reviewlib_fit(yi, vi)
    res.leave_one_out()
    res.influence()
    res.cumulative()
    res.trimfill()
    return res


def statsmodels_fit(yi, vi, method):
    from statsmodels.stats.meta_analysis import combine_effects
    return combine_effects(yi, vi, method_re=method)


def statsmodels_fit_loo(yi, vi):
    """The comparable part of the report: a DL fit and a leave-one-out loop."""
    res = statsmodels_fit(yi, vi, "dl")
    keep = np.ones(len(yi), dtype=bool)
    for i in range(len(yi)):
        keep[i] = False
        statsmodels_fit(yi[keep], vi[keep], "dl")
        keep[i] = True
    return res


def run_metafor(yi, vi, task: str, timeout: float) -> dict:
    """Time metafor on the same data in its own Rscript process."""
    if shutil.which("Rscript") is None:
        return {"status": "Rscript not found"}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        script = Path(tmp) / "bench.R"
        rows = "\n".join(f"{a:.17g},{b:.17g}" for a, b in zip(yi, vi))
        data.write_text("yi,vi\n" + rows + "\n", encoding="utf-8")
        script.write_text(R_SCRIPT, encoding="utf-8")
        proc = subprocess.Popen(["Rscript", str(script), str(data), task], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the Rscript process group started above
            proc.communicate()
            return {"status": f"> {timeout:g} s (stopped)", "seconds": None}
        if proc.returncode != 0:
            return {"status": "failed: " + err.strip().splitlines()[-1] if err.strip() else "failed"}
        line = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
        result = json.loads(line)
        result["status"] = "ok"
        return result


def ratio(other: float | None, ours: float, timeout: float | None = None) -> str:
    """other/ours; a lower bound "> N x" when the other tool was stopped at ``timeout``."""
    if other is None:
        return "-" if timeout is None else f"> {timeout / ours:,.0f}x"
    return f"{other / ours:,.2f}x" if other / ours < 10 else f"{other / ours:,.0f}x"


def reviewlib_fit_loo(yi, vi):
    """The part statsmodels can do too: a DL fit and its leave-one-out refits."""
    from reviewlib.meta import pool
    res = pool(yi, vi, method="DL")
    res.leave_one_out()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--k-fit", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--k-report", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--r-timeout", type=float, default=300.0)
    ap.add_argument("--no-r", action="store_true", help="skip R metafor")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    import reviewlib
    import statsmodels
    print(f"reviewlib {reviewlib.__version__}, statsmodels {statsmodels.__version__}, "
          f"numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s), {platform.machine()}")
    results = []

    print("\nTask: one REML fit (statsmodels: DL and PM, it has no REML)")
    print(f"{'k':>7}  {'reviewlib REML':>15}  {'reviewlib DL':>13}  {'statsmodels DL':>15}  "
          f"{'reviewlib PM':>13}  {'statsmodels PM':>15}  {'metafor REML':>16}  {'metafor/ours':>12}  "
          f"{'|diff| estimate':>15}")
    from reviewlib.meta import pool
    for k in args.k_fit:
        yi, vi = simulate(k, args.seed)
        t_ours, res = best_of(lambda: reviewlib_fit(yi, vi), args.repeat)
        t_dl, dl = best_of(lambda: pool(yi, vi, method="DL"), args.repeat)
        t_sdl, sdl = best_of(lambda: statsmodels_fit(yi, vi, "dl"), args.repeat)
        t_pm, pm = best_of(lambda: pool(yi, vi, method="PM"), args.repeat)
        t_spm, spm = best_of(lambda: statsmodels_fit(yi, vi, "pm"), args.repeat)
        assert abs(dl.estimate - sdl.mean_effect_re) < 1e-9, "DL disagrees with statsmodels"
        r = {"status": "skipped"} if args.no_r else run_metafor(yi, vi, "fit", args.r_timeout)
        t_r = r.get("seconds")
        stopped = args.r_timeout if r.get("status", "").startswith(">") else None
        diff = abs(r["estimate"] - res.estimate) if r.get("status") == "ok" else None
        print(f"{k:>7}  {t_ours:>14.4f}s  {t_dl:>12.4f}s  {t_sdl:>14.4f}s  {t_pm:>12.4f}s  "
              f"{t_spm:>14.4f}s  {(f'{t_r:.3f}s' if t_r else r['status']):>16}  "
              f"{ratio(t_r, t_ours, stopped):>12}  {('-' if diff is None else f'{diff:.1e}'):>15}")
        results.append(dict(task="fit", k=k, reviewlib_reml=t_ours, reviewlib_dl=t_dl,
                            statsmodels_dl=t_sdl, reviewlib_pm=t_pm, statsmodels_pm=t_spm,
                            statsmodels_pm_vs_ours_tau2=abs(spm.tau2 - pm.tau2), metafor=r,
                            estimate_diff=diff))

    print("\nTask: full report = REML fit + leave-one-out + influence + cumulative + trim and fill")
    print("       (statsmodels can only fit: its part is a DL fit + a leave-one-out loop, timed")
    print("        against reviewlib's DL fit + leave_one_out())")
    print(f"{'k':>7}  {'reviewlib report':>16}  {'metafor report':>17}  {'metafor/ours':>12}  "
          f"{'reviewlib DL+LOO':>16}  {'statsmodels DL+LOO':>18}  {'statsmodels/ours':>16}")
    for k in args.k_report:
        yi, vi = simulate(k, args.seed + 1)
        t_ours, res = best_of(lambda: reviewlib_report(yi, vi), args.repeat)
        t_loo, _ = best_of(lambda: reviewlib_fit_loo(yi, vi), args.repeat)
        t_sm, _ = best_of(lambda: statsmodels_fit_loo(yi, vi), 1)
        r = {"status": "skipped"} if args.no_r else run_metafor(yi, vi, "report", args.r_timeout)
        t_r = r.get("seconds")
        stopped = args.r_timeout if r.get("status", "").startswith(">") else None
        print(f"{k:>7}  {t_ours:>15.3f}s  {(f'{t_r:.2f}s' if t_r else r['status']):>17}  "
              f"{ratio(t_r, t_ours, stopped):>12}  {t_loo:>15.3f}s  {t_sm:>17.3f}s  "
              f"{ratio(t_sm, t_loo):>16}")
        results.append(dict(task="report", k=k, reviewlib=t_ours, reviewlib_dl_loo=t_loo,
                            statsmodels_dl_loo=t_sm, metafor=r))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
