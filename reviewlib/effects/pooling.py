"""Choosing effects that may be pooled together, and refusing those that may not.

A random-effects model (``reviewlib.meta.pool``) assumes one independent effect per
sample. :func:`select_for_pooling` selects effects of an effects file like
:func:`reviewlib.effects.prepare_analysis`, then checks that assumption against the file and
its companion ``samples.csv`` (:mod:`reviewlib.effects.samples`), and raises
:class:`PoolingRefused` -- naming the rows and the ways out -- when

* two samples of one study overlap (a full sample with its own subsample, two splits of the
  same units, or samples whose relation is not declared): refused in every mode;
* the effects come from different effect-size families (an odds ratio and a path
  coefficient): refused in every mode, no conversion across families is assumed;
* several rows come from one sample (Models I-III fitted to the same firms), or the rows
  are of different exposures or outcomes: refused unless the dependence is modelled
  (``mode="multilevel"`` or ``mode="robust"``).

Intercepts (``constant``, ``intercept``, ``_cons``) are never pooled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewlib.errors import ReviewlibError, UsageError

from .analysis import INTERCEPTS, _matches, prepare_analysis
from .samples import SampleTree, default_samples_path, load_samples
from .table import EffectsTable, load_effects

#: Effect-size family of each measure. Effects of different families are never pooled.
FAMILIES: dict[str, str] = {
    "logit_coef": "odds ratio", "log_odds_ratio": "odds ratio", "odds_ratio": "odds ratio",
    "r": "correlation", "partial_r": "correlation", "fisher_z": "correlation",
    "path_coef": "standardised coefficient", "beta": "standardised coefficient",
    "d": "standardised mean difference", "g": "standardised mean difference",
}

#: The scale each family is pooled on.
FAMILY_SCALES: dict[str, str] = {
    "odds ratio": "log_odds_ratio", "correlation": "fisher_z",
    "standardised coefficient": "standardized_coef", "standardised mean difference": "smd",
}

#: Modes of :func:`select_for_pooling`: what dependence the caller models.
MODES = ("independent", "multilevel", "robust")

#: Flag of a row whose SE is an upper bound (from a p-value printed as 0 or with "<").
BOUND_FLAG = "p_bound_conservative"


def is_intercept(exposure: str) -> bool:
    """Whether ``exposure`` names a regression intercept."""
    return exposure.strip().casefold() in INTERCEPTS


@dataclass(frozen=True)
class Issue:
    """One reason why selected effects are not independent.

    ``kind`` is ``overlap``, ``family``, ``shared_sample``, ``exposures`` or ``outcomes``;
    ``always`` is true for the kinds no mode can model.
    """

    kind: str
    message: str
    effect_ids: tuple[str, ...] = ()
    always: bool = False


class PoolingRefused(ReviewlibError):
    """The selected effects are not independent and nothing in the request models that.

    ``issues`` lists the reasons; ``str(error)`` is the full message with the ways out.
    """

    def __init__(self, message: str, issues: list[Issue]):
        self.issues = issues
        super().__init__(message)


def available(table: EffectsTable, outcome: str | None = None) -> dict[str, list[str]]:
    """Outcomes, exposures, samples and models of the file (of ``outcome`` when given).

    Intercepts are left out of the exposures.
    """
    rows = [r for r in table.rows if _matches(r.outcome, outcome)] or table.rows
    out = {}
    for name in ("outcome", "exposure", "sample", "model"):
        values = {}
        for r in (table.rows if name == "outcome" else rows):
            v = getattr(r, name).strip()
            if v and not (name == "exposure" and is_intercept(v)):
                values.setdefault(v.casefold(), v)
        out[name + "s"] = sorted(values.values(), key=str.casefold)
    return out


def _listing(avail: dict[str, list[str]]) -> str:
    return "\n".join(f"  {name}: " + ("; ".join(repr(v) for v in values) or "(none)")
                     for name, values in avail.items())


def resolve_outcome(table: EffectsTable, outcome: str) -> str:
    """The outcome of the file that ``outcome`` names: itself, or the unique outcome it begins.

    Case and surrounding space are ignored.

    Raises
    ------
    UsageError
        When no outcome matches (the message lists them all) or when the prefix begins
        several outcomes (the message lists those).
    """
    outcomes = available(table)["outcomes"]
    wanted = outcome.strip().casefold()
    exact = [o for o in outcomes if o.casefold() == wanted]
    if exact:
        return exact[0]
    begins = [o for o in outcomes if o.casefold().startswith(wanted)] if wanted else []
    if len(begins) == 1:
        return begins[0]
    if begins:
        raise UsageError(f"--outcome {outcome!r} begins several outcomes of {table.path}; "
                         "give more of the name:\n" + "\n".join(f"  {o!r}" for o in begins))
    raise UsageError(f"{table.path}: no outcome is or begins with {outcome!r}; the file has:\n"
                     + _listing(available(table)))


def _selected(table: EffectsTable, outcome, exposure, samples, model) -> list:
    wanted = None if samples is None else {s.strip().casefold() for s in samples}
    return [r for r in table.rows
            if _matches(r.outcome, outcome) and _matches(r.exposure, exposure)
            and _matches(r.model, model) and not is_intercept(r.exposure)
            and (wanted is None or r.sample.strip().casefold() in wanted)]


def _row_name(frame_row) -> str:
    return f"line {frame_row['line']} {frame_row['effect_id']}"


def _lines(rows: list[dict]) -> str:
    lines = [str(r["line"]) for r in rows]
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(lines)


def dependence_issues(frame: pd.DataFrame, tree: SampleTree) -> list[Issue]:
    """Every way in which the rows of a prepared frame are not independent.

    ``frame`` has the columns of :func:`reviewlib.effects.prepare_analysis` (effect_id,
    study_id, sample, measure, exposure, outcome, line).
    """
    issues: list[Issue] = []
    rows = frame.to_dict(orient="records")
    families = {}
    for r in rows:
        families.setdefault(FAMILIES.get(r["measure"], r["measure"]), []).append(r)
    if len(families) > 1:
        issues.append(Issue("family", "effects of different families, which are not pooled "
                            "together: " + "; ".join(
                                f"{fam}: " + ", ".join(_row_name(r) for r in members)
                                for fam, members in families.items()),
                            tuple(r["effect_id"] for r in rows), always=True))
    samples: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        samples.setdefault((r["study_id"], r["sample"].strip().casefold()), []).append(r)
    keys = list(samples)
    words = {"nested": "is part of", "overlap": "may share units with",
             "unknown": "has no declared relation to"}
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            rel = tree.relation((a[0], samples[a][0]["sample"]), (b[0], samples[b][0]["sample"]))
            if rel in ("disjoint", "same"):
                continue
            sa, sb = samples[a][0]["sample"], samples[b][0]["sample"]
            if rel == "nested" and tree.get(a[0], sa) in tree.lineage(b[0], sb):
                sa, sb = sb, sa
            ids = [r["effect_id"] for r in samples[a] + samples[b]]
            lines = {k: _lines(samples[k]) for k in (a, b)}
            la, lb = (lines[a], lines[b]) if sa == samples[a][0]["sample"] else (lines[b], lines[a])
            issues.append(Issue("overlap", f"{a[0]}: sample {sa!r} ({la}) {words[rel]} "
                                f"{sb!r} ({lb})", tuple(ids), always=True))
    for (study, _), members in samples.items():
        if len(members) > 1:
            issues.append(Issue("shared_sample", f"{len(members)} rows of one sample, "
                                f"{study} {members[0]['sample']!r}: "
                                + ", ".join(f"{_row_name(r)} ({r['model'] or 'no model'}, "
                                            f"{r['exposure']})" for r in members),
                                tuple(r["effect_id"] for r in members)))
    for column in ("exposure", "outcome"):
        values: dict[str, list[dict]] = {}
        for r in rows:
            values.setdefault(r[column].strip().casefold(), []).append(r)
        if len(values) > 1:
            issues.append(Issue(column + "s", f"rows of {len(values)} different {column}s: "
                                + "; ".join(f"{members[0][column]!r} ("
                                            + ", ".join(_row_name(r) for r in members) + ")"
                                            for members in values.values()),
                                tuple(r["effect_id"] for r in rows)))
    return issues


def _ways_out(frame: pd.DataFrame, tree: SampleTree, issues: list[Issue]) -> list[str]:
    kinds = {i.kind for i in issues}
    out = []
    if "shared_sample" in kinds:
        models = sorted({m for m in frame["model"] if m}, key=str.casefold)
        if len(models) > 1:
            out.append("--model NAME       one model per sample; here: "
                       + ", ".join(repr(m) for m in models))
    if "overlap" in kinds:
        sets = _independent_sample_sets(frame, tree)
        if sets:
            out.append("--sample NAME ...  samples that do not overlap, one row each; e.g. "
                       + " or ".join("--sample " + " ".join(_quote(s) for s in group)
                                     for group in sets))
    if kinds & {"exposures"}:
        out.append("--exposure NAME    one exposure; here: "
                   + ", ".join(repr(e) for e in dict.fromkeys(frame["exposure"])))
    if kinds & {"shared_sample", "exposures", "outcomes"}:
        out.append("--multilevel study/effect   a three-level model of effects within studies "
                   "(several rows per sample allowed)")
        out.append("--robust study     cluster-robust (CR2) standard errors by study")
    return out


def _quote(name: str) -> str:
    return f'"{name}"' if any(c in name for c in " ()'") else name


def _independent_sample_sets(frame: pd.DataFrame, tree: SampleTree) -> list[list[str]]:
    """Groups of the frame's samples that do not overlap: each declared split, each root."""
    present = {(s, x.strip().casefold()): x for s, x in zip(frame["study_id"], frame["sample"])}
    groups: dict[tuple, list[str]] = {}
    for (study, key), name in present.items():
        s = tree.get(study, name)
        if s is None:
            continue
        if s.split:
            groups.setdefault((study, s.parent_sample.casefold(), s.split.casefold()),
                              []).append(name)
        else:
            groups.setdefault((study, key, ""), []).append(name)
    return [names for names in groups.values()]


