"""``reviewlib screen check|status|conflicts|import``: validate screening files, show progress,
import decisions from ASReview LAB or Rayyan.

``check`` reads everything and writes nothing; it prints every problem as
``path:line:column: message`` on stdout and exits 1, or exits 0 when the folder is clean.
Accepted quirks (a BOM, ``;`` delimiters, cp1252, CRLF) are listed on stderr as
``path:line: note: ...`` unless ``--quiet``.
"""

from __future__ import annotations

import argparse
import math
import sys

import pandas as pd

from reviewlib.errors import OverwriteError, Problem
from reviewlib.screening import (
    agreement,
    check_folder,
    conflicts,
    previous_audit_status,
    progress,
)
from reviewlib.screening import layout as L
from reviewlib.screening import title_abstract_status
from reviewlib.screening.rounds import latest_round, record_rounds



def _check(args) -> int:
    folder, problems = check_folder(args.dir)
    if not args.quiet:
        for n in folder.notes:   # accepted quirks, on stderr so stdout holds only errors
            print(Problem(n.path, n.line, n.column, f"note: {n.message}"), file=sys.stderr)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {args.dir}", file=sys.stderr)
        return 1
    print(f"{args.dir}: OK ({len(folder.records)} records after deduplication, "
          f"{len(folder.decisions)} decision file(s))", file=sys.stderr)
    return 0


def _fmt(x: float, digits: int = 3) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _status(args) -> int:
    folder, problems = check_folder(args.dir)
    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s) in {args.dir}; run 'reviewlib screen check' "
              "after fixing them", file=sys.stderr)
        return 1
    prog = progress(folder)
    print("Progress (records at title/abstract, reports at full text)")
    print(prog.to_string(index=False))
    print()
    agr = agreement(folder)
    shown = pd.DataFrame({
        "stage": agr["stage"], "scheme": agr["scheme"],
        "pair": [f"{a} vs {b}" if b else f"{a} (alone)" for a, b in
                 zip(agr["reviewer_a"], agr["reviewer_b"])],
        "n": agr["n"], "agreement": [_fmt(x) for x in agr["agreement"]],
        "kappa": [_fmt(x) for x in agr["kappa"]],
        "95% CI": ["" if math.isnan(lo) else f"{lo:.3f} to {hi:.3f}"
                   for lo, hi in zip(agr["ci_low"], agr["ci_high"])],
        "note": agr["note"]})
    print("Agreement (Cohen's kappa; SE of Fleiss, Cohen & Everitt 1969)")
    print(shown.to_string(index=False) if len(shown) else "  no decisions yet")
    _print_rounds(folder)
    audit = previous_audit_status(folder)
    if len(audit):
        counts = audit["verdict"].replace("", "not audited").value_counts()
        print()
        print(f"Previous version: {len(audit)} report(s) re-checked as " +
              ", ".join(f"{k} {v}" for k, v in counts.items()))
    for stage in L.STAGES:
        c = conflicts(folder, stage, unresolved_only=True)
        if len(c):
            print()
            print(f"Unresolved conflicts at {stage} ({len(c)}): settle them in "
                  f"{folder.path(stage, L.CONSENSUS + '.csv')}")
            print(c.drop(columns=["stage", "resolved", "consensus"]).to_string(index=False))
    return 0


def _print_rounds(folder) -> None:
    """The latest search round's new records and where they stand (only for an update)."""
    latest = latest_round(folder)
    if latest < 2:
        return
    rounds = record_rounds(folder)
    new = rounds[rounds["new"]]
    ta = title_abstract_status(folder)
    final = dict(zip(ta["record_id"], ta["final"]))
    print()
    again = sum(not n and str(latest) in r.split(";")
                for n, r in zip(rounds["new"], rounds["rounds"]))
    print(f"Search round {latest} (latest): {len(new)} new record(s); {again} record(s) of "
          "earlier rounds found again (their decisions stand)")
    if len(new):
        shown = pd.DataFrame({
            "record_id": new["record_id"], "column": new["column"],
            "title/abstract": [("removed before screening" if r in folder.removed_ids
                                else final.get(r) or "not screened yet")
                               for r in new["record_id"]]})
        print(shown.to_string(index=False))


