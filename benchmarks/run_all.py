"""Run every benchmark with sensible defaults: ``make bench`` calls this script.

* ``dedup_bench.py`` on the labelled sets under ``DATA/dedup`` (when that folder exists) and
  on one generated export of ``--synthetic`` records, next to CoLRev bib-dedupe when it is
  installed in this interpreter (``requirements-bench.txt``);
* ``meta_bench.py`` on simulated data, next to statsmodels and, when ``Rscript`` with the
  metafor package is installed, R metafor.

A peer that is not installed is skipped with a message saying how to install it; the
benchmark of reviewlib itself still runs. Each benchmark runs in its own process; the
script exits 1 if one of them failed.

Usage::

    python benchmarks/run_all.py --data ../shared/benchmarks        # as `make bench`
    python benchmarks/run_all.py --only meta --k-fit 1000 --k-report 100
    python benchmarks/run_all.py --data tests/data --sets special_cases --synthetic 0 --only dedup
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Where ``make bench`` looks for the labelled data when ``--data`` is not given.
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchmarks"


def say(message: str) -> None:
    print(f"run_all: {message}", file=sys.stderr, flush=True)


def have_bib_dedupe() -> bool:
    return importlib.util.find_spec("bib_dedupe") is not None


def have_metafor(timeout: float = 60) -> bool:
    if shutil.which("Rscript") is None:
        return False
    try:
        run = subprocess.run(["Rscript", "-e", "library(metafor)"], capture_output=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return run.returncode == 0


def dedup_command(args: argparse.Namespace) -> list[str] | None:
    cmd = [sys.executable, str(HERE / "dedup_bench.py")]
    data = args.data / "dedup" if args.data and (args.data / "dedup").is_dir() else args.data
    if data is not None and data.is_dir() and any((data / s / "records.csv").is_file()
                                                  for s in args.sets or [p.name for p in data.iterdir()]):
        cmd += ["--data", str(data)]
        if args.sets:
            cmd += ["--sets", *args.sets]
    else:
        say(f"no labelled deduplication sets at {data} (give --data); "
            "measuring speed on generated exports only")
    if args.synthetic:
        cmd += ["--synthetic", str(args.synthetic)]
    if "--data" not in cmd and not args.synthetic:
        say("dedup: nothing to run (no --data and --synthetic 0)")
        return None
    if have_bib_dedupe():
        cmd += ["--peer-python", sys.executable]
    else:
        say("bib-dedupe is not installed in this interpreter, so reviewlib runs alone; "
            "install the peers with `pip install -r requirements-bench.txt`")
    return cmd


def meta_command(args: argparse.Namespace) -> list[str]:
    cmd = [sys.executable, str(HERE / "meta_bench.py"),
           "--k-fit", *map(str, args.k_fit), "--k-report", *map(str, args.k_report),
           "--repeat", str(args.repeat), "--r-timeout", str(args.r_timeout)]
    if not have_metafor():
        say("R metafor is not installed (Rscript with library(metafor)), so it is skipped; "
            "on Debian: apt-get install r-cran-metafor")
        cmd.append("--no-r")
    return cmd


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA if DEFAULT_DATA.is_dir() else None,
                    help="folder of the labelled benchmark data (with dedup/<set>/records.csv "
                         "and groups.csv), or a folder of sets itself "
                         f"(default: {DEFAULT_DATA} when it exists)")
    ap.add_argument("--only", choices=("dedup", "meta"), help="run one benchmark only")
    ap.add_argument("--sets", nargs="*", help="deduplication sets to run (default: all found)")
    ap.add_argument("--synthetic", type=int, default=100_000, metavar="N",
                    help="records of the generated deduplication export (0: none; "
                         "default: %(default)s)")
    ap.add_argument("--k-fit", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--k-report", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--r-timeout", type=float, default=120.0)
    args = ap.parse_args(argv)

    commands = {}
    if args.only in (None, "dedup"):
        commands["dedup"] = dedup_command(args)
    if args.only in (None, "meta"):
        commands["meta"] = meta_command(args)
    failed = []
    for name, cmd in commands.items():
        if cmd is None:
            continue
        say(f"{name}: {' '.join(cmd)}")
        print(f"\n## {name}\n", flush=True)
        if subprocess.run(cmd).returncode != 0:
            failed.append(name)
    if failed:
        say(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
