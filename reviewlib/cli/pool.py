"""``reviewlib pool``: pool effect sizes from a table or from the extraction data.

Two ways in (the command-line contract in the README):

``reviewlib pool FILE --yi COL --vi COL [--label COL] [--method M] [--knha] [--level 95] [--json]``
    FILE is any CSV/TSV :func:`reviewlib.io.read_table` can read; every cell of the two
    columns must be a number (vi > 0), else each bad cell is reported as
    ``path:line:column: message`` and the exit code is 1.
``reviewlib pool --effects extraction/effects.csv --outcome NAME [--exposure NAME]
[--sample NAME ...] [--model NAME] [--exclude-errors] [--by COLUMN] ...``
    Effects selected, checked and converted by
    :func:`reviewlib.effects.pooling.select_for_pooling`: NAME of the outcome may be a unique
    prefix; intercepts are never pooled; a selection that matches nothing lists the
    outcomes, exposures, samples and models of the file (exit 2). Effects that are not
    independent -- a sample with its own subsample (declared in ``samples.csv`` next to the
    effects file, or ``--samples-file``), several rows of one sample, different exposures,
    different effect-size families -- are refused with exit 1 and a message naming the rows
    and the ways out (``--model``, ``--sample``, ``--multilevel study/effect``,
    ``--robust study``; overlapping samples and mixed families are refused in every mode).
    A row with an error-level finding of :func:`reviewlib.effects.check` is pooled with a
    warning on stderr, or left out with ``--exclude-errors``. When some SEs are upper bounds
    (p printed as 0.000), the output says that Q, I^2 and tau^2 are uninformative (JSON:
    ``se_upper_bound``, ``heterogeneity_informative``, ``notes``).

Without ``--json`` the metafor-like summary is printed; with it, one JSON object whose keys
include k, method, estimate, se, ci_low, ci_high, tau2, i2, h2, q, q_p, pi_low, pi_high.
``--by COLUMN`` adds a subgroup analysis (separate tau^2 per group); with ``--effects``,
``--by appraisal`` (or ``appraisal:TOOL``) groups by each study's appraisal judgement.

``reviewlib pool FILE --yi COL --vi COL --multilevel OUTER/INNER [--robust CLUSTER] [--json]``
    Dependent effects (:mod:`reviewlib.meta.multilevel`, :mod:`reviewlib.meta.robust`): the
    three-level model, and/or CR2 cluster-robust inference (``--robust`` also works on the
    plain model).  JSON keys: k, estimate, se, ci_low, ci_high, sigma2 (list, outer level
    first), q, and with ``--robust`` robust_se, robust_df, robust_p.  A missing cluster
    column or an empty cluster cell is reported as ``path:line[:column]``, a design the
    model cannot fit (one cluster, clusters that hold one group each) as ``path: ...``;
    both exit 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

import numpy as np
import pandas as pd

from reviewlib.errors import InputError, Problem, UsageError
from reviewlib.meta import METHODS, multilevel, pool, robust

_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``pool`` subcommand to the dispatcher."""
    p = subparsers.add_parser(
        "pool", help="pool effect sizes (fixed and random effects, as R metafor's rma.uni)",
        description="Pool effect sizes with a fixed- or random-effects model whose numbers "
                    "match R metafor's rma.uni.")
    p.add_argument("file", nargs="?", help="CSV/TSV file with one effect per row")
    p.add_argument("--yi", help="column of effect sizes (FILE mode)")
    p.add_argument("--vi", help="column of sampling variances (FILE mode)")
    p.add_argument("--label", help="column of study labels (FILE mode, optional)")
    p.add_argument("--effects", metavar="PATH",
                   help="extraction effects file (e.g. extraction/effects.csv) instead of FILE")
    p.add_argument("--outcome", help="outcome to pool (with --effects)")
    p.add_argument("--exposure", help="exposure to pool (with --effects)")
    p.add_argument("--sample", action="extend", nargs="+", metavar="NAME",
                   help="samples to include (with --effects; one or more names)")
    p.add_argument("--model", help="keep rows of this model only, e.g. 'Model I' (with --effects)")
    p.add_argument("--samples-file", metavar="PATH",
                   help="which sample is part of which (with --effects; default: samples.csv "
                        "next to the effects file)")
    p.add_argument("--exclude-errors", action="store_true",
                   help="leave out effects with an error-level finding of 'reviewlib effects "
                        "check' (with --effects; by default they are pooled, with a warning)")
    p.add_argument("--by", metavar="COLUMN",
                   help="subgroup analysis by this column; with --effects also 'appraisal' or "
                        "'appraisal:TOOL' (the studies' appraisal judgements)")
    p.add_argument("--multilevel", metavar="OUTER/INNER",
                   help="three-level model: random effects for OUTER clusters and INNER groups "
                        "within them, as metafor's rma.mv(yi, vi, random = ~ 1 | OUTER/INNER) "
                        "(FILE mode; REML, or --method ML)")
    p.add_argument("--robust", metavar="CLUSTER",
                   help="CR2 cluster-robust standard error with Satterthwaite df, clustered by "
                        "this column, as clubSandwich's coef_test (FILE mode)")
    p.add_argument("--method", default="REML", type=str.upper, choices=METHODS,
                   help="tau^2 estimator (default REML; FE = fixed effect)")
    p.add_argument("--knha", action="store_true",
                   help="Knapp-Hartung adjustment (t distribution with k-1 df)")
    p.add_argument("--level", type=float, default=95.0, help="confidence level in %% (default 95)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_dependence_options(p)
    p.set_defaults(func=run)
    return p


def _add_dependence_options(p: argparse.ArgumentParser) -> None:
    """--multilevel and --robust, unless the parser has them already."""
    have = p._option_string_actions  # noqa: SLF001 -- the only way argparse exposes it
    if "--multilevel" not in have:
        p.add_argument("--multilevel", metavar="OUTER/INNER",
                       help="three-level random-effects model, e.g. study/effect")
    if "--robust" not in have:
        p.add_argument("--robust", metavar="CLUSTER",
                       help="cluster-robust (CR2) standard errors by this column, e.g. study")


def _number(text: str) -> float:
    value = float(text)
    if not np.isfinite(value):
        raise ValueError(text)
    return value


def read_effects_table(path: str, yi: str, vi: str, label: str | None = None,
                       by: str | None = None,
                       clusters: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """Read FILE's effect and variance columns, checking every cell.

    Returns a DataFrame with columns yi, vi, label (and group when ``by`` is given, and
    one column per key of ``clusters``, which maps a role such as ``"outer"`` to the
    column name and the option that asked for it, e.g. ``("study", "--multilevel")``).

    Raises
    ------
    InputError
        One problem per bad cell (``path:line:column``): empty, not a number, infinite,
        or a variance that is not positive; an empty cell of the ``by`` column.
    UsageError
        When a named column does not exist.
    InputError
        When a cluster column does not exist (``path:header line``) or a cluster cell is
        empty (``path:line:column``).
    """
    from reviewlib.io import read_table

    table = read_table(path)
    table.raise_for_problems()
    clusters = clusters or {}
    cluster_cols = {}
    for role, (name, option) in clusters.items():
        try:
            cluster_cols[role] = table.column(name)
        except KeyError as e:
            raise InputError.at(path, table.header_line,
                                f"no column {name!r} for {option}; the columns are "
                                f"{', '.join(table.header)}") from e
    cols = {}
    for role, name in (("yi", yi), ("vi", vi), ("label", label), ("group", by)):
        if name is None:
            continue
        try:
            cols[role] = table.column(name)
        except KeyError as e:
            raise UsageError(f"{path}: no column {name!r}; the columns are "
                             f"{', '.join(table.header)}") from e
    problems: list[Problem] = []
    out = {"yi": [], "vi": [], "label": [], "group": [], **{role: [] for role in clusters}}
    for row, line in zip(table.rows, table.lines):
        for role in ("yi", "vi"):
            col = cols[role]
            raw = row[table.keys[col - 1]].strip()
            try:
                value = _number(raw)
            except ValueError:
                hint = (" (decimal comma? write it with a point)" if _DECIMAL_COMMA.match(raw)
                        else "")
                what = "empty" if raw == "" else f"not a number: {raw!r}"
                problems.append(Problem(str(path), line, col, f"{table.header[col - 1]} is {what}{hint}"))
                value = np.nan
            else:
                if role == "vi" and value <= 0:
                    problems.append(Problem(str(path), line, col,
                                            f"{table.header[col - 1]} must be positive, not {raw}"))
            out[role].append(value)
        out["label"].append(row[table.keys[cols["label"] - 1]] if "label" in cols
                            else f"row {line}")
        if "group" in cols:
            col = cols["group"]
            value = row[table.keys[col - 1]].strip()
            if value == "":  # a blank cell would silently become a group of its own
                problems.append(Problem(str(path), line, col,
                                        f"{table.header[col - 1]} is empty: every study needs "
                                        f"a subgroup for --by {by}"))
            out["group"].append(value)
        else:
            out["group"].append("")
        for role, col in cluster_cols.items():
            value = row[table.keys[col - 1]].strip()
            if value == "":
                problems.append(Problem(str(path), line, col,
                                        f"{table.header[col - 1]} is empty: every effect needs "
                                        f"a cluster for {clusters[role][1]}"))
            out[role].append(value)
    if problems:
        raise InputError(problems)
    if not out["yi"]:
        raise InputError.at(path, table.header_line, "no data rows")
    frame = pd.DataFrame(out)
    return frame if by is not None else frame.drop(columns="group")


def _effects_mode(args) -> str:
    """What dependence the command line models: multilevel, robust or none."""
    if getattr(args, "multilevel", None):
        return "multilevel"
    if getattr(args, "robust", None):
        return "robust"
    return "independent"


def _from_effects(args):
    """Select, check and convert the effects; refuses (exit 1) what is not independent."""
    from reviewlib.effects.pooling import select_for_pooling

    sel = select_for_pooling(args.effects, outcome=args.outcome, exposure=args.exposure,
                             samples=args.sample, model=args.model,
                             exclude_errors=args.exclude_errors, mode=_effects_mode(args),
                             samples_file=args.samples_file)
    frame = sel.frame
    excluded = list(frame.attrs.get("excluded", []))
    data = pd.DataFrame({"yi": frame["yi"].to_numpy(float), "vi": frame["vi"].to_numpy(float),
                         "label": frame["label"].astype(str).to_numpy()})
    if args.by is not None and args.by.split(":")[0] == "appraisal":
        # --by appraisal[:TOOL]: each study's appraisal judgement (reviewlib.appraisal)
        from reviewlib.appraisal.downstream import add_appraisal_column
        frame = add_appraisal_column(frame, args.by, args.effects)
    if args.by is not None:
        if args.by not in frame.columns:
            raise UsageError(f"--by {args.by!r} is not a column of the prepared effects "
                             f"({', '.join(frame.columns)})")
        data["group"] = frame[args.by].astype(str).to_numpy()
    # rows kept although the consistency checks found an error in them: say so, every time
    for eid, line, flags in zip(frame["effect_id"], frame["line"], frame["flags"]):
        codes = [f.split(":", 1)[1] for f in str(flags).split(";") if f.startswith("check_error:")]
        if codes:
            print(f"{args.effects}:{line}: warning: {eid} is pooled although 'reviewlib effects "
                  f"check' finds an error in it ({', '.join(codes)}); --exclude-errors leaves "
                  "such rows out", file=sys.stderr)
    info = {"source": str(args.effects), "outcome": sel.outcome, "scale": sel.scale,
            "effect_ids": list(frame["effect_id"]), "excluded": excluded,
            "se_upper_bound": list(sel.bounded),
            "heterogeneity_informative": not sel.any_bounded}
    if sel.any_bounded:
        from reviewlib.effects.pooling import bounds_note
        info["notes"] = [bounds_note(sel.bounded, len(frame))]
    return data, info, sel


def _pool_dependent_effects(args, sel, info) -> int:
    """--effects with --multilevel/--robust: the dependent-effects model of reviewlib.meta."""
    from reviewlib.meta.dependent import pool_dependent

    frame = sel.frame
    columns = {"study": "study_id", "effect": "effect_id", "sample": "sample"}

    def labels(name):
        column = columns.get(name, name)
        if column not in frame.columns:
            raise UsageError(f"{name!r} is not a level of the effects; use one of "
                             + ", ".join(list(columns) + list(frame.columns)))
        return frame[column].astype(str).tolist()

    outer = inner = cluster = names = None
    if getattr(args, "multilevel", None):
        parts = args.multilevel.split("/")
        if len(parts) != 2 or not all(parts):
            raise UsageError(f"--multilevel takes OUTER/INNER, e.g. study/effect; got "
                             f"{args.multilevel!r}")
        outer, inner, names = labels(parts[0]), labels(parts[1]), (parts[0], parts[1])
    if getattr(args, "robust", None):
        cluster = labels(args.robust)
    fit, rob = pool_dependent(frame["yi"].to_numpy(float), frame["vi"].to_numpy(float),
                              outer=outer, inner=inner, cluster=cluster, level=args.level,
                              method=args.method, names=names,
                              cluster_name=getattr(args, "robust", None))
    if args.json:
        out = fit.to_dict()
        if rob is not None:
            out.update(rob.to_dict())
        out.update(info)
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    print(f"source: {info['source']} (scale: {info['scale']})")
    print(fit.summary())
    if rob is not None:
        print("\n" + rob.summary())
    for note in info.get("notes", []):
        print(f"\nNote: {note}")
    return 0


def run(args) -> int:
    """Run ``reviewlib pool``; returns the exit code."""
    if (args.file is None) == (args.effects is None):
        raise UsageError("give either FILE (with --yi and --vi) or --effects PATH")
    if args.file is not None:
        if not args.yi or not args.vi:
            raise UsageError("FILE mode needs --yi COL and --vi COL")
        if args.multilevel or args.robust:
            return _run_dependent(args)
        data = read_effects_table(args.file, args.yi, args.vi, args.label, args.by)
        info = {"source": args.file}
    else:
        if args.outcome is None:
            raise UsageError("--effects needs --outcome NAME")
        data, info, sel = _from_effects(args)
        if _effects_mode(args) != "independent":
            return _pool_dependent_effects(args, sel, info)
    res = pool(data["yi"], data["vi"], method=args.method, test="knha" if args.knha else "z",
               level=args.level, labels=data["label"])
    sub = res.subgroup(data["group"]) if args.by is not None else None
    if args.json:
        out = res.to_dict()
        out.update(info)
        if sub is not None:
            out["subgroups"] = sub.to_dict()
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    print(f"source: {info['source']}" + (f" (scale: {info['scale']})" if info.get("scale") else ""))
    for row in info.get("excluded", []):
        print(f"{info['source']}:{row.get('line')}: left out {row.get('effect_id')}: "
              f"{row.get('reason')}", file=sys.stderr)
    print(res.summary())
    for note in info.get("notes", []):
        print(f"Note: {note}\n")
    if sub is not None:
        print(f"Subgroups by {args.by} (separate tau^2):")
        print(sub.table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
        t = sub.test
        print(f"\nTest for subgroup differences: Qb(df = {t.df:g}) = {t.qb:.4f}, p = {t.pval:.4g}")
    return 0


def _finite(value):
    return value if not isinstance(value, float) or np.isfinite(value) else None


def _run_dependent(args) -> int:
    """FILE mode with ``--multilevel OUTER/INNER`` and/or ``--robust CLUSTER``."""
    clusters: dict[str, tuple[str, str]] = {}
    if args.by is not None:
        raise UsageError("--by cannot be combined with --multilevel or --robust")
    if args.multilevel:
        parts = [x.strip() for x in args.multilevel.split("/")]
        if len(parts) != 2 or not all(parts):
            raise UsageError(f"--multilevel takes OUTER/INNER, two column names joined by '/' "
                             f"(e.g. study/effect), not {args.multilevel!r}")
        if args.method not in ("REML", "ML"):
            raise UsageError(f"--multilevel fits by REML (default) or --method ML, not {args.method}")
        if args.knha:
            raise UsageError("--knha does not apply to --multilevel; use --robust CLUSTER for "
                             "small-sample inference")
        clusters["outer"] = (parts[0], "--multilevel")
        clusters["inner"] = (parts[1], "--multilevel")
    if args.robust:
        clusters["cluster"] = (args.robust, "--robust")
    data = read_effects_table(args.file, args.yi, args.vi, args.label, None, clusters)
    try:
        if args.multilevel:
            res = multilevel(data["yi"], data["vi"], data["outer"], data["inner"],
                             method=args.method, level=args.level,
                             names=(clusters["outer"][0], clusters["inner"][0]))
        else:
            res = pool(data["yi"], data["vi"], method=args.method,
                       test="knha" if args.knha else "z", level=args.level, labels=data["label"])
        rob = (robust(res, data["cluster"], cluster_name=args.robust) if args.robust else None)
    except UsageError as e:  # the data cannot support the model: a problem of the file
        raise InputError.at(args.file, None, str(e)) from e
    if args.json:
        out = {key: _finite(val) for key, val in res.to_dict().items()}
        out["source"] = args.file
        if rob is not None:
            out.update({key: _finite(val) for key, val in rob.to_dict().items()})
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    print(f"source: {args.file}")
    print(res.summary())
    if rob is not None:
        print()
        print(rob.summary())
    return 0