def refusal_message(source, frame: pd.DataFrame, tree: SampleTree, issues: list[Issue],
                    mode: str = "independent") -> str:
    """The text of a refusal: what is wrong, row by row, and the ways out."""
    lines = [f"{source}: the selected effects are not independent; nothing was pooled."]
    lines += [f"  - {i.message}" for i in issues]
    ways = _ways_out(frame, tree, issues)
    if any(i.kind == "overlap" for i in issues):
        lines.append("Samples that overlap are refused in every mode: choose samples with "
                     "--sample (declared in samples.csv: which sample is part of which).")
    if any(i.kind == "family" for i in issues):
        lines.append("Effects of different families are refused in every mode: choose "
                     "--exposure/--outcome so that one family remains.")
    if ways and mode == "independent":
        lines.append("Ways out:")
        lines += [f"  {w}" for w in ways]
    elif ways:
        lines.append("Ways out:")
        lines += [f"  {w}" for w in ways if not w.startswith(("--multilevel", "--robust"))]
    return "\n".join(lines)


def bounds_note(bounded: list[str], k: int) -> str:
    """The sentence that marks a result whose SEs are partly upper bounds."""
    which = "all" if len(bounded) == k else f"{len(bounded)} of the {k}"
    return (f"the standard errors of {which} effects are upper bounds (p printed as 0.000 or "
            "with '<'), so the heterogeneity statistics (Q, I^2, tau^2 or sigma^2) are "
            "uninformative: they are computed from SEs that are too large by an unknown "
            "amount. Effects: " + ", ".join(bounded))


