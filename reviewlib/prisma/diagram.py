"""The PRISMA 2020 flow diagram, drawn with matplotlib from :class:`PrismaCounts`.

The layout follows the statement's template (Page et al. 2021, figure 1) as the PRISMA2020 R
package draws it (Haddaway et al. 2022): phase bands *Identification*, *Screening* and
*Included* on the left; an optional grey "Previous studies" column; the yellow-titled
"Identification of new studies via databases and registers" column with its boxes and
side boxes; an optional grey "Identification of new studies via other methods" column whose
included reports join the new-studies box; and, for an updated review, the total box that
the previous studies and the new studies feed. Per-database counts and every exclusion
reason are written inside their boxes.

Two boxes go beyond the template, and appear only when their counts are not zero: in the
other-methods column, "Records not sought" (records already identified through another
source, and records excluded on an optional title check), and in the previous-studies box,
the studies found out of scope when the previous version's studies were re-checked. Both
keep every arrow's arithmetic visible. A third, "Studies excluded after quality appraisal"
with its reasons, branches off the path into the final box (which the previous studies join
first) when a review's protocol excludes studies on their appraisal (``excluded_appraisal``
above 0); the final box then counts the studies left, and a review without a previous
version gets that final box too.

Parse, compute, render and save stay apart: :func:`draw` only renders counts into a figure;
:func:`save` writes it atomically.
"""

from __future__ import annotations

import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.textpath import TextToPath

from reviewlib.errors import UsageError  # noqa: E402
from reviewlib.io import atomic_write  # noqa: E402
from reviewlib.prisma.counts import PrismaCounts  # noqa: E402

#: Colours of the R package's defaults (Goldenrod1, Gainsboro, LightSteelBlue2).
TITLE_YELLOW = "#ffc125"
GREY_FILL = "#dcdcdc"
GREY_EDGE = "#a9a9a9"
BAND_BLUE = "#bcd2ee"

FONT_PT = 8.0
LINE_IN = FONT_PT * 1.32 / 72     # line height in inches
PAD_IN = 0.09                     # inner padding of a box
BOX_W = 2.55                      # width of one box
GAP_X = 0.45                      # between a main box and its side box (room for an arrow)
COL_GAP = 0.4                     # between columns
ROW_GAP = 0.32                    # between rows (room for an arrow)
BAND_W = 0.32
MARGIN = 0.15


@dataclass
class _Box:
    lines: list[str]
    x: float = 0.0
    y: float = 0.0              # top edge (y grows downwards in layout units)
    w: float = BOX_W
    h: float = 0.0
    fill: str = "white"
    edge: str = "black"
    rounded: bool = False
    center: bool = False
    bold: bool = False
    min_h: float = 0.0

    @property
    def height(self) -> float:
        return max(len(self.lines) * LINE_IN + 2 * PAD_IN, self.min_h)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


def _n(v) -> str:
    return "NA" if v is None else f"{v:,}"


_FONT = FontProperties(family="DejaVu Sans", size=FONT_PT)
_TEXT = TextToPath()


def _width_in(text: str) -> float:
    """Rendered width of ``text`` in inches at the diagram's font."""
    w, _, _ = _TEXT.get_text_width_height_descent(text, _FONT, ismath=False)
    return w / 72


def _wrap(text: str, indent: int = 0, width: float = BOX_W - 2 * PAD_IN - 0.05) -> list[str]:
    """Wrap ``text`` so that every line, as rendered, fits ``width`` inches.

    Continuation lines are indented two spaces more than the first line.
    """
    pre = " " * indent
    lines: list[str] = []
    current = pre
    # keep "(n = 12)" on one line: its spaces become no-break spaces
    text = re.sub(r"\(n = ([^)]*)\)", "(n\u00a0=\u00a0\\1)", text)
    for word in text.split(" "):
        if not word:
            continue
        candidate = (current + " " + word) if current.strip() else current + word
        if current.strip() and _width_in(candidate) > width:
            lines.append(current)
            current = pre + "  " + word
        else:
            current = candidate
    lines.append(current)
    return lines or [""]


def _lines(*items: tuple[str, int] | str) -> list[str]:
    out: list[str] = []
    for it in items:
        if isinstance(it, str):
            out.extend(_wrap(it))
        else:
            out.extend(_wrap(it[0], it[1]))
    return out


