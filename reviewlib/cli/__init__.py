"""The ``reviewlib`` command: a thin shell over the library.

Each subcommand lives in its own module ``reviewlib.cli.<name>`` that defines

``register(subparsers) -> argparse.ArgumentParser``
    adds its parser and sets ``func`` (a callable taking the parsed namespace and returning
    an exit code) as a default.

Exit codes (README, "The `reviewlib` command"): 0 success, 1 problems found in the user's data, 2 usage error.
Library errors are printed as one line each (``path:line:column: message``), never as a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from reviewlib import __version__
from reviewlib.errors import InputError, OverwriteError, ReviewlibError, UsageError

#: Subcommands in the order of a review, with a one-line summary each.
SUBCOMMANDS: dict[str, str] = {
    "new": "create an empty review workspace that builds at once",
    "check": "every data check of a review workspace; exit 1 on errors",
    "dedup": "deduplicate bibliographic exports (.bib, .ris, .csv, .tsv)",
    "screen": "check screening decision files; screening progress and agreement",
    "prisma": "PRISMA 2020 counts (JSON, PRISMA2020 CSV template) and flow diagram",
    "effects": "convert printed statistics to effect sizes; check extraction consistency",
    "pool": "pool effect sizes (fixed and random effects, as R metafor's rma.uni)",
    "appraise": "quality appraisal: check answer files, agreement, conflicts, plots",
}

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("reviewlib")


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message on one line."""


def _not_built(name: str, summary: str, subparsers) -> None:
    p = subparsers.add_parser(name, help=f"{summary} (not built yet)", add_help=True)
    p.add_argument("rest", nargs=argparse.REMAINDER)

    def run(args) -> int:
        print(f"reviewlib {name}: not built yet in this version of reviewlib", file=sys.stderr)
        return EXIT_USAGE

    p.set_defaults(func=run)


def _command_in(argv: list[str] | None) -> str | None:
    """The subcommand named in ``argv`` (the first word that is not an option), if known."""
    for word in argv or ():
        if not word.startswith("-"):
            return word if word in SUBCOMMANDS else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; given ``argv`` naming a subcommand, only that subcommand's module is
    imported (the others get a placeholder with their summary, enough for the top-level
    help and for argparse's choice check), so that a command does not pay for the imports
    of every other one (statsmodels, matplotlib, scipy.stats)."""
    wanted = _command_in(argv)
    parser = _Parser(
        prog="reviewlib",
        description="A systematic review and meta-analysis workspace: every count and estimate from the data.",
    )
    parser.add_argument("--version", action="version", version=f"reviewlib {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more messages (-v: progress, -vv: debug)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, summary in SUBCOMMANDS.items():
        if wanted is not None and name != wanted:
            subparsers.add_parser(name, help=summary)
            continue
        try:
            module = importlib.import_module(f"reviewlib.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"reviewlib.cli.{name}":
                raise
            _not_built(name, summary, subparsers)
            continue
        module.register(subparsers)
    return parser


def _set_verbosity(level: int) -> None:
    """Map -v counts to logging levels on the package logger (never the root logger)."""
    log.setLevel({0: logging.WARNING, 1: logging.INFO}.get(level, logging.DEBUG))
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(e.code or 0)
    _set_verbosity(args.verbose)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except InputError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return EXIT_PROBLEMS
    except (UsageError, OverwriteError) as e:
        print(f"reviewlib {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ReviewlibError as e:
        print(f"reviewlib {args.command}: {e}", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # a defect of ours, or input so extreme that no check foresaw it
        if args.verbose >= 2:
            log.exception("reviewlib %s: unexpected error", args.command)
        print(f"reviewlib {args.command}: unexpected error ({type(e).__name__}: {e}); "
              "nothing was written. Rerun with -vv for the details and please report it.",
              file=sys.stderr)
        return EXIT_PROBLEMS
