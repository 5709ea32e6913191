"""Traffic-light and summary plots of an appraisal, in the layout robvis made familiar.

Every answer is shown by colour *and* symbol, so the plots read in greyscale and for
colour-blind readers; the colours are from the Okabe-Ito palette (Okabe & Ito 2008).

``traffic_light_data`` / ``traffic_light_plot``
    One row per study, one column per item (for a tool with categories, such as MMAT, the
    common items and then the category's items by position, so that studies of different
    designs share a row layout; each cell names its item code in the data).
``summary_data`` / ``summary_plot``
    One bar per item: the share of studies with each answer, optionally weighted (for
    instance by each study's weight in a meta-analysis), as robvis's ``rob_summary``.

References
----------
McGuinness, L. A., & Higgins, J. P. T. (2021). Risk-of-bias VISualization (robvis): an R
package and Shiny web app for visualizing risk-of-bias assessments. *Research Synthesis
Methods*, 12(1), 55-61.

Okabe, M., & Ito, K. (2008). Color universal design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from reviewlib.appraisal.answers import signal
from reviewlib.appraisal.tools import Tool
from reviewlib.errors import UsageError
from reviewlib.io import atomic_write

#: signal -> (fill colour, symbol, text colour); Okabe-Ito colours.
STYLE = {
    "met": ("#009E73", "+", "white"),
    "concerns": ("#E69F00", "!", "black"),
    "unclear": ("#56B4E9", "?", "black"),
    "not met": ("#D55E00", "\u2212", "white"),
    "not applicable": ("#BBBBBB", "NA", "black"),
    "no answer": ("white", "\u00b7", "black"),
}
#: Order of the signals in legends and stacked bars (favourable first, as robvis).
ORDER = ["met", "concerns", "unclear", "not met", "not applicable", "no answer"]
NO_ANSWER = "no final answer"


def _columns(tool: Tool, categories: list[str]) -> list[tuple[str, int]]:
    """Columns as (label, position): common items by code, then positions 1..m."""
    common = [it.item for it in tool.items if not it.category]
    width = max((len([it for it in tool.items if it.category == c]) for c in categories),
                default=0)
    return [(c, 0) for c in common] + [(str(i + 1), i + 1) for i in range(width)]


def traffic_light_data(tool: Tool, answers: pd.DataFrame,
                       studies: list[str] | None = None) -> pd.DataFrame:
    """The cells of a traffic-light plot.

    Parameters
    ----------
    tool : Tool
    answers : pandas.DataFrame
        Final answers (:func:`reviewlib.appraisal.final_answers`), any tools.
    studies : list of str, optional
        Studies to show, in this order (default: every study appraised with ``tool``,
        sorted).

    Returns
    -------
    pandas.DataFrame
        One row per study and column: ``study_id``, ``category``, ``column``, ``item``
        (the item's code, empty where the study's category has no such position or the
        item was left out after a screening question), ``answer`` (empty: no final answer),
        ``signal`` (see :func:`reviewlib.appraisal.signal`; ``no answer``, or empty for a
        blank cell).
    """
    a = answers[answers["tool"] == tool.name]
    if studies is None:
        studies = sorted(set(a["study_id"]))
    cats = {s: g["category"].iloc[0] for s, g in a.groupby("study_id")}
    cols = _columns(tool, sorted(set(cats.values()) - {""}) or tool.categories)
    out = []
    for study in studies:
        cat = cats.get(study, "")
        given = dict(zip(a.loc[a["study_id"] == study, "item"],
                         a.loc[a["study_id"] == study, "answer"]))
        own = [it for it in tool.items if it.category == cat and cat]
        if not tool.categories:
            own = []
        gated = any(it.gate and given.get(it.item, it.answers[0]) != it.answers[0]
                    for it in tool.items if not it.category)
        for label, pos in cols:
            if pos == 0:
                item = tool.item(label)
            else:
                item = own[pos - 1] if pos <= len(own) else None
            if item is None or (gated and not item.gate and item.item not in given):
                out.append((study, cat, label, "", "", ""))
                continue
            ans = given.get(item.item, "")
            sig = signal(ans, item.answers) if ans else "no answer"
            out.append((study, cat, label, item.item, ans, sig))
    return pd.DataFrame(out, columns=["study_id", "category", "column", "item", "answer",
                                      "signal"])


def _legend(ax, signals: dict[str, str], *, box: bool) -> None:
    handles = []
    for sig in ORDER:
        if sig not in signals:
            continue
        colour, symbol, _ = STYLE[sig]
        label = f"{signals[sig]} ({symbol})"
        if box:
            handles.append(Patch(facecolor=colour, edgecolor="#555555", label=label))
        else:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=11,
                                  markerfacecolor=colour, markeredgecolor="#555555",
                                  label=label))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=8, title="Answer", title_fontsize=8)


def _legend_labels(cells: pd.DataFrame) -> dict[str, str]:
    labels: dict[str, list[str]] = {}
    for sig, ans in zip(cells["signal"], cells["answer"]):
        if not sig:
            continue
        words = labels.setdefault(sig, [])
        text = ans or NO_ANSWER
        if text not in words:
            words.append(text)
    return {s: " / ".join(w) for s, w in labels.items()}


def traffic_light_plot(tool: Tool, answers: pd.DataFrame, *, studies: list[str] | None = None,
                       labels: Mapping[str, str] | None = None, ax=None) -> Figure:
    """Studies x items, one coloured disc with a symbol per answer.

    Parameters
    ----------
    tool, answers, studies
        As :func:`traffic_light_data`.
    labels : mapping of study_id to str, optional
        Row labels (e.g. "Fitriani et al. (2023)"); default the study ids.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = traffic_light_plot(folder.tools["mmat2018"], final_answers(folder))  # doctest: +SKIP
    """
    cells = traffic_light_data(tool, answers, studies)
    order = list(dict.fromkeys(cells["study_id"]))
    columns = list(dict.fromkeys(cells["column"]))
    if ax is None:
        fig = Figure(figsize=(1.6 + 0.55 * len(columns) + 2.2, 0.9 + 0.5 * max(len(order), 1)))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    for r in cells.itertuples(index=False):
        if not r.signal:
            continue
        x, y = columns.index(r.column), order.index(r.study_id)
        colour, symbol, text = STYLE[r.signal]
        ax.scatter([x], [y], s=330, color=colour, edgecolors="#555555", linewidths=0.6,
                   zorder=2)
        ax.text(x, y, symbol, ha="center", va="center", fontsize=8 if len(symbol) > 1 else 11,
                color=text, zorder=3, fontweight="bold")
    names = [(labels or {}).get(s, s) for s in order]
    cats = dict(zip(cells["study_id"], cells["category"]))
    if tool.categories:
        names = [f"{n}\n({cats[s]})" if cats.get(s) else n for n, s in zip(names, order)]
    ax.set_yticks(range(len(order)), names, fontsize=8)
    ax.set_xticks(range(len(columns)), columns, fontsize=8)
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.xaxis.tick_top()
    ax.set_xlabel("Item" + (" (common items, then the category's items in order)"
                            if tool.categories else ""), fontsize=8)
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(True, color="#eeeeee", zorder=0)
    ax.set_axisbelow(True)
    _legend(ax, _legend_labels(cells), box=False)
    ax.set_title(f"{tool.name}: answers per study", fontsize=9, loc="left", pad=22)
    fig.tight_layout()
    return fig


def summary_data(tool: Tool, answers: pd.DataFrame,
                 weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Share of each answer per item (weighted by study when ``weights`` is given).

    Parameters
    ----------
    tool : Tool
    answers : pandas.DataFrame
        Final answers.
    weights : mapping of study_id to float, optional
        Non-negative weights, e.g. each study's weight in a meta-analysis, normalised per
        item over the studies answering it. A study without a weight is left out (and said
        so by the ``n`` column); a negative or non-finite weight is an error.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``answer``, ``signal``, ``n`` (studies), ``weight`` (sum of weights, or
        the count) and ``share`` (0-1, summing to 1 per item); items in the tool's order.
    """
    a = answers[(answers["tool"] == tool.name) & (answers["answer"] != "")]
    if weights is not None:
        for study, w in weights.items():
            if not (isinstance(w, (int, float)) and math.isfinite(w) and w >= 0):
                raise UsageError(f"weight of {study} must be a non-negative number, not {w!r}")
        a = a[a["study_id"].isin(list(weights))]
    out = []
    for it in tool.items:
        g = a[a["item"] == it.item]
        if g.empty:
            continue
        w = g["study_id"].map(weights) if weights is not None else pd.Series(1.0, index=g.index)
        total = float(w.sum())
        for ans in it.answers:
            sel = g["answer"] == ans
            if not sel.any():
                continue
            share = float(w[sel].sum()) / total if total > 0 else float("nan")
            out.append((it.item, ans, signal(ans, it.answers), int(sel.sum()),
                        float(w[sel].sum()), share))
    return pd.DataFrame(out, columns=["item", "answer", "signal", "n", "weight", "share"])