def _boxes(p: PrismaCounts) -> dict[str, _Box]:
    c = p.counts
    b: dict[str, _Box] = {}
    ident: list = ["Records identified from:", (f"Databases (n = {_n(c['database_results'])})", 2)]
    for name, n in p.lists["database_specific_results"]:
        ident.append((f"{name} (n = {_n(n)})", 4))
    ident.append((f"Registers (n = {_n(c['register_results'])})", 2))
    for name, n in p.lists["register_specific_results"]:
        ident.append((f"{name} (n = {_n(n)})", 4))
    b["identified"] = _Box(_lines(*ident))
    b["removed"] = _Box(_lines(
        "Records removed before screening:",
        (f"Duplicate records (n = {_n(c['duplicates'])})", 2),
        (f"Records marked as ineligible by automation tools (n = {_n(c['excluded_automatic'])})", 2),
        (f"Records removed for other reasons (n = {_n(c['excluded_other'])})", 2)))
    b["screened"] = _Box(_lines("Records screened", f"(n = {_n(c['records_screened'])})"))
    b["excluded"] = _Box(_lines("Records excluded", f"(n = {_n(c['records_excluded'])})"))
    b["sought"] = _Box(_lines("Reports sought for retrieval",
                              f"(n = {_n(c['dbr_sought_reports'])})"))
    b["notretrieved"] = _Box(_lines("Reports not retrieved",
                                    f"(n = {_n(c['dbr_notretrieved_reports'])})"))
    b["assessed"] = _Box(_lines("Reports assessed for eligibility",
                                f"(n = {_n(c['dbr_assessed'])})"))
    b["reasons"] = _Box(_reasons(p.lists["dbr_excluded"]))
    appraised = c.get("excluded_appraisal") or 0
    if p.has_previous:
        new = _lines(f"New studies included in review (n = {_n(c['new_studies'])})",
                     f"Reports of new included studies (n = {_n(c['new_reports'])})")
    elif appraised:
        new = _lines(f"Studies meeting the eligibility criteria (n = {_n(c['new_studies'])})",
                     f"Reports of these studies (n = {_n(c['new_reports'])})")
    else:
        new = _lines(f"Studies included in review (n = {_n(c['new_studies'])})",
                     f"Reports of included studies (n = {_n(c['new_reports'])})")
    # without a total box the "Included" band is this row alone: tall enough for its label
    b["new"] = _Box(new, min_h=0.0 if p.has_previous or appraised else 0.75)
    if appraised:
        b["appraised"] = _Box(_lines(
            f"Studies excluded after quality appraisal (n = {appraised:,}):",
            *[(f"{label} (n = {n:,})", 2) for label, n in p.appraisal_reasons],
            f"Reports of these studies (n = {_n(c['excluded_appraisal_reports'])})"))
        if not p.has_previous:
            b["total"] = _Box(_lines(
                f"Studies included in review (n = {_n(c['total_studies'])})",
                f"Reports of included studies (n = {_n(c['total_reports'])})"))
    b["title_dbr"] = _Box(["Identification of new studies via databases and registers"],
                          fill=TITLE_YELLOW, edge=TITLE_YELLOW, rounded=True, center=True)
    if p.has_other:
        grey = {"fill": GREY_FILL, "edge": GREY_EDGE}
        items: list = ["Records identified from:"]
        for key, label in (("website_results", "Websites"),
                           ("organisation_results", "Organisations"),
                           ("citations_results", "Citation searching")):
            items.append((f"{label} (n = {_n(c[key])})", 2))
        if c.get("other_results"):
            items.append((f"Other sources (n = {_n(c['other_results'])})", 2))
        b["o_identified"] = _Box(_lines(*items), **grey)
        if (c["other_duplicates"] or 0) + (c["other_not_sought"] or 0) > 0:
            b["o_notsought"] = _Box(_lines(
                "Records not sought:",
                (f"Already identified via databases, registers or other methods "
                 f"(n = {_n(c['other_duplicates'])})", 2),
                (f"Excluded on title check (n = {_n(c['other_not_sought'])})", 2)), **grey)
        b["o_sought"] = _Box(_lines("Reports sought for retrieval",
                                    f"(n = {_n(c['other_sought_reports'])})"), **grey)
        b["o_notretrieved"] = _Box(_lines("Reports not retrieved",
                                          f"(n = {_n(c['other_notretrieved_reports'])})"), **grey)
        b["o_assessed"] = _Box(_lines("Reports assessed for eligibility",
                                      f"(n = {_n(c['other_assessed'])})"), **grey)
        b["o_reasons"] = _Box(_reasons(p.lists["other_excluded"]), **grey)
        b["title_other"] = _Box(["Identification of new studies via other methods"],
                                fill=GREY_FILL, edge=GREY_FILL, rounded=True, center=True)
    if p.has_previous:
        grey = {"fill": GREY_FILL, "edge": GREY_EDGE}
        items = [f"Studies included in previous version of review (n = {_n(c['previous_studies'])})",
                 "",
                 f"Reports of studies included in previous version of review "
                 f"(n = {_n(c['previous_reports'])})"]
        if c.get("previous_excluded_studies"):
            items += ["", f"Studies no longer in scope after re-checking "
                          f"(n = {_n(c['previous_excluded_studies'])})"]
        b["previous"] = _Box([ln for it in items for ln in (_wrap(it) if it else [""])], **grey)
        b["title_prev"] = _Box(["Previous studies"], fill=GREY_FILL, edge=GREY_FILL,
                               rounded=True, center=True)
        b["total"] = _Box(_lines(f"Total studies included in review (n = {_n(c['total_studies'])})",
                                 f"Reports of total included studies "
                                 f"(n = {_n(c['total_reports'])})"))
    return b


