"""``reviewlib appraise check|status|conflicts|plot [DIR]``: the quality-appraisal stage.

``check`` reads everything and writes nothing; every problem is printed as
``path:line:column: message`` on stdout and the exit code is 1 (0 when clean). The other
actions refuse to run on a folder with problems, in the same way.
"""

from __future__ import annotations

import argparse
import math
import sys

import pandas as pd

from reviewlib.appraisal import agreement, conflicts, load_folder, progress
from reviewlib.errors import Problem


def _load(args, *, quiet: bool = True):
    folder = load_folder(args.dir, studies=args.studies)
    if not quiet:
        for n in folder.notes:
            print(Problem(n.path, n.line, n.column, f"note: {n.message}"), file=sys.stderr)
    for p in folder.problems:
        print(p)
    if folder.problems:
        print(f"{len(folder.problems)} problem(s) in {args.dir}", file=sys.stderr)
        return None
    return folder


def _check(args) -> int:
    folder = _load(args, quiet=args.quiet)
    if folder is None:
        return 1
    print(f"{args.dir}: OK ({len(folder.tools)} tool(s), {len(folder.reviewers)} appraiser "
          f"file(s){', consensus' if folder.consensus else ''})", file=sys.stderr)
    return 0


def _fmt(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def _status(args) -> int:
    folder = _load(args)
    if folder is None:
        return 1
    prog = progress(folder)
    print("Progress (studies started and complete; items answered of those due)")
    print(prog.to_string(index=False) if len(prog) else "  no answers yet")
    if folder.consensus is not None:
        settled = folder.consensus.frame
        n = int((settled["valid"] & (settled["answer"] != "")).sum())
        print(f"{folder.consensus.path}: {n} item(s) settled")
    if len(folder.reviewers) == 1:
        print(f"Single appraiser ({folder.reviewers[0]}): no second appraisal, so agreement "
              "cannot be estimated")
    agr = agreement(folder)
    print()
    print("Agreement (Cohen's kappa, linearly weighted for ordered answers; "
          "SE of Fleiss, Cohen & Everitt 1969)")
    if len(agr):
        shown = pd.DataFrame({
            "tool": agr["tool"], "item": agr["item"],
            "pair": [f"{a} vs {b}" if b else f"{a} (alone)"
                     for a, b in zip(agr["reviewer_a"], agr["reviewer_b"])],
            "n": agr["n"], "agreement": [_fmt(x) for x in agr["agreement"]],
            "kappa": [_fmt(x) + (" (w)" if w and not math.isnan(x) else "")
                      for x, w in zip(agr["kappa"], agr["weighted"])],
            "95% CI": ["" if math.isnan(lo) else f"{lo:.3f} to {hi:.3f}"
                       for lo, hi in zip(agr["ci_low"], agr["ci_high"])],
            "note": agr["note"]})
        print(shown.to_string(index=False))
    else:
        print("  no answers yet")
    open_ = conflicts(folder)
    if len(open_):
        print()
        print(f"Unresolved conflicts ({len(open_)}): settle them in "
              f"{folder.path('consensus.csv')}")
        print(open_.drop(columns=["resolved", "consensus"]).to_string(index=False))
    return 0


def _conflicts(args) -> int:
    folder = _load(args)
    if folder is None:
        return 1
    c = conflicts(folder, unresolved_only=not args.all)
    print(f"{len(c)} conflict(s)")
    if len(c):
        print(c.to_string(index=False))
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``appraise`` and its actions to the ``reviewlib`` command."""
    parser = subparsers.add_parser(
        "appraise", help="quality appraisal: check answer files, agreement, conflicts, plots",
        description="Check the appraisal folder (never writes), show progress, agreement and "
                    "conflicts, draw traffic-light and summary plots.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    specs = [("check", _check, "validate every file; print path:line:column: message"),
             ("status", _status, "progress per appraiser, agreement per item, open conflicts"),
             ("conflicts", _conflicts, "items on which appraisers disagree")]
    for name, func, text in specs:
        p = actions.add_parser(name, help=text, description=text)
        _common(p)
        if name == "check":
            p.add_argument("-q", "--quiet", action="store_true",
                           help="do not list accepted quirks (BOM, ';' delimiter, cp1252, CRLF)")
        if name == "conflicts":
            p.add_argument("--all", action="store_true",
                           help="also list conflicts already settled in consensus.csv")
        p.set_defaults(func=func)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default="appraisal", metavar="DIR",
                   help="appraisal folder (default: appraisal)")
    p.add_argument("--studies", metavar="CSV",
                   help="the list of studies (default: extraction/studies.csv next to DIR)")
