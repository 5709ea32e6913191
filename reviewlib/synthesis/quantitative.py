"""The quantitative side of the book: which studies report effects, how the printed numbers
were converted and checked, and the few comparisons the data allow.

The functions here only arrange what :mod:`reviewlib.effects` and :mod:`reviewlib.meta`
compute. Two kinds of comparison are offered:

* :func:`compare_subsamples` pools independent subsamples of one study (e.g. firms in Java
  and outside Java) with a random-effects model and sets the pooled value against the same
  study's full-sample estimate. The subsamples partition the full sample, so the full-sample
  row is shown for reference only and never pooled with them.
* :func:`side_by_side` lines up effects whose constructs or scales differ, each with its own
  confidence interval and no pooled value, because an average of unlike quantities has no
  meaning.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter
from scipy import stats

from reviewlib.effects import convert_frame, prepare_analysis
from reviewlib.effects.checks import Finding
from reviewlib.errors import UsageError
from reviewlib.io.table import read_table
from reviewlib.meta import MetaResult, pool
from reviewlib.synthesis.citations import split_keys

#: Printed columns shown next to the converted values (as they appear in effects.csv).
PRINTED_COLUMNS = ("estimate", "odds_ratio", "se", "t", "p", "n")

#: Confidence level used throughout, in percent.
LEVEL = 95.0


def _z(level: float = LEVEL) -> float:
    return float(stats.norm.ppf(0.5 + level / 200.0))


def study_effect_status(studies: pd.DataFrame, effects_path: str | Path) -> pd.DataFrame:
    """Studies that report at least one effect, with the screening's verdict on them.

    Parameters
    ----------
    studies : pandas.DataFrame
        From :func:`~reviewlib.synthesis.evidence.load_studies`.
    effects_path : str or pathlib.Path
        ``extraction/effects.csv``.

    Returns
    -------
    pandas.DataFrame
        ``study_id``, ``reports``, ``design``, ``n``, ``included`` (as in studies.csv),
        ``effects`` (rows in the effects file), ``measures`` (";"-joined), ``role``
        (``"included study"`` or ``"context: not included by the screening"``).
    """
    effects = read_table(effects_path).to_frame()
    per = effects.groupby("study_id").agg(
        effects=("effect_id", "size"),
        measures=("measure", lambda s: "; ".join(sorted(set(s)))))
    rows = studies[studies["study_id"].isin(per.index)][
        ["study_id", "reports", "design", "n", "included"]].copy()
    missing = sorted(set(per.index) - set(studies["study_id"]))
    if missing:
        raise UsageError(f"effects.csv has study_id(s) {', '.join(missing)} that "
                         "studies.csv does not list")
    rows["effects"] = rows["study_id"].map(per["effects"]).astype(int)
    rows["measures"] = rows["study_id"].map(per["measures"])
    rows["role"] = np.where(rows["included"] == "yes", "included study",
                            "context: not included by the screening")
    return rows.reset_index(drop=True)


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """The consistency findings as a table, most serious first, then in file order.

    Returns
    -------
    pandas.DataFrame
        ``level``, ``code``, ``effect_id``, ``line``, ``column``, ``message``.
    """
    order = {"error": 0, "warning": 1, "note": 2}
    frame = pd.DataFrame([{"level": f.level, "code": f.code, "effect_id": f.effect_id,
                           "line": f.line, "column": f.column or "", "message": f.message}
                          for f in findings],
                         columns=["level", "code", "effect_id", "line", "column", "message"])
    frame["_o"] = frame["level"].map(order)
    return frame.sort_values(["_o", "line"], kind="stable").drop(columns="_o").reset_index(
        drop=True)


def findings_summary(findings: Sequence[Finding]) -> pd.DataFrame:
    """How many findings of each level and code, with the number of rows concerned."""
    frame = findings_frame(findings)
    if frame.empty:
        return pd.DataFrame(columns=["level", "code", "findings", "rows"])
    out = (frame.groupby(["level", "code"], sort=False)
           .agg(findings=("effect_id", "size"), rows=("effect_id", "nunique"))
           .reset_index())
    return out


def effect_locations(effects_path: str | Path) -> pd.Series:
    """Where each effect was printed, as the extraction recorded it.

    Parameters
    ----------
    effects_path : str or pathlib.Path
        ``extraction/effects.csv``.

    Returns
    -------
    pandas.Series
        The ``location`` cell (for example ``"Table 3, full, Model I, social media"``)
        indexed by ``effect_id``; the identifier itself where the cell is empty.
    """
    frame = read_table(effects_path).to_frame().set_index("effect_id")
    where = frame["location"] if "location" in frame.columns else \
        pd.Series("", index=frame.index)
    return where.where(where.astype(str).str.strip() != "", frame.index.to_series())


def conversion_frame(effects_path: str | Path, effect_ids: Sequence[str] | None = None,
                     scale: str | None = None) -> pd.DataFrame:
    """Printed numbers next to the converted effect and its standard error.

    Parameters
    ----------
    effects_path : str or pathlib.Path
        ``extraction/effects.csv``.
    effect_ids : sequence of str, optional
        Rows to show, in this order (all rows when omitted).
    scale : str, optional
        Convert every row to this scale (each row's own scale when omitted).

    Returns
    -------
    pandas.DataFrame
        ``effect_id``, ``sample``, ``model``, ``exposure``, the printed columns
        (:data:`PRINTED_COLUMNS`, each prefixed ``printed_``, exactly as in the file), then
        ``scale``, ``yi``, ``se``, ``conversion``, ``flags`` and ``reason`` (why a row
        could not be converted).
    """
    printed = read_table(effects_path).to_frame().set_index("effect_id")
    conv = convert_frame(effects_path, scale=scale).set_index("effect_id")
    ids = list(effect_ids) if effect_ids is not None else list(conv.index)
    unknown = [i for i in ids if i not in conv.index]
    if unknown:
        raise UsageError(f"no effect(s) {', '.join(unknown)} in {effects_path}")
    shown = [c for c in PRINTED_COLUMNS if c in printed.columns]
    out = pd.concat([conv.loc[ids, ["sample", "model", "exposure"]],
                     printed.loc[ids, shown].add_prefix("printed_"),
                     conv.loc[ids, ["scale", "yi", "se", "conversion", "flags", "reason"]]],
                    axis=1)
    return out.reset_index()


@dataclass(frozen=True)
class SubsampleComparison:
    """Independent subsamples of one study pooled, beside the study's full-sample estimate.

    Attributes
    ----------
    title : str
        What is compared, for captions.
    data : pandas.DataFrame
        The subsample rows from :func:`~reviewlib.effects.prepare_analysis`.
    full : pandas.Series
        The full-sample row (same exposure, model and scale).
    result : MetaResult
        Random-effects model of the subsamples.
    """

    title: str
    data: pd.DataFrame
    full: pd.Series
    result: MetaResult

    @property
    def full_interval(self) -> tuple[float, float, float]:
        """Full-sample estimate and Wald interval on the analysis scale."""
        z = _z(self.result.level)
        y, se = float(self.full["yi"]), float(self.full["se"])
        return y, y - z * se, y + z * se

    def table(self, transform=np.exp) -> pd.DataFrame:
        """One row per subsample, the pooled estimate, and the full-sample estimate.

        Columns ``row``, ``estimate``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``
        (pooled row only) and ``n``; values passed through ``transform`` (odds ratios by
        default, from log odds ratios).
        """
        z = _z(self.result.level)
        rows = []
        for r in self.data.itertuples(index=False):
            rows.append({"row": f"subsample: {r.sample}", "estimate": transform(r.yi),
                         "ci_low": transform(r.yi - z * r.se),
                         "ci_high": transform(r.yi + z * r.se),
                         "pi_low": np.nan, "pi_high": np.nan})
        res = self.result
        rows.append({"row": f"pooled subsamples (random effects, {res.method})",
                     "estimate": transform(res.estimate), "ci_low": transform(res.ci_low),
                     "ci_high": transform(res.ci_high), "pi_low": transform(res.pi_low),
                     "pi_high": transform(res.pi_high)})
        y, lo, hi = self.full_interval
        rows.append({"row": f"full sample: {self.full['sample']}", "estimate": transform(y),
                     "ci_low": transform(lo), "ci_high": transform(hi),
                     "pi_low": np.nan, "pi_high": np.nan})
        return pd.DataFrame(rows)

    def forest(self, transform=np.exp, xlabel: str = "odds ratio") -> Figure:
        """The subsamples' forest plot with the full-sample estimate drawn for reference.

        The full-sample estimate is a dotted vertical line and its confidence interval a
        shaded band; it is not part of the pooled model.
        """
        fig, _ = self.result.forest(transform=transform, xlabel=xlabel)
        ax = fig.axes[0]
        y, lo, hi = (transform(v) for v in self.full_interval)
        ax.axvspan(lo, hi, color="#D55E00", alpha=0.10, zorder=0,
                   label=f"full sample {LEVEL:.0f}% CI")
        name = "full sample" if self.full["sample"] == "full" else \
            f"full sample ({self.full['sample']})"
        ax.axvline(y, color="#D55E00", ls=":", lw=1.6, zorder=1, label=f"{name}: {y:.2f}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, fontsize=8,
                  frameon=False)
        if ax.get_xscale() == "log":
            left, right = ax.get_xlim()
            ticks = [t for t in (0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4) if left <= t <= right]
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_locator(NullLocator())
        ax.set_title(self.title, fontsize=10)
        fig.set_size_inches(fig.get_size_inches()[0], fig.get_size_inches()[1] + 0.7)
        if fig.get_layout_engine() is None:
            fig.tight_layout()
        return fig


def compare_subsamples(effects_path: str | Path, *, exposure: str, model: str,
                       subsamples: Sequence[str], full_sample: str, title: str,
                       method: str = "REML") -> SubsampleComparison:
    """Pool independent subsamples of one study and fetch its full-sample estimate.

    Parameters
    ----------
    effects_path : str or pathlib.Path
        ``extraction/effects.csv``.
    exposure, model : str
        Which coefficient (e.g. ``"social media"``, ``"Model I"``).
    subsamples : sequence of str
        ``sample`` labels that split the study's firms into disjoint groups.
    full_sample : str
        ``sample`` label of the whole sample.
    title : str
        Caption of the comparison.
    method : str
        tau^2 estimator for :func:`reviewlib.meta.pool`.

    Returns
    -------
    SubsampleComparison

    Raises
    ------
    UsageError
        When the selection does not give one row per subsample from a single study, or
        not exactly one full-sample row.

    Examples
    --------
    >>> cmp = compare_subsamples("extraction/effects.csv", exposure="social media",
    ...     model="Model I", subsamples=["Java", "outside Java"], full_sample="full",
    ...     title="Java vs outside Java")                       # doctest: +SKIP
    >>> cmp.result.k                                           # doctest: +SKIP
    2
    """
    data = prepare_analysis(effects_path, exposure=exposure, model=model,
                            samples=list(subsamples))
    if sorted(data["sample"]) != sorted(subsamples) or data["study_id"].nunique() != 1:
        raise UsageError(f"expected one {exposure!r} ({model}) row for each of "
                         f"{', '.join(subsamples)} from a single study; found "
                         f"{', '.join(data['effect_id']) or 'none'}")
    full = prepare_analysis(effects_path, exposure=exposure, model=model,
                            samples=[full_sample])
    full = full[full["study_id"] == data["study_id"].iloc[0]]
    if len(full) != 1:
        raise UsageError(f"expected one full-sample ({full_sample!r}) row for {exposure!r} "
                         f"({model}); found {len(full)}")
    data = data.set_index("sample").loc[list(subsamples)].reset_index()
    result = pool("yi", "vi", data=data, labels="sample", method=method, level=LEVEL)
    return SubsampleComparison(title, data, full.iloc[0], result)


def comparison_summary(comparisons: Sequence[SubsampleComparison],
                       transform=np.exp) -> pd.DataFrame:
    """One row per comparison: pooled estimate, heterogeneity, and the full-sample value.

    Columns ``comparison``, ``k``, ``pooled``, ``ci_low``, ``ci_high``, ``pi_low``,
    ``pi_high``, ``tau2``, ``i2`` (%), ``q``, ``q_p``, ``full``, ``full_ci_low``,
    ``full_ci_high``; estimates passed through ``transform``.
    """
    rows = []
    for c in comparisons:
        r = c.result
        y, lo, hi = c.full_interval
        rows.append({"comparison": c.title, "k": r.k, "pooled": transform(r.estimate),
                     "ci_low": transform(r.ci_low), "ci_high": transform(r.ci_high),
                     "pi_low": transform(r.pi_low), "pi_high": transform(r.pi_high),
                     "tau2": r.tau2, "i2": r.i2, "q": r.q, "q_p": r.q_pvalue,
                     "full": transform(y), "full_ci_low": transform(lo),
                     "full_ci_high": transform(hi)})
    return pd.DataFrame(rows)


def side_by_side(effects_path: str | Path, effect_ids: Sequence[str]) -> pd.DataFrame:
    """Effects on their own scales, one row each, with Wald intervals and no pooled value.

    Returns
    -------
    pandas.DataFrame
        ``effect_id``, ``study_id``, ``exposure``, ``outcome``, ``sample``, ``scale``,
        ``yi``, ``se``, ``ci_low``, ``ci_high``, ``flags``.
    """
    conv = convert_frame(effects_path).set_index("effect_id")
    unknown = [i for i in effect_ids if i not in conv.index]
    if unknown:
        raise UsageError(f"no effect(s) {', '.join(unknown)} in {effects_path}")
    out = conv.loc[list(effect_ids), ["study_id", "exposure", "outcome", "sample", "scale",
                                      "yi", "se", "flags"]].copy()
    bad = out.index[out["yi"].isna()].tolist()
    if bad:
        raise UsageError(f"effect(s) {', '.join(bad)} could not be converted")
    z = _z()
    out["ci_low"] = out["yi"] - z * out["se"]
    out["ci_high"] = out["yi"] + z * out["se"]
    return out.reset_index()[["effect_id", "study_id", "exposure", "outcome", "sample",
                              "scale", "yi", "se", "ci_low", "ci_high", "flags"]]


def side_by_side_figure(frame: pd.DataFrame, *, labels: Sequence[str] | None = None,
                        scale_labels: dict[str, str] | None = None,
                        study_labels: dict[str, str] | None = None, wrap: int = 48) -> Figure:
    """One panel per scale, each effect a point with its interval; deliberately no diamond.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`side_by_side`.
    labels : sequence of str, optional
        Row labels (default: ``<study>: <exposure> → <outcome>``).
    scale_labels : dict, optional
        Axis label of each scale (default: the scale's name).
    study_labels : dict, optional
        Display name of each study_id (e.g. author-year labels).
    wrap : int
        Characters per line of the row labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if labels is None:
        names = study_labels or {}
        labels = [f"{names.get(s, s)}: {e} → {o}"
                  for s, e, o in zip(frame["study_id"], frame["exposure"], frame["outcome"])]
    frame = frame.assign(_label=["\n".join(textwrap.wrap(str(t), wrap)) for t in labels])
    scales = list(dict.fromkeys(frame["scale"]))
    heights = [max(1, int((frame["scale"] == s).sum())) for s in scales]
    fig, axes = plt.subplots(len(scales), 1, figsize=(10, 1.0 + 0.75 * len(frame)
                                                      + 0.7 * len(scales)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, scale in zip(axes[:, 0], scales):
        part = frame[frame["scale"] == scale].iloc[::-1]
        ys = np.arange(len(part))
        ax.errorbar(part["yi"], ys, xerr=[part["yi"] - part["ci_low"],
                                          part["ci_high"] - part["yi"]],
                    fmt="s", color="#333333", ecolor="#333333", capsize=3, ms=6)
        ax.axvline(0, color="#999999", lw=0.8)
        ax.set_yticks(ys, part["_label"].tolist(), fontsize=8)
        ax.set_ylim(-0.7, len(part) - 0.3)
        name = (scale_labels or {}).get(scale, scale.replace("_", " "))
        ax.set_xlabel(name, fontsize=9)
        ax.set_title(f"{name} (own scale, not pooled)", fontsize=9, loc="left")
        for y, (v, lo, hi) in zip(ys, part[["yi", "ci_low", "ci_high"]].to_numpy()):
            ax.annotate(f"{v:.2f} [{lo:.2f}, {hi:.2f}]", (1.02, y),
                        xycoords=("axes fraction", "data"), va="center", fontsize=8)
    fig.tight_layout(rect=(0, 0, 0.86, 1))
    return fig


def effect_reports(effects_path: str | Path) -> list[str]:
    """The distinct citation keys in the ``report`` column of the effects file."""
    frame = read_table(effects_path).to_frame()
    return sorted({k for cell in frame.get("report", []) for k in split_keys(cell)})