def _reasons(items: list[tuple[str, int]]) -> list[str]:
    total = sum(n for _, n in items)
    if not items:
        return _lines("Reports excluded", f"(n = {total:,})")
    return _lines(f"Reports excluded (n = {total:,}):",
                  *[(f"{label} (n = {n:,})", 2) for label, n in items])


def _layout(p: PrismaCounts, b: dict[str, _Box]) -> tuple[float, float, dict[str, tuple]]:
    """Place every box; return figure width, height and the phase bands (y0, y1)."""
    x = MARGIN + BAND_W + 0.2
    cols: dict[str, float] = {}
    if p.has_previous:
        cols["prev"] = x
        x += BOX_W + COL_GAP
    cols["dbr"] = x
    x += 2 * BOX_W + GAP_X
    if p.has_other:
        x += COL_GAP
        cols["other"] = x
        x += 2 * BOX_W + GAP_X
    width = x + MARGIN

    def place_row(names: list[tuple[str, float]], y: float) -> float:
        present = [(k, xx) for k, xx in names if k in b]
        h = max(b[k].height for k, _ in present)
        for k, xx in present:
            b[k].x, b[k].y, b[k].h = xx, y, h
        return y + h

    y = MARGIN
    titles = [("title_dbr", cols["dbr"])]
    b["title_dbr"].w = 2 * BOX_W + GAP_X
    if p.has_other:
        titles.append(("title_other", cols["other"]))
        b["title_other"].w = 2 * BOX_W + GAP_X
    if p.has_previous:
        titles.append(("title_prev", cols["prev"]))
    y = place_row(titles, y) + 0.22
    right = cols["dbr"] + BOX_W + GAP_X
    o_right = cols.get("other", 0) + BOX_W + GAP_X
    rows = [
        [("previous", cols.get("prev", 0)), ("identified", cols["dbr"]), ("removed", right),
         ("o_identified", cols.get("other", 0)), ("o_notsought", o_right)],
        [("screened", cols["dbr"]), ("excluded", right)],
        [("sought", cols["dbr"]), ("notretrieved", right), ("o_sought", cols.get("other", 0)),
         ("o_notretrieved", o_right)],
        [("assessed", cols["dbr"]), ("reasons", right), ("o_assessed", cols.get("other", 0)),
         ("o_reasons", o_right)],
        [("new", cols["dbr"])],
        [("appraised", right)],
        [("total", cols["dbr"])],
    ]
    # the previous-studies box keeps its own height
    bands: dict[str, tuple] = {}
    tops = []
    for row in rows:
        if not any(k in b for k, _ in row):
            continue
        top = y
        y = place_row(row, y)
        tops.append((top, y))
        y += ROW_GAP + (0.1 if row[0][0] == "assessed" else 0)
    if "previous" in b:
        b["previous"].h = b["previous"].height
    # identification: first row; screening: rows 2-4; included: the rest
    bands["Identification"] = (tops[0][0], tops[0][1])
    bands["Screening"] = (tops[1][0], tops[3][1])
    bands["Included"] = (tops[4][0], tops[-1][1])
    height = y - ROW_GAP + MARGIN
    return width, height, bands