def summary_plot(tool: Tool, answers: pd.DataFrame, *,
                 weights: Mapping[str, float] | None = None, ax=None) -> Figure:
    """One horizontal bar per item, stacked by the share of each answer.

    Examples
    --------
    >>> fig = summary_plot(folder.tools["mmat2018"], final_answers(folder))  # doctest: +SKIP
    """
    data = summary_data(tool, answers, weights)
    items = list(dict.fromkeys(data["item"]))
    if ax is None:
        fig = Figure(figsize=(8.0, 0.9 + 0.32 * max(len(items), 1)))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    for y, item in enumerate(items):
        g = data[data["item"] == item].copy()
        g["_o"] = [ORDER.index(s) for s in g["signal"]]
        left = 0.0
        for r in g.sort_values("_o", kind="stable").itertuples(index=False):
            colour, symbol, text = STYLE[r.signal]
            ax.barh(y, r.share * 100, left=left, color=colour, edgecolor="white", height=0.7)
            if r.share >= 0.06:
                ax.text(left + r.share * 50, y, symbol, ha="center", va="center", fontsize=9,
                        color=text, fontweight="bold")
            left += r.share * 100
    wording = {it.item: it.wording for it in tool.items}
    ax.set_yticks(range(len(items)),
                  [f"{i}  {_short(wording.get(i, ''))}" for i in items], fontsize=7)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of studies (%)" + (", weighted" if weights is not None else ""),
                  fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    labels = {}
    for sig, ans in zip(data["signal"], data["answer"]):
        labels.setdefault(sig, [])
        if ans not in labels[sig]:
            labels[sig].append(ans)
    _legend(ax, {s: " / ".join(v) for s, v in labels.items()}, box=True)
    ax.set_title(f"{tool.name}: share of each answer per item", fontsize=9, loc="left")
    fig.tight_layout()
    return fig


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 200) -> Path:
    """Write a figure as .svg or .png, atomically; an SVG carries no date and no random ids.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise UsageError(f"{path}: plots are written as .svg or .png, not {fmt or 'no suffix'!r}")
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "reviewlib"}):
        fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white",
                    metadata={"Date": None} if fmt == "svg" else {"Software": None})
    return atomic_write(path, buf.getvalue(), overwrite=True)
