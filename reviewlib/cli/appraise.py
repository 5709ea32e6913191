"""``reviewlib appraise check|status|conflicts|plot [DIR]``: the quality-appraisal stage.

``check`` reads everything and writes nothing; every problem is printed as
``path:line:column: message`` on stdout and the exit code is 1 (0 when clean). The other
actions refuse to run on a folder with problems, in the same way.

``plot --traffic-light|--summary --svg FILE|--png FILE [--tool NAME] [--weights CSV]`` draws
from the final answers (consensus, agreed or single appraiser). The plot is a generated file:
an existing SVG/PNG is replaced atomically, any other file at that path is left alone (exit
2), and nothing is written inside the appraisal folder.
"""

from __future__ import annotations

import argparse
import math
import sys

import pandas as pd

from reviewlib.appraisal import agreement, check_folder, conflicts, final_answers, progress
from reviewlib.errors import InputError, OverwriteError, Problem, UsageError


def _load(args, *, quiet: bool = True):
    folder, _ = check_folder(args.dir, studies=args.studies)
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


def _read_weights(path: str) -> dict[str, float]:
    """``study_id,weight`` CSV -> dict; every bad cell is an error with its place."""
    from reviewlib.io import read_table

    table = read_table(path, expected=["study_id", "weight"])
    problems = list(table.problems)
    try:
        sid, wcol = table.column("study_id"), table.column("weight")
    except KeyError:
        raise InputError.at(path, table.header_line or 1, "the weights file needs the columns "
                                                          "study_id and weight") from None
    out: dict[str, float] = {}
    for row, line in zip(table.rows, table.lines):
        study, raw = row[table.keys[sid - 1]].strip(), row[table.keys[wcol - 1]].strip()
        try:
            value = float(raw)
            if not math.isfinite(value) or value < 0:
                raise ValueError(raw)
        except ValueError:
            problems.append(Problem(path, line, wcol,
                                    f"weight must be a non-negative number, not {raw!r}"))
            continue
        if study in out:
            problems.append(Problem(path, line, sid, f"{study} has a weight already"))
        out[study] = value
    if problems:
        raise InputError(problems)
    return out


def _plot(args) -> int:
    from pathlib import Path

    from reviewlib.appraisal.plots import save_figure, summary_plot, traffic_light_plot
    from reviewlib.cli.prisma import _is_generated

    target = args.svg or args.png
    suffix = ".svg" if args.svg else ".png"
    if Path(target).suffix.lower() != suffix:
        raise UsageError(f"{target}: the {suffix[1:]} output needs a name ending in {suffix}")
    if Path(target).resolve().is_relative_to(Path(args.dir).resolve()):
        raise UsageError(f"{target}: plots are not written inside the appraisal folder "
                         f"{args.dir}, which holds the appraisers' files")
    if Path(target).is_file() and not _is_generated(Path(target), suffix):
        raise OverwriteError(f"{target}: the file exists and is not a {suffix[1:]} this "
                             "command wrote; not replacing it (choose another name)")
    folder = _load(args)
    if folder is None:
        return 1
    answers = final_answers(folder)
    used = [t for t in folder.tools if (answers["tool"] == t).any()]
    name = args.tool or (used[0] if len(used) == 1 else None)
    if name is None or name not in folder.tools:
        raise UsageError(f"--tool NAME is needed: one of {', '.join(used) or 'none answered'}"
                         if args.tool is None else f"unknown tool {args.tool!r}; "
                         f"{folder.path('tools.csv')} defines {', '.join(folder.tools)}")
    tool = folder.tools[name]
    if args.traffic_light:
        fig = traffic_light_plot(tool, answers)
    else:
        weights = _read_weights(args.weights) if args.weights else None
        fig = summary_plot(tool, answers, weights=weights)
    print(save_figure(fig, target, dpi=args.dpi), file=sys.stderr)
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
    p = actions.add_parser("plot", help="traffic-light or summary plot as SVG or PNG",
                           description="Draw the final answers of one tool.")
    _common(p)
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument("--traffic-light", action="store_true", help="studies x items")
    kind.add_argument("--summary", action="store_true", help="share of each answer per item")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--svg", metavar="FILE")
    out.add_argument("--png", metavar="FILE")
    p.add_argument("--tool", help="the tool to draw (needed when several are used)")
    p.add_argument("--weights", metavar="CSV",
                   help="summary plot weighted by study: a CSV with study_id,weight")
    p.add_argument("--dpi", type=int, default=200, help="PNG resolution (default 200)")
    p.set_defaults(func=_plot)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default="appraisal", metavar="DIR",
                   help="appraisal folder (default: appraisal)")
    p.add_argument("--studies", metavar="CSV",
                   help="the list of studies (default: extraction/studies.csv next to DIR)")