def _conflicts(args) -> int:
    folder, problems = check_folder(args.dir)
    if problems:
        for p in problems:
            print(p)
        return 1
    stages = L.STAGES if args.stage == "all" else (args.stage,)
    for stage in stages:
        c = conflicts(folder, stage, unresolved_only=not args.all)
        print(f"{stage}: {len(c)} conflict(s)")
        if len(c):
            print(c.drop(columns=["stage"]).to_string(index=False))
    return 0


def _import(args) -> int:
    """``screen import``: one reviewer's decisions from an ASReview LAB or Rayyan export."""
    from reviewlib.screening.importing import (
        decision_path,
        import_decisions,
        write_decisions,
    )

    target = decision_path(args.dir, args.reviewer)
    if target.exists() and not args.force:
        raise OverwriteError(f"{target} exists; it is {args.reviewer}'s decision file and is "
                             "not replaced without --force")
    result = import_decisions(args.dir, args.file, tool_reviewer=args.tool_reviewer or
                              args.reviewer, exclude_reason=args.exclude_reason)
    for p in result.unmatched:
        print(p)
    path = write_decisions(result, args.dir, args.reviewer, force=args.force)
    how = ", ".join(f"{n} by {k}" for k, n in sorted(result.matched_by.items())) or "none"
    print(f"{path}: {len(result.decisions)} decision(s) from {result.tool} ({how}); "
          f"{result.not_screened} record(s) not screened in the tool; "
          f"{len(result.unmatched)} row(s) not imported" +
          (" (listed above)" if result.unmatched else ""), file=sys.stderr)
    return 0


def _register_import(actions) -> None:
    p = actions.add_parser(
        "import", help="write a reviewer's title/abstract file from an ASReview LAB or "
                       "Rayyan export",
        description="Match the decisions of an ASReview LAB export (CSV with an 'included' "
                    "or 'asreview_label' column, or RIS with ASReview_relevant notes) or a "
                    "Rayyan CSV (RAYYAN-INCLUSION notes) to the folder's records by id, DOI "
                    "or title, and write DIR/title_abstract/NAME.csv. Rows that match no "
                    "record are listed, not dropped.")
    p.add_argument("file", metavar="FILE", help="the export")
    p.add_argument("dir", nargs="?", default="screening", metavar="DIR",
                   help="screening folder (default: screening)")
    p.add_argument("--reviewer", required=True, metavar="NAME",
                   help="the reviewer: writes title_abstract/NAME.csv")
    p.add_argument("--tool-reviewer", metavar="NAME",
                   help="Rayyan collaborator whose decisions are taken (default: --reviewer, "
                        "or the only one)")
    p.add_argument("--exclude-reason", metavar="CODE",
                   help="reason code (reasons.csv, stage title_abstract) for exclusions the "
                        "export gives no reason for (ASReview never does)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing decision file of that reviewer")
    p.set_defaults(func=_import)


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``screen`` and its actions to the ``reviewlib`` command."""
    parser = subparsers.add_parser(
        "screen", help="check screening decision files; screening progress and agreement",
        description="Check the screening folder (never writes), show progress, agreement "
                    "and conflicts.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    for name, func, text in (
            ("check", _check, "validate every file; print path:line:column: message"),
            ("status", _status, "progress per stage and reviewer, agreement, open conflicts"),
            ("conflicts", _conflicts, "records on which reviewers disagree")):
        p = actions.add_parser(name, help=text, description=text)
        p.add_argument("dir", nargs="?", default="screening", metavar="DIR",
                       help="screening folder (default: screening)")
        if name == "check":
            p.add_argument("-q", "--quiet", action="store_true",
                           help="do not list accepted quirks (BOM, ';' delimiter, cp1252, CRLF)")
        if name == "conflicts":
            p.add_argument("--stage", choices=[*L.STAGES, "all"], default="all")
            p.add_argument("--all", action="store_true",
                           help="also list conflicts already settled by consensus")
        p.set_defaults(func=func)
    _register_import(actions)
    return parser
