"""Render data tables as HTML that shows every cell as plain text.

Cells come from files reviewers edit and from database exports, so they may hold anything:
``<script>`` tags, TeX such as ``$\\frac{a}{b}$``, unbalanced braces. :func:`html_table`
escapes every cell (``html.escape`` with quotes) and wraps the table in an element carrying
MathJax's ignore classes, so the browser neither runs markup nor typesets mathematics from
data. Citation columns become author-year links to the bibliography page; the labels are
escaped as well, and a work the review found out of scope or unclear gets its marker
(:mod:`reviewlib.synthesis.marks`).
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image
from matplotlib.figure import Figure

from reviewlib.synthesis.bib import BibEntry
from reviewlib.synthesis.citations import split_keys
from reviewlib.synthesis.marks import marker_html

#: Classes that stop MathJax 2 and 3 from typesetting inside an element.
NO_MATH_CLASSES = "tex2jax_ignore mathjax_ignore"


@dataclass(frozen=True)
class HTMLTable:
    """An escaped HTML table that notebooks display through ``_repr_html_``.

    Attributes
    ----------
    html : str
        The complete markup (a ``<div>`` holding one ``<table>``).
    n_rows : int
        Number of body rows.
    """

    html: str
    n_rows: int

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def escape_cell(value: object) -> str:
    """Escape one cell for HTML; ``None``, NaN and ``pd.NA`` become an empty string.

    Line breaks inside a cell are kept as ``<br>`` so multi-line notes stay readable.

    Examples
    --------
    >>> escape_cell('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True).replace("\n", "<br>")


def _cite_cell(cell: str, bib: Mapping[str, BibEntry] | None, bib_page: str) -> str:
    parts = []
    for key in split_keys(cell):
        entry = bib.get(key) if bib is not None else None
        if entry is None:
            parts.append(escape_cell(key))
        else:
            href = escape_cell(f"{bib_page}#{entry.anchor}")
            parts.append(f'<a href="{href}" title="{escape_cell(key)}">'
                         f"{escape_cell(entry.label)}</a>{marker_html(entry.support)}")
    return "; ".join(parts)


def html_table(frame: pd.DataFrame, *, headers: Mapping[str, str] | None = None,
               cite_columns: Iterable[str] = ("sources",),
               bib: Mapping[str, BibEntry] | None = None,
               bib_page: str = "bibliography.html",
               caption: str | None = None, index: bool = False,
               css_class: str = "reviewlib-table table") -> HTMLTable:
    """Render a DataFrame as an escaped HTML table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show, in order; every value is shown as text.
    headers : mapping of str to str, optional
        Display names for columns (others keep their own name).
    cite_columns : iterable of str
        Columns holding ";"-joined citation keys, shown as author-year links.
    bib : mapping of str to BibEntry, optional
        The bibliography (from :func:`~reviewlib.synthesis.bib.read_bib`); without it the
        keys themselves are shown.
    bib_page : str
        Relative URL of the bibliography page from the page showing the table.
    caption : str, optional
        A caption, escaped like the cells.
    index : bool
        Show the index as a first column.
    css_class : str
        Class of the ``<table>`` element (``table`` picks up the theme's table style).

    Returns
    -------
    HTMLTable
        Displayed by Jupyter and myst-nb as HTML.

    Examples
    --------
    >>> t = html_table(pd.DataFrame({"a": ["<b>x</b>"]}))
    >>> "&lt;b&gt;x&lt;/b&gt;" in t.html
    True
    """
    headers = dict(headers or {})
    cites = set(cite_columns)
    cols = list(frame.columns)
    out = [f'<div class="reviewlib-table-wrap {NO_MATH_CLASSES}">',
           f'<table class="{escape_cell(css_class)}">']
    if caption:
        out.append(f"<caption>{escape_cell(caption)}</caption>")
    head = ([escape_cell(frame.index.name or "")] if index else []) + \
           [escape_cell(headers.get(str(c), str(c))) for c in cols]
    out.append("<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head)
               + "</tr></thead>")
    out.append("<tbody>")
    for idx, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        cells = [f'<th scope="row">{escape_cell(idx)}</th>'] if index else []
        for col, value in zip(cols, row):
            if col in cites and isinstance(value, str):
                cells.append(f"<td>{_cite_cell(value, bib, bib_page)}</td>")
            else:
                cells.append(f"<td>{escape_cell(value)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return HTMLTable("\n".join(out), len(frame))


def figure_image(fig: Figure, *, dpi: int = 144) -> Image:
    """A matplotlib figure as a PNG image object for the book, and the figure closed.

    The image is made here, with a fixed resolution and tight bounding box, rather than by
    the notebook's matplotlib backend: a module that switches the backend (to Agg, say)
    would otherwise make the page show ``<Figure size ...>`` instead of the picture.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : int
        Resolution; the default gives sharp text when the page scales the image down.

    Returns
    -------
    IPython.display.Image
        Displayed (or passed to myst-nb's ``glue``) as ``image/png``, with its width in CSS
        pixels (96 per inch) in the metadata.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> figure_image(fig).data[:4] == b"\\x89PNG"
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    data = buffer.getvalue()
    # The width at 96 CSS pixels per inch goes into the output's metadata: myst-nb gives
    # the image that width, the theme shrinks it to the column, and Sphinx then links the
    # image to its full-resolution file (html_scaled_image_link), so a reader can open a
    # dense figure at full size.
    width_px = int.from_bytes(data[16:20], "big")
    return Image(data=data, format="png", width=max(1, round(width_px * 96 / dpi)))