def draw(counts: PrismaCounts) -> Figure:
    """Draw the flow diagram.

    Parameters
    ----------
    counts : PrismaCounts
        From :func:`reviewlib.prisma.prisma_counts`.

    Returns
    -------
    matplotlib.figure.Figure
        Sized in inches to its content (about 8-14 in wide). It is built without pyplot,
        so it holds no global state and needs no closing; no backend is chosen on import.

    Examples
    --------
    >>> fig = draw(prisma_counts("screening"))        # doctest: +SKIP
    >>> fig.savefig("prisma.png", dpi=200)            # doctest: +SKIP
    """
    b = _boxes(counts)
    width, height, bands = _layout(counts, b)
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)  # an off-screen canvas of its own: measurable and savable anywhere
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)   # y downwards, in inches
    ax.axis("off")
    font = {"fontsize": FONT_PT, "family": "DejaVu Sans"}

    for name, (y0, y1) in bands.items():
        ax.add_patch(FancyBboxPatch((MARGIN, y0), BAND_W, y1 - y0,
                                    boxstyle="round,pad=0,rounding_size=0.06",
                                    fc=BAND_BLUE, ec=BAND_BLUE, lw=0.8))
        ax.text(MARGIN + BAND_W / 2, (y0 + y1) / 2, name, rotation=90, ha="center",
                va="center", fontweight="bold", **font)
    for box in b.values():
        style = "round,pad=0,rounding_size=0.08" if box.rounded else "square,pad=0"
        ax.add_patch(FancyBboxPatch((box.x, box.y), box.w, box.h, boxstyle=style,
                                    fc=box.fill, ec=box.edge, lw=0.9))
        if box.center:
            ax.text(box.cx, box.cy, "\n".join(box.lines), ha="center", va="center",
                    fontweight="bold", linespacing=1.32, **font)
        else:
            text_h = len(box.lines) * LINE_IN
            ax.text(box.x + PAD_IN, box.cy - text_h / 2, "\n".join(box.lines), ha="left",
                    va="top", linespacing=1.32, **font)

    def arrow(x0, y0, x1, y1):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=9,
                                     lw=0.9, color="black", shrinkA=0, shrinkB=0))

    def line(xs, ys):
        ax.plot(xs, ys, color="black", lw=0.9, solid_capstyle="butt")

    def right_of(a, c):
        arrow(b[a].right, b[a].cy, b[c].x, b[a].cy)

    def down(a, c):
        arrow(b[a].cx, b[a].bottom, b[a].cx, b[c].y)

    right_of("identified", "removed")
    down("identified", "screened")
    right_of("screened", "excluded")
    down("screened", "sought")
    right_of("sought", "notretrieved")
    down("sought", "assessed")
    arrow(b["assessed"].right, b["assessed"].cy, b["reasons"].x, b["assessed"].cy)
    down("assessed", "new")
    if counts.has_other:
        down("o_identified", "o_sought")
        if "o_notsought" in b:
            right_of("o_identified", "o_notsought")
        right_of("o_sought", "o_notretrieved")
        down("o_sought", "o_assessed")
        arrow(b["o_assessed"].right, b["o_assessed"].cy, b["o_reasons"].x, b["o_assessed"].cy)
        # down to the new-studies row, then left into the new-studies box
        yy = b["new"].cy
        line([b["o_assessed"].cx] * 2, [b["o_assessed"].bottom, yy])
        arrow(b["o_assessed"].cx, yy, b["new"].right, yy)
    if "total" in b:
        down("new", "total")
    if "appraised" in b:   # a branch off the arrow into the final box
        arrow(b["new"].cx, b["appraised"].cy, b["appraised"].x, b["appraised"].cy)
    if counts.has_previous and "appraised" in b:
        # the previous studies join the path before the appraisal exclusions branch off
        yy = b["appraised"].y
        line([b["previous"].cx] * 2 + [b["new"].cx], [b["previous"].bottom, yy, yy])
    elif counts.has_previous:
        yy = b["total"].cy
        line([b["previous"].cx] * 2, [b["previous"].bottom, yy])
        arrow(b["previous"].cx, yy, b["total"].x, yy)
    return fig


def save(counts: PrismaCounts, path: str | os.PathLike, *, dpi: int = 200) -> Path:
    """Draw and write the diagram; the format follows the suffix (``.svg``, ``.png``, ``.pdf``).

    The file is generated, so an existing one is replaced -- atomically (temp file + rename).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UsageError
        For a suffix matplotlib cannot write, or a resolution (``dpi``) that is not a
        positive number.
    """
    path = Path(path)
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi > 0 \
            or not math.isfinite(dpi):
        raise UsageError(f"dpi must be a positive number of dots per inch, not {dpi!r}")
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf"):
        raise UsageError(f"{path}: the diagram is written as .svg, .png or .pdf, not {fmt!r}")
    # SVG keeps its text as text (searchable, selectable, readable by screen readers) and
    # carries no date or random ids, so the same counts give the same bytes.
    rc = {"svg.fonttype": "none", "svg.hashsalt": "reviewlib"}
    with matplotlib.rc_context(rc):
        fig = draw(counts)
        buf = io.BytesIO()
        meta = {"Date": None} if fmt == "svg" else None
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return atomic_write(path, buf.getvalue(), overwrite=True)
