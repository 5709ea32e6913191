"""``reviewlib new DIR``: an empty review workspace that builds at once.

See :func:`reviewlib.templates.create_workspace`. A ``DIR`` that exists and is not empty is
refused (exit 2) and nothing is written.
"""

from __future__ import annotations

import argparse
import sys

from reviewlib.templates import create_workspace


def run(args: argparse.Namespace) -> int:
    dest = create_workspace(args.dir, title=args.title, reviewer=args.reviewer)
    print(f"created {dest}: add an export to {dest}/screening/search/ and a row for it to "
          f"{dest}/screening/sources.csv, then run `make book` there", file=sys.stderr)
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``new`` to the ``reviewlib`` command."""
    parser = subparsers.add_parser(
        "new", help="create an empty review workspace that builds at once",
        description="Create an empty review workspace: screening/ (sources, criteria, "
                    "reasons, one decision file per stage), extraction/ (empty tables, "
                    "codebook), references.bib, chapters that read only the data, "
                    "_config.yml, _toc.yml, Makefile, requirements.txt, .ci/run, README.")
    parser.add_argument("dir", metavar="DIR", help="a new or empty folder")
    parser.add_argument("--title", default="A systematic review",
                        help="the book's title (default: %(default)s)")
    parser.add_argument("--reviewer", default="reviewer1",
                        help="name of the first reviewer's decision files (default: %(default)s)")
    parser.set_defaults(func=run)
    return parser
