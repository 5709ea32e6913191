"""``reviewlib dedup INPUT... [--out DIR] [--overrides FILE]``: deduplicate exports.

Reads every input (.bib, .ris, .txt, .csv, .tsv), checks that record ids are unique across
files, runs :func:`reviewlib.dedup.deduplicate` and writes four canonical CSV files into
DIR: ``records.csv`` (one row per work), ``duplicates.csv`` (one row per removed record),
``related.csv`` (reports of the same study kept apart) and ``maybe.csv`` (pairs for a
person to check). Nothing is written when any input has a problem. The output does not
depend on the order of the inputs or of the records in them.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from pathlib import Path

import pandas as pd

from reviewlib.dedup import DedupSettings, deduplicate, read_overrides
from reviewlib.errors import InputError, OverwriteError, Problem
from reviewlib.records import fields as F

log = logging.getLogger("reviewlib")

#: Output files, in the order they are written.
OUTPUTS = ("records.csv", "duplicates.csv", "related.csv", "maybe.csv")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``dedup`` subcommand."""
    p = subparsers.add_parser(
        "dedup", help="deduplicate bibliographic exports (.bib, .ris, .csv, .tsv)",
        description="Find records of the same work across exports, keep one per work and "
                    "write records.csv, duplicates.csv, related.csv and maybe.csv.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="exports: .bib, .ris, .txt, .csv or .tsv")
    p.add_argument("--out", default="deduplicated", metavar="DIR",
                   help="folder for the four output files (default: %(default)s)")
    p.add_argument("--overrides", metavar="FILE",
                   help="CSV id_a,id_b,decision(same|different),note: a reviewer's decisions")
    p.add_argument("--settings", metavar="FILE",
                   help="JSON settings (see reviewlib.dedup.DedupSettings); default settings otherwise")
    p.add_argument("--workers", type=int, default=-1, metavar="N",
                   help="threads for string comparison (default: all cores)")
    p.add_argument("--force", action="store_true",
                   help="replace output files even if they do not look like earlier dedup output")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    return p


def read_inputs(paths: list[str]) -> pd.DataFrame:
    """Read every export into one frame; all problems of all files in one :class:`InputError`.

    Column order is fixed (core fields, ``source``, then other fields alphabetically) so
    that the output does not depend on the order of the files.
    """
    from reviewlib.io import COLUMNS, read_records

    problems: list[Problem] = []
    frames, seen, given = [], {}, set()
    for path in paths:
        resolved = Path(path).resolve()
        if resolved in given:
            problems.append(Problem(str(path), None, None, "this file is given more than once"))
            continue
        given.add(resolved)
        try:
            recs = read_records(path)
        except InputError as e:
            problems.extend(e.problems)
            continue
        for note in recs.notes:
            log.info("%s", note)
        lines = recs.lines or [None] * len(recs.frame)
        for rid, line in zip(recs.frame[F.ID].astype(str), lines):
            if rid in seen:
                other, other_line = seen[rid]
                problems.append(Problem(str(path), line, None,
                                        f"record id {rid!r} is also used in {other}"
                                        + (f" line {other_line}" if other_line else "")
                                        + "; every record needs its own id"))
            else:
                seen.setdefault(rid, (str(path), line))
        frames.append(recs.frame)
    if problems:
        raise InputError(problems)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    extra = sorted(c for c in frame.columns if c not in COLUMNS)
    return frame.reindex(columns=[*COLUMNS, *extra]).fillna("").astype(str)


def _scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Scores as fixed four-decimal text (stable bytes), blank when there is none."""
    out = frame.copy()
    if F.SCORE in out:
        out[F.SCORE] = [("" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{float(v):.4f}")
                        for v in out[F.SCORE]]
    return out


def _check_outputs(folder: Path, texts: dict[str, str], force: bool) -> None:
    """Refuse to replace a file that is not an earlier output of this command (unless forced)."""
    for name, text in texts.items():
        target = folder / name
        if not target.exists() or force:
            continue
        if target.is_dir():
            raise OverwriteError(f"{target} is a folder")
        with open(target, encoding="utf-8", errors="replace") as fh:
            first = fh.readline().rstrip("\r\n")
        if first != text.split("\n", 1)[0]:
            raise OverwriteError(f"{target} exists and is not an earlier output of 'reviewlib dedup' "
                                 "(different header); choose another --out or pass --force")


def run(args) -> int:
    """Run the subcommand; returns the exit code."""
    from reviewlib.io import atomic_write, to_csv_text

    frame = read_inputs(args.inputs)
    overrides = read_overrides(args.overrides) if args.overrides else None
    settings = DedupSettings.from_file(args.settings) if args.settings else DedupSettings()
    result = deduplicate(frame, overrides, settings=settings, workers=args.workers,
                         progress=False if args.no_progress else None)
    tables = {"records.csv": result.records, "duplicates.csv": _scores(result.duplicates),
              "related.csv": _scores(result.related), "maybe.csv": _scores(result.maybe)}
    texts = {name: to_csv_text(t.fillna("").astype(str)) for name, t in tables.items()}
    folder = Path(args.out)
    _check_outputs(folder, texts, args.force)
    for name in OUTPUTS:
        atomic_write(folder / name, texts[name], overwrite=True)
    s = result.summary()
    if result.untitled:
        shown = ", ".join(result.untitled[:10]) + (" ..." if len(result.untitled) > 10 else "")
        print(f"note: {len(result.untitled)} record(s) have no title and were kept unmerged: {shown}",
              file=sys.stderr)
    print(f"{s['records_in']} records -> {s['records_kept']} kept, {s['duplicates_removed']} duplicates removed, "
          f"{s['related_pairs']} related pairs, {s['maybe_pairs']} pairs to check; written to {folder}/",
          file=sys.stderr)
    return 0
