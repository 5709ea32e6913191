"""Forest and contour-enhanced funnel plots of a fitted model.

Both functions draw on a given matplotlib ``ax`` or on a new :class:`matplotlib.figure.Figure`
(never through pyplot's global state), and return ``(figure, coordinates)``: the
coordinates are a DataFrame of what was plotted, the way metafor's ``funnel`` returns its
points, so a test or a reader can check the picture against the numbers.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy import stats as sps


def _new_axes(ax, size):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot(1, 1, 1)


def _minor_label(val: float, _pos) -> str:
    """Label minor ticks of a log axis only at 2 and 5 times a power of ten."""
    lead = val / 10 ** np.floor(np.log10(val)) if val > 0 else 0
    return f"{val:g}" if np.isclose(lead, 2) or np.isclose(lead, 5) else ""


def _tf(transform: Callable | None):
    return (lambda x: np.asarray(x, dtype=float)) if transform is None else (
        lambda x: np.asarray(transform(np.asarray(x, dtype=float)), dtype=float))


def forest(res, ax=None, transform: Callable | None = None, groups=None,
           xlabel: str | None = None, log_scale: bool | None = None, digits: int = 2,
           show_prediction: bool = True):
    """Forest plot: one row per study, the pooled diamond and the prediction interval.

    Parameters
    ----------
    res : MetaResult
    ax : matplotlib Axes, optional
    transform : callable, optional
        Applied to effects and bounds before plotting and printing, e.g. ``np.exp`` to
        show risk or odds ratios from their logarithms.
    groups : array-like, optional
        Subgroup of each study: studies are listed by group, each group closed by its own
        diamond (separate tau^2, as :meth:`MetaResult.subgroup`).
    xlabel : str, optional
    log_scale : bool, optional
        Logarithmic x axis; default True when ``transform`` is ``np.exp``.
    digits : int
        Decimals of the printed estimates.
    show_prediction : bool
        Draw the prediction interval under the pooled diamond (random-effects models).

    Returns
    -------
    (Figure, DataFrame)
        The coordinates: label, kind ("study", "group", "pooled", "prediction"), row
        (y position), estimate, ci_low, ci_high, weight (%) -- on the plotted scale.

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> fig, xy = pool([0.1, 0.5, 0.9], [0.04, 0.02, 0.05]).forest()
    >>> list(xy["kind"])
    ['study', 'study', 'study', 'pooled', 'prediction']
    """
    f = _tf(transform)
    if log_scale is None:
        log_scale = transform is np.exp
    z = sps.norm.isf((1 - res.level / 100) / 2)
    se = np.sqrt(res.vi)
    weight = 100 * res.weights / res.weights.sum()
    entries = []  # (label, kind, est, lo, hi, weight) in plotting order, top first
    if groups is None:
        order = [np.arange(res.k)]
        sub = None
    else:
        sub = res.subgroup(groups)
        g = np.asarray(sub.groups).astype(str)
        order = [np.flatnonzero(g == lv) for lv in sub.table["group"]]
    for j, idx in enumerate(order):
        if sub is not None:
            entries.append((str(sub.table["group"].iloc[j]), "header", np.nan, np.nan, np.nan, np.nan))
        for i in idx:
            entries.append((res.labels[i], "study", res.yi[i], res.yi[i] - z * se[i],
                            res.yi[i] + z * se[i], weight[i]))
        if sub is not None:
            r = sub.table.iloc[j]
            entries.append((f"{r['group']} (k = {r['k']})", "group", r["estimate"], r["ci_low"],
                            r["ci_high"], float(weight[idx].sum())))
    model = "RE model" if res.random else "FE model"
    entries.append((f"{model} ({res.method})" if res.random else model, "pooled", res.estimate,
                    res.ci_low, res.ci_high, 100.0))
    if show_prediction and res.random:
        entries.append(("Prediction interval", "prediction", res.estimate, res.pi_low,
                        res.pi_high, np.nan))
    n = len(entries)
    fig, ax = _new_axes(ax, (9, 0.32 * n + 1.6))
    rows = []
    for pos, (label, kind, est, lo, hi, w) in enumerate(entries):
        yrow = n - pos
        e, a, b = f([est, lo, hi]) if kind != "header" else (np.nan, np.nan, np.nan)
        rows.append(dict(label=label, kind=kind, row=yrow, estimate=e, ci_low=a, ci_high=b, weight=w))
        if kind == "study":
            ax.plot([a, b], [yrow, yrow], color="black", lw=1)
            size = 4 + 10 * np.sqrt(w / max(weight.max(), 1e-12))
            ax.plot([e], [yrow], marker="s", ms=size, color="0.25", ls="none")
        elif kind in ("group", "pooled"):
            h = 0.35
            ax.fill([a, e, b, e], [yrow, yrow + h, yrow, yrow - h],
                    color="black" if kind == "pooled" else "0.45")
        elif kind == "prediction":
            ax.plot([a, b], [yrow, yrow], color="black", lw=1.5, ls="--")
    xy = pd.DataFrame(rows)
    plotted = xy[xy["kind"] != "header"]
    ref = f([0.0])[0]
    ax.axvline(ref, color="0.6", lw=0.8, ls=":")
    if log_scale:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda val, _pos: f"{val:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(_minor_label))
        ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_yticks(xy["row"].to_numpy(), [("  " if k == "study" and sub is not None else "") + lb
                                         for lb, k in zip(xy["label"], xy["kind"])])
    for tick, kind in zip(ax.get_yticklabels(), xy["kind"]):
        if kind in ("header", "pooled"):
            tick.set_fontweight("bold")
    ax.set_ylim(0.3, n + 0.7)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    label_tf = "" if transform is None else " (transformed)"
    ax.set_xlabel(xlabel or f"Effect size{label_tf}")
    # right-hand text: weight and estimate [CI]
    trans = ax.get_yaxis_transform()
    ax.text(1.02, n + 0.6, "Weight", transform=trans, fontsize=8, fontweight="bold", va="bottom")
    ax.text(1.14, n + 0.6, f"Estimate [{res.level:g}% CI]", transform=trans, fontsize=8,
            fontweight="bold", va="bottom")
    for r in plotted.itertuples():
        if r.kind != "prediction":
            ax.text(1.02, r.row, f"{r.weight:.1f}%", transform=trans, fontsize=8, va="center")
        ax.text(1.14, r.row, f"{r.estimate:.{digits}f} [{r.ci_low:.{digits}f}, {r.ci_high:.{digits}f}]",
                transform=trans, fontsize=8, va="center")
    lo = np.nanmin(plotted[["ci_low"]].to_numpy())
    hi = np.nanmax(plotted[["ci_high"]].to_numpy())
    if log_scale:
        ax.set_xlim(lo / 1.1, hi * 1.1)
    else:
        pad = 0.05 * (hi - lo if hi > lo else 1.0)
        ax.set_xlim(lo - pad, hi + pad)
    return fig, xy.reset_index(drop=True)


def funnel(res, ax=None, contours=(0.90, 0.95, 0.99), transform: Callable | None = None,
           xlabel: str | None = None):
    """Contour-enhanced funnel plot: effect against standard error (inverted axis).

    Shaded bands mark where a study's two-sided p-value (against 0) would fall between
    the ``contours`` levels (Peters et al. 2008); the dashed triangle is the pseudo
    confidence region ``estimate +/- z * se`` around the pooled estimate (metafor's
    ``funnel`` default).  Studies filled in by trim and fill are drawn as open circles.

    Returns
    -------
    (Figure, DataFrame)
        Coordinates of the points, columns ``x`` (effect, transformed if asked), ``y``
        (standard error), ``label``, ``filled`` -- as metafor's ``funnel`` returns x and y.

    Examples
    --------
    >>> from reviewlib.meta import pool
    >>> fig, xy = pool([0.1, 0.5, 0.9], [0.04, 0.02, 0.05]).funnel()
    >>> list(xy.columns)
    ['label', 'x', 'y', 'filled']
    """
    f = _tf(transform)
    se = np.sqrt(res.vi)
    filled = getattr(res, "filled", None)
    filled = np.zeros(res.k, dtype=bool) if filled is None else np.asarray(filled, dtype=bool)
    fig, ax = _new_axes(ax, (6, 5))
    top = float(se.max()) * 1.05
    s = np.linspace(0, top, 200)
    levels = sorted(contours)
    # Peters et al. (2008) / metafor's shading: white where p > 1 - min(level), then
    # darker to lighter grey bands out to the widest contour; beyond it white again.
    greys = np.linspace(0.55, 0.8, max(len(levels) - 1, 1))
    fills = ["white"] + [f"{g:.2f}" for g in greys]
    bands = list(zip(levels, fills))
    for i in range(len(bands) - 1, -1, -1):
        lv, colour = bands[i]
        zc = sps.norm.isf((1 - lv) / 2)
        lower = 1 - levels[i - 1] if i > 0 else 1.0
        label = (f"{1 - lv:.2f} < p" if i == 0
                 else f"{1 - lv:.2f} < p < {lower:.2f}")
        ax.fill_betweenx(s, f(-zc * s), f(zc * s), color=colour, lw=0, label=label)
    outer = sps.norm.isf((1 - levels[-1]) / 2)
    z = sps.norm.isf((1 - res.level / 100) / 2)
    ax.plot(f(res.estimate - z * s), s, color="black", ls="--", lw=0.8)
    ax.plot(f(res.estimate + z * s), s, color="black", ls="--", lw=0.8)
    ax.plot(f([res.estimate, res.estimate]), [0, top], color="black", lw=0.8)
    x = f(res.yi)
    ax.plot(x[~filled], se[~filled], "o", color="black", ms=5, label="studies")
    if filled.any():
        ax.plot(x[filled], se[filled], "o", mfc="white", mec="black", ms=5, label="filled")
    ax.set_ylim(top, 0)
    span = max(np.abs(x - f(res.estimate)).max(), outer * top) * 1.1
    if transform is None:
        ax.set_xlim(min(x.min(), -outer * top) - 0.05 * span, max(x.max(), outer * top) + 0.05 * span)
    ax.set_ylabel("Standard error")
    ax.set_xlabel(xlabel or "Effect size")
    note = ", ".join(f"{100 * lv:g}%" for lv in levels)
    ax.set_title(f"Contours: {note} (two-sided p-values against 0)", fontsize=9)
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    coords = pd.DataFrame({"label": res.labels, "x": x, "y": se, "filled": filled})
    return fig, coords
