"""``reviewlib effects``: check an extraction file, or print its effects converted.

::

    reviewlib effects check FILE [--samples PATH] [--json] [--quiet]
    reviewlib effects convert FILE [--scale SCALE] [--json]

``check`` prints one line per finding, ``path:line:column: level: message`` (without the
column when the finding is about the whole row), then a summary on stderr; it exits 1 when
any finding is an error, 0 otherwise. It also validates the samples file next to FILE
(``samples.csv``, or ``--samples PATH``: which sample is a subset of which, see
:mod:`reviewlib.effects.samples`) and that every sample of FILE is declared in it; each
problem is an error. ``convert`` prints every row's yi and vi (each on
its own scale unless ``--scale`` is given) as CSV, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from reviewlib.effects import SCALES, check, convert_frame, load_effects, summary
from reviewlib.effects.samples import check_declared, default_samples_path, load_samples
from reviewlib.errors import InputError
from reviewlib.io import to_csv_text

EXIT_OK, EXIT_PROBLEMS = 0, 1


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``effects`` subcommand and its two actions to ``subparsers``."""
    parser = subparsers.add_parser(
        "effects", help="convert printed statistics to effect sizes; check extraction consistency",
        description="Effect sizes from statistics as printed, and consistency checks.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p_check = actions.add_parser(
        "check", help="recompute what can be recomputed; list inconsistencies",
        description="Check an effects file: odds ratio vs exp(coefficient), CI midpoint, "
                    "t vs estimate/SE, p vs test statistic, stars vs p, and how each printed "
                    "number was read. Exit 1 when any finding is an error.")
    p_check.add_argument("file", metavar="FILE", help="effects file (e.g. extraction/effects.csv)")
    p_check.add_argument("--samples", metavar="PATH",
                         help="samples file saying which sample is part of which (default: "
                              "samples.csv next to FILE, when it exists)")
    p_check.add_argument("--json", action="store_true", help="print the findings as JSON")
    p_check.add_argument("--quiet", action="store_true", help="leave out note-level findings")
    p_check.set_defaults(func=run_check)

    p_conv = actions.add_parser(
        "convert", help="print each effect's yi and vi with the conversion used",
        description="Convert every row to an effect size and sampling variance.")
    p_conv.add_argument("file", metavar="FILE", help="effects file")
    p_conv.add_argument("--scale", choices=SCALES, default=None,
                        help="put every row on this scale (default: each measure's own scale)")
    p_conv.add_argument("--json", action="store_true", help="print JSON instead of CSV")
    p_conv.set_defaults(func=run_convert)
    return parser


def run_check(args: argparse.Namespace) -> int:
    """``effects check``: print findings; 1 if any is an error."""
    table = load_effects(args.file)
    findings = check(table)
    counts = summary(findings)
    samples_path, sample_problems = _sample_problems(table, args.samples)
    counts["error"] += len(sample_problems)
    shown = [f for f in findings if not (args.quiet and f.level == "note")]
    if args.json:
        out = {"path": str(table.path), "rows": len(table), "summary": counts,
               "findings": [dict(effect_id=f.effect_id, line=f.line, level=f.level, code=f.code,
                                 column=f.column, message=f.message,
                                 numbers={k: _json_number(v) for k, v in f.numbers.items()})
                            for f in shown]}
        if samples_path is not None:
            out["samples"] = {"path": str(samples_path),
                              "problems": [dict(path=q.path, line=q.line, column=q.column,
                                                message=q.message) for q in sample_problems]}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        if not args.quiet:
            for note in table.notes:  # how the file itself was read (BOM, delimiter, ...)
                print(f"{table.path}:{note.line or 1}: note: {note.message}")
        for f in shown:
            print(f.format(table.path))
        for q in sample_problems:
            where, message = str(q)[: -len(q.message) - 2], q.message
            print(f"{where}: error: {message}")
        print(f"{table.path}: {len(table)} row(s): {counts['error']} error(s), "
              f"{counts['warning']} warning(s), {counts['note']} note(s)", file=sys.stderr)
    return EXIT_PROBLEMS if counts["error"] else EXIT_OK


def _sample_problems(table, explicit: str | None):
    """The samples file used (None when there is none) and every problem with it."""
    path = default_samples_path(table.path) if explicit is None else explicit
    if explicit is None and not path.exists():
        return None, []
    try:
        tree = load_samples(path)
    except InputError as e:
        return path, list(e.problems)
    return path, check_declared(tree, table)


def run_convert(args: argparse.Namespace) -> int:
    """``effects convert``: print every row converted."""
    frame = convert_frame(load_effects(args.file), args.scale)
    if args.json:
        records = [{k: _json_number(v) for k, v in rec.items()}
                   for rec in frame.to_dict(orient="records")]
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        text = to_csv_text(frame.astype({"yi": object, "vi": object, "se": object})
                           .map(_csv_number))
        sys.stdout.write(text)
    return EXIT_OK


def _json_number(v):
    """NaN and infinities are not JSON: write them as null."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return _json_number(v.item())
    return v


def _csv_number(v):
    """Full precision for floats (repr round-trips), blank for NaN."""
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    return v
