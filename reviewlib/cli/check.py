"""``reviewlib check [DIR]``: every data check of a review workspace (see :mod:`reviewlib.check`).

Errors are printed on stdout as ``path:line:column: message`` and make the exit code 1;
warnings are printed as ``path:line:column: warning: message`` and leave it at 0. A summary
per check goes to stderr. Nothing is written.
"""

from __future__ import annotations

import argparse
import sys

from reviewlib.check import CHECKS, run_checks
from reviewlib.errors import Problem

EXIT_OK, EXIT_PROBLEMS = 0, 1


def run(args: argparse.Namespace) -> int:
    report = run_checks(args.dir, only=args.only or None)
    for p in report.problems:
        if p.level == "error":
            print(p)
        elif not args.quiet:
            print(_with_level(p))
    for name, found in report.results.items():
        errors = sum(p.level == "error" for p in found)
        warnings = len(found) - errors
        state = "OK" if not found else f"{errors} error(s), {warnings} warning(s)"
        print(f"check {name}: {state}", file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} error(s) in {args.dir}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _with_level(p: Problem) -> str:
    """``path:line:column: warning: message``."""
    return str(Problem(p.path, p.line, p.column, f"{p.level}: {p.message}"))


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``check`` to the ``reviewlib`` command."""
    names = [c.name for c in CHECKS]
    parser = subparsers.add_parser(
        "check", help="every data check of a review workspace (screening, extraction, "
                      "effects, references, ...)",
        description="Run every data check of a review workspace: " + ", ".join(names) +
                    ". Errors exit 1; warnings are printed and exit 0. Nothing is written.")
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR",
                        help="the workspace folder (default: the current folder)")
    parser.add_argument("--only", action="append", choices=names, metavar="CHECK",
                        help="run only this check (repeatable): " + ", ".join(names))
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.set_defaults(func=run)
    return parser
