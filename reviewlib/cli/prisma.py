"""``reviewlib prisma [DIR] [--json] [--csv FILE] [--svg FILE] [--png FILE]``.

The screening folder is checked first, exactly as ``reviewlib screen check`` does; any
problem (or a failed identity between boxes) is printed as ``path:line:column: message``
and the command exits 1 without writing anything. Outputs are generated files: an existing
one is replaced, atomically -- but only when it is such an output (a PRISMA2020 template
CSV, an SVG, a PNG); any other file at that path is left alone (exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from reviewlib.prisma import TEMPLATE_COLUMNS, prisma_counts, save, write_template
from reviewlib.screening import check_folder
from reviewlib.errors import InputError, OverwriteError, UsageError


def _is_generated(path: Path, suffix: str) -> bool:
    """Whether the existing file at ``path`` looks like an output of this command."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if suffix == ".csv":
        first = head.lstrip(b"\xef\xbb\xbf").splitlines()[:1]
        return first == [",".join(TEMPLATE_COLUMNS).encode()]
    if suffix == ".svg":
        return head.lstrip().startswith((b"<?xml", b"<svg"))
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _run(args) -> int:
    root = Path(args.dir).resolve()
    for path, suffix in ((args.csv, ".csv"), (args.svg, ".svg"), (args.png, ".png")):
        if not path:
            continue
        if Path(path).suffix.lower() != suffix:
            raise UsageError(f"{path}: the {suffix[1:]} output needs a name ending in {suffix}")
        if path.endswith(("/", os.sep)) or Path(path).is_dir():
            raise UsageError(f"{path}: a file name is needed, not a folder")
        if Path(path).resolve().is_relative_to(root):
            raise UsageError(f"{path}: outputs are not written inside the screening folder "
                             f"{args.dir}, which holds the reviewers' files; choose a path "
                             "outside it")
        if Path(path).is_file() and not _is_generated(Path(path), suffix):
            raise OverwriteError(f"{path}: the file exists and is not a {suffix[1:]} this "
                                 "command wrote; not replacing it (choose another name)")
    folder, problems = check_folder(args.dir)
    if problems:
        raise InputError(problems)
    counts = prisma_counts(folder)
    written = []
    if args.csv:
        written.append(write_template(counts, args.csv))
    if args.svg:
        written.append(save(counts, args.svg))
    if args.png:
        written.append(save(counts, args.png, dpi=args.dpi))
    if args.json or not written:
        print(json.dumps(counts.to_dict(), indent=2, ensure_ascii=False))
    return 0


def _positive_int(text: str) -> int:
    """argparse type: a whole number above zero (a usage error, exit 2, otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {value}")
    return value


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``prisma`` to the ``reviewlib`` command."""
    p = subparsers.add_parser(
        "prisma", help="PRISMA 2020 counts (JSON, PRISMA2020 CSV template) and flow diagram",
        description="Count every PRISMA 2020 box from the screening folder; print JSON, write "
                    "the PRISMA2020 R package's CSV template and the flow diagram.")
    p.add_argument("dir", nargs="?", default="screening", metavar="DIR",
                   help="screening folder (default: screening)")
    p.add_argument("--json", action="store_true",
                   help="print the counts as JSON (the default when no file is asked for)")
    p.add_argument("--csv", metavar="FILE", help="write the PRISMA2020 R template CSV")
    p.add_argument("--svg", metavar="FILE", help="write the flow diagram as SVG")
    p.add_argument("--png", metavar="FILE", help="write the flow diagram as PNG")
    p.add_argument("--dpi", type=_positive_int, default=200,
                   help="PNG resolution in dots per inch (default 200)")
    p.set_defaults(func=_run)
    return p