@dataclass
class Selection:
    """What :func:`select_for_pooling` returns: the frame and what was decided about it."""

    frame: pd.DataFrame
    outcome: str
    scale: str
    tree: SampleTree
    bounded: list[str] = field(default_factory=list)

    @property
    def any_bounded(self) -> bool:
        """Whether some SE is only an upper bound (so Q, I² and tau² say nothing)."""
        return bool(self.bounded)


def select_for_pooling(source: EffectsTable | str | Path, *, outcome: str,
                       exposure: str | None = None,
                       samples: Iterable[str] | str | None = None, model: str | None = None,
                       exclude_errors: bool = False, mode: str = "independent",
                       samples_file: str | Path | None = None) -> Selection:
    """Select effects for pooling and refuse the selection when they are not independent.

    Parameters
    ----------
    source : EffectsTable or path
    outcome : str
        The outcome, or a unique prefix of it (case ignored).
    exposure, samples, model, exclude_errors
        As :func:`reviewlib.effects.prepare_analysis`; intercept rows are never selected.
    mode : str
        ``"independent"`` (one effect per sample), ``"multilevel"`` or ``"robust"``
        (several effects per sample allowed, because the caller models the dependence).
    samples_file : path, optional
        The samples file; default ``samples.csv`` next to the effects file (none if absent,
        and then a study with several samples cannot be pooled).

    Returns
    -------
    Selection
        ``frame`` as :func:`prepare_analysis` returns it, on the scale of the rows' family
        (log odds ratio for logistic coefficients and odds ratios); ``bounded`` lists the
        effects whose SE is an upper bound.

    Raises
    ------
    UsageError
        For an unknown mode, an outcome that matches nothing or too much, or a selection
        that matches no row (the message lists what the file has).
    PoolingRefused
        When the rows are not independent in a way ``mode`` does not model.
    InputError
        When the effects or samples file is malformed.

    Examples
    --------
    >>> sel = select_for_pooling("extraction/effects.csv", outcome="performance",
    ...                          exposure="social media", model="Model II",
    ...                          samples=["Java", "outside Java"])    # doctest: +SKIP
    >>> list(sel.frame["sample"])                                      # doctest: +SKIP
    ['Java', 'outside Java']
    """
    if mode not in MODES:
        raise UsageError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    table = source if isinstance(source, EffectsTable) else load_effects(source)
    if samples_file is None:
        default = default_samples_path(table.path)
        tree = load_samples(default) if default.exists() else SampleTree()
    else:
        tree = load_samples(samples_file)
    resolved = resolve_outcome(table, outcome)
    if isinstance(samples, str):
        samples = [samples]
    rows = _selected(table, resolved, exposure, samples, model)
    if not rows:
        raise UsageError(
            f"{table.path}: no effects match the selection (outcome={resolved!r}, exposure="
            f"{exposure!r}, sample={samples!r}, model={model!r}); for this outcome the file "
            "has:\n" + _listing(available(table, resolved)))
    families = {FAMILIES[r.measure] for r in rows}
    scale = FAMILY_SCALES[families.pop()] if len(families) == 1 else "log_odds_ratio"
    frame = prepare_analysis(table, outcome=resolved, exposure=exposure, samples=samples,
                             measure_scale=scale, model=model, exclude_errors=exclude_errors,
                             warn_shared=False)
    if frame.empty:
        raise UsageError(f"{table.path}: every selected effect was left out: "
                         + "; ".join(f"line {x['line']} {x['effect_id']}: {x['reason']}"
                                     for x in frame.attrs.get("excluded", [])))
    issues = dependence_issues(frame, tree)
    blocking = [i for i in issues if i.always or mode == "independent"]
    if blocking:
        raise PoolingRefused(refusal_message(table.path, frame, tree, blocking, mode), blocking)
    bounded = [eid for eid, flags in zip(frame["effect_id"], frame["flags"])
               if BOUND_FLAG in str(flags).split(";")]
    return Selection(frame, resolved, scale, tree, bounded)
