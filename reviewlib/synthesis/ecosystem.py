"""Draw the review's four-stage ecosystem (its Figure 2) from the nodes and edges tables.

The stages stand in a row, in the order of their ``stage`` numbers; ``flow`` edges between
neighbouring stages are arrows across the gap, and each ``feedback`` edge runs in its own
lane below the row (down from its source, along the lane, up into its target), labelled with
what it carries. Nothing about the picture is typed in: add a row to either CSV file and the
figure changes.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from reviewlib.errors import UsageError

#: Geometry of the drawing, in data units.
BOX_W, BOX_H, GAP = 2.6, 2.7, 1.2
#: Vertical distance between feedback lanes.
LANE_STEP = 0.6
#: Colour of each stage box (colour-blind-safe Okabe-Ito palette), by position.
STAGE_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7")
FEEDBACK_COLOUR = "#444444"


def _check(nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
    known = set(nodes["node"])
    for col in ("from_node", "to_node"):
        bad = sorted(set(edges[col]) - known)
        if bad:
            raise UsageError(f"edges refer to stage(s) {', '.join(bad)} that the nodes table "
                             "does not define")


def ecosystem_figure(nodes: pd.DataFrame, edges: pd.DataFrame, *, ax: Axes | None = None,
                     wrap: int = 22) -> Figure:
    """Draw the ecosystem pipeline with its feedback loops.

    Parameters
    ----------
    nodes : pandas.DataFrame
        The ``ecosystem_nodes`` table: columns ``node``, ``stage`` (an integer as text),
        ``stage_name``, ``label``, ``functions``.
    edges : pandas.DataFrame
        The ``ecosystem_edges`` table: columns ``from_node``, ``to_node``, ``kind``
        (``flow`` or ``feedback``) and ``carries``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    wrap : int
        Characters per line for the text inside the boxes.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on. Its axes keep the box centres in ``ax.reviewlib_centres``
        (node to x) so tests can check the layout.

    Raises
    ------
    UsageError
        When an edge names a stage the nodes table does not have.

    Examples
    --------
    >>> from reviewlib.synthesis import load_review_table
    >>> fig = ecosystem_figure(load_review_table("ecosystem_nodes"),
    ...                        load_review_table("ecosystem_edges"))   # doctest: +SKIP
    """
    _check(nodes, edges)
    order = nodes.assign(_s=nodes["stage"].astype(int)).sort_values("_s")
    flows = edges[edges["kind"] == "flow"]
    feedback = edges[edges["kind"] == "feedback"].copy()
    n = len(order)
    n_lanes = len(feedback)
    if ax is None:
        fig, ax = plt.subplots(figsize=(2.45 * n + 0.4, 3.4 + 0.5 * n_lanes))
    else:
        fig = ax.figure
    centres = {node: i * (BOX_W + GAP) + BOX_W / 2 for i, node in enumerate(order["node"])}

    for i, row in enumerate(order.itertuples(index=False)):
        x0 = centres[row.node] - BOX_W / 2
        colour = STAGE_COLOURS[i % len(STAGE_COLOURS)]
        ax.add_patch(FancyBboxPatch((x0, 0), BOX_W, BOX_H, boxstyle="round,pad=0.04",
                                    facecolor=colour, alpha=0.22, edgecolor=colour, lw=2))
        ax.text(centres[row.node], BOX_H - 0.15, f"Stage {row.stage}\n{row.stage_name}",
                ha="center", va="top", fontsize=10.5, fontweight="bold", color="#222222")
        ax.text(centres[row.node], BOX_H - 0.78, "\n".join(textwrap.wrap(row.label, wrap - 4)),
                ha="center", va="top", fontsize=11.5, fontweight="bold")
        ax.text(centres[row.node], 0.18, "\n".join(textwrap.wrap(row.functions, wrap)),
                ha="center", va="bottom", fontsize=10, style="italic", color="#333333")

    for row in flows.itertuples(index=False):
        a, b = centres[row.from_node], centres[row.to_node]
        y = BOX_H * 0.5
        start = a + BOX_W / 2 + 0.05 if b > a else a - BOX_W / 2 - 0.05
        end = b - BOX_W / 2 - 0.05 if b > a else b + BOX_W / 2 + 0.05
        ax.add_patch(FancyArrowPatch((start, y), (end, y), arrowstyle="-|>",
                                     mutation_scale=16, lw=2, color="#222222"))
        label = "\n".join(textwrap.wrap(row.carries, 9, break_long_words=False))
        ax.text((start + end) / 2, y + 0.12, label,
                ha="center", va="bottom", fontsize=9)

    # Each box bottom gets one attachment point per feedback edge touching it.
    touching: dict[str, list[tuple[int, str]]] = {node: [] for node in centres}
    feedback["_span"] = [abs(centres[t] - centres[f])
                         for f, t in zip(feedback["from_node"], feedback["to_node"])]
    feedback = feedback.sort_values("_span", kind="stable").reset_index(drop=True)
    for k, row in feedback.iterrows():
        touching[row["from_node"]].append((k, "from"))
        touching[row["to_node"]].append((k, "to"))
    attach: dict[tuple[int, str], float] = {}
    for node, uses in touching.items():
        # A deeper lane must reach its boxes outside the span of every shallower lane, or
        # its vertical lines cross their horizontal ones: on a box, edges to the left come
        # first, shallowest lane leftmost; edges to the right follow, deepest lane leftmost.
        def outward(use: tuple[int, str], node: str = node) -> tuple[int, int]:
            other = feedback.loc[use[0], "to_node" if use[1] == "from" else "from_node"]
            return (0, use[0]) if centres[other] < centres[node] else (1, -use[0])
        uses.sort(key=outward)
        for j, use in enumerate(uses):
            attach[use] = centres[node] - BOX_W / 2 + BOX_W * (j + 1) / (len(uses) + 1)
    for k, row in feedback.iterrows():
        lane = -0.45 - k * LANE_STEP
        xs, xt = attach[(k, "from")], attach[(k, "to")]
        ax.plot([xs, xs, xt], [-0.04, lane, lane], color=FEEDBACK_COLOUR, lw=1.4, ls="--")
        ax.add_patch(FancyArrowPatch((xt, lane), (xt, -0.06), arrowstyle="-|>",
                                     mutation_scale=13, lw=1.4, ls="--",
                                     color=FEEDBACK_COLOUR))
        ax.text((xs + xt) / 2, lane + 0.05, row["carries"], ha="center", va="bottom",
                fontsize=9.5, color="#222222",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})

    width = n * BOX_W + (n - 1) * GAP
    ax.set_xlim(-0.3, width + 0.3)
    ax.set_ylim(-0.25 - max(n_lanes, 1) * LANE_STEP, BOX_H + 0.2)
    ax.set_aspect("auto")
    ax.axis("off")
    ax.reviewlib_centres = dict(centres)
    fig.tight_layout()
    return fig
