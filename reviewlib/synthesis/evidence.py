"""Evidence maps from ``extraction/studies.csv``: which drivers each study covers, by region.

A study's ``drivers`` cell lists the digital drivers it examines (";"-joined codes of the
``driver`` dimension of the review's codebook, :mod:`reviewlib.synthesis.codebook`).
:func:`load_studies` checks every coded column against the codebook and keeps it in
``attrs["codebook"]``; the functions below take the drivers, their order and labels from
there (the packaged default codebook for a frame that carries none). :func:`driver_matrix` turns that into one
0/1 column per driver; :func:`evidence_counts` counts studies per region and driver;
:func:`evidence_heatmap` and :func:`study_matrix_figure` draw the two views of the map.
"""

from __future__ import annotations

import textwrap

from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reviewlib.errors import InputError, Problem, UsageError
from reviewlib.io.table import read_table
from reviewlib.synthesis.bib import BibEntry
from reviewlib.synthesis.citations import split_keys
from reviewlib.synthesis.paths import project_root
from reviewlib.synthesis.codebook import (CODED_COLUMNS, Codebook, coded_cell_problems,
                                          default_codebook, load_codebook)

#: Where the study table lives, relative to the project root.
STUDIES_FILE = Path("extraction") / "studies.csv"

#: Columns the evidence map needs.
STUDY_COLUMNS = ("study_id", "region", "drivers")

#: The label shown for a study whose region cell is empty.
UNKNOWN_REGION = "not reported"

#: Region values meaning "unknown" (case-insensitive); drawn in grey.
UNSTATED = {"not stated", "not reported", "unknown", UNKNOWN_REGION}
UNSTATED_COLOUR = "#9e9e9e"

#: Column of :func:`evidence_counts` counting studies that name none of the drivers.
NO_DRIVER = "none named"


def codebook_of(frame: pd.DataFrame) -> Codebook:
    """The codebook a frame was checked against (``attrs["codebook"]``), else the default."""
    book = frame.attrs.get("codebook")
    return book if isinstance(book, Codebook) else default_codebook()


def _drivers(frame: pd.DataFrame) -> tuple[tuple[str, ...], dict[str, str]]:
    book = codebook_of(frame)
    return book.codes("driver"), book.labels("driver")


def load_studies(root: str | Path | None = None, *,
                 path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the study table.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        The project folder or a folder below it (default: the current directory).
    path : str or pathlib.Path, optional
        Read this file instead of ``extraction/studies.csv`` of the project.

    Returns
    -------
    pandas.DataFrame
        All columns as strings, whitespace stripped; the row's file line in ``attrs["lines"]``.

    Raises
    ------
    InputError
        For an unreadable file, a missing column, an empty or repeated ``study_id``, or a
        code in ``drivers``, ``region`` or ``design`` that the codebook does not declare.

    Examples
    --------
    >>> studies = load_studies()         # doctest: +SKIP
    """
    path = Path(path) if path is not None else project_root(root) / STUDIES_FILE
    try:
        book = load_codebook(root if root is not None else path)
    except UsageError:          # a file outside any review project: the default codebook
        book = default_codebook()
    table = read_table(path, expected=STUDY_COLUMNS)
    problems: list[Problem] = list(table.problems)
    missing = [c for c in STUDY_COLUMNS if c not in table.keys]
    if missing:
        problems.append(Problem(str(path), table.header_line, None,
                                f"missing column(s) {', '.join(missing)}"))
        raise InputError(problems)
    col = {c: table.keys.index(c) + 1 for c in table.keys}
    seen: dict[str, int] = {}
    for row, line in zip(table.rows, table.lines):
        sid = row["study_id"].strip()
        if not sid:
            problems.append(Problem(str(path), line, col["study_id"], "'study_id' is empty"))
        elif sid in seen:
            problems.append(Problem(str(path), line, col["study_id"],
                                    f"study_id {sid!r} repeats line {seen[sid]}"))
        seen.setdefault(sid, line)
    problems += coded_cell_problems(table, book, CODED_COLUMNS)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    if problems:
        raise InputError(problems)
    frame = table.to_frame().map(str.strip)
    frame.attrs["lines"] = list(table.lines)
    frame.attrs["path"] = str(path)
    frame.attrs["codebook"] = book
    return frame


def study_labels(studies: pd.DataFrame, bib: Mapping[str, BibEntry], *,
                 mark_excluded: bool = True) -> pd.Series:
    """Author-year labels of studies, from the first report key of each (``reports``).

    A study whose first report is not in the bibliography keeps its ``study_id``. With
    ``mark_excluded``, studies with ``included`` = ``no`` get " (not included)".

    Returns
    -------
    pandas.Series
        Indexed like ``studies``.
    """
    labels = []
    for sid, reports, included in zip(studies["study_id"], studies.get("reports", ""),
                                       studies.get("included", "")):
        keys = split_keys(reports) if isinstance(reports, str) else []
        entry = bib.get(keys[0]) if keys else None
        text = entry.label if entry is not None else sid
        if mark_excluded and included == "no":
            text += " (not included)"
        labels.append(text)
    return pd.Series(labels, index=studies.index, name="label")


def driver_matrix(studies: pd.DataFrame) -> pd.DataFrame:
    """One row per study, one 0/1 column per driver (in stage order), indexed by study_id.

    Examples
    --------
    >>> s = pd.DataFrame({"study_id": ["a", "b"], "drivers": ["cbec;ugc", ""]})
    >>> driver_matrix(s).loc["a"].tolist()
    [1, 0, 1, 0]
    """
    drivers, _ = _drivers(studies)
    rows = [[int(d in split_keys(cell)) for d in drivers] for cell in studies["drivers"]]
    out = pd.DataFrame(rows, index=pd.Index(studies["study_id"], name="study_id"),
                       columns=list(drivers))
    out.attrs["codebook"] = codebook_of(studies)
    return out


def _regions(studies: pd.DataFrame) -> pd.Series:
    return studies["region"].replace("", UNKNOWN_REGION).set_axis(studies["study_id"])


def evidence_counts(studies: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """Count studies per group (default: region) and driver.

    Parameters
    ----------
    studies : pandas.DataFrame
        From :func:`load_studies` (any subset of its rows).
    by : str
        The column to group by; empty cells are shown as ``"not reported"``.

    Returns
    -------
    pandas.DataFrame
        Rows: groups, most studies first (ties alphabetically). Columns: one per driver
        (number of studies of the group covering it), ``none named`` (studies of the
        group coded with no driver at all) and ``studies`` (studies in the group; a study
        covering several drivers counts once here and once in each driver column).

    Examples
    --------
    >>> s = pd.DataFrame({"study_id": ["a", "b", "c"], "region": ["X", "X", ""],
    ...                   "drivers": ["cbec;ugc", "ugc", "influencer"]})
    >>> evidence_counts(s).loc["X"].tolist()
    [1, 0, 2, 0, 0, 2]
    """
    matrix = driver_matrix(studies)
    matrix[NO_DRIVER] = (matrix.sum(axis=1) == 0).astype(int)
    groups = studies[by].replace("", UNKNOWN_REGION).to_numpy()
    counts = matrix.groupby(groups).sum()
    counts["studies"] = pd.Series(groups).value_counts()
    counts.index.name = by
    counts = counts.reset_index().sort_values(["studies", by], ascending=[False, True])
    counts = counts.set_index(by)
    counts.attrs["codebook"] = codebook_of(studies)
    return counts


def driver_coverage(studies: pd.DataFrame) -> pd.DataFrame:
    """How many studies examine each driver, among all studies and among included ones.

    Returns
    -------
    pandas.DataFrame
        One row per driver in stage order: ``driver`` (code), ``label``, ``studies`` and
        ``included`` (studies with ``included`` = ``yes``; the column is omitted when the
        table has no ``included`` column).

    Examples
    --------
    >>> s = pd.DataFrame({"study_id": ["a", "b"], "drivers": ["cbec;ugc", "ugc"],
    ...                   "included": ["yes", "no"]})
    >>> driver_coverage(s)["included"].tolist()
    [1, 0, 1, 0]
    """
    matrix = driver_matrix(studies)
    drivers, labels = _drivers(studies)
    out = pd.DataFrame({"driver": list(drivers),
                        "label": [labels[d] for d in drivers],
                        "studies": matrix.sum(axis=0).to_numpy()})
    if "included" in studies.columns:
        mask = (studies["included"] == "yes").to_numpy()
        out["included"] = matrix[mask].sum(axis=0).to_numpy()
    return out


def drivers_per_study(studies: pd.DataFrame) -> pd.Series:
    """How many studies cover 0, 1, 2, ... of the drivers (up to all of them).

    The review admitted studies with at least two co-occurring drivers (single-driver
    studies only by exception), so this distribution tests that rule on the extracted data.

    Examples
    --------
    >>> s = pd.DataFrame({"study_id": ["a", "b"], "drivers": ["cbec;ugc", "ugc"]})
    >>> drivers_per_study(s).tolist()
    [0, 1, 1, 0, 0]
    """
    n = driver_matrix(studies).sum(axis=1)
    k = len(_drivers(studies)[0])
    return n.value_counts().reindex(range(k + 1), fill_value=0).rename("studies")


def evidence_heatmap(counts: pd.DataFrame, *, title: str | None = None,
                     ax: plt.Axes | None = None) -> Figure:
    """Draw region-by-driver study counts as an annotated heat map.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`evidence_counts`.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib.figure.Figure
    """
    drivers, driver_labels = _drivers(counts)  # the codebook's drivers
    columns = list(drivers) + ([NO_DRIVER] if NO_DRIVER in counts.columns else [])
    values = counts[columns].to_numpy(dtype=float)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 1.9 + 0.5 * max(len(counts), 1)))
    else:
        fig = ax.figure
    vmax = max(values[:, :len(drivers)].max(initial=0), 1)
    image = ax.imshow(np.where(np.arange(len(columns)) < len(drivers), values, np.nan),
                      cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    if len(columns) > len(drivers):
        # The "none named" column is grey: it counts studies, not coverage of a driver.
        ax.imshow(np.where(np.arange(len(columns)) >= len(drivers), 1.0, np.nan)
                  * np.ones_like(values),
                  cmap="Greys", vmin=0, vmax=5, aspect="auto")
        ax.axvline(len(drivers) - 0.5, color="white", lw=4)
    ax.set_xticks(range(len(columns)),
                  [driver_labels.get(d, d) for d in columns], rotation=20, ha="right")
    ax.set_yticks(range(len(counts)),
                  [f"{g} ({n})" for g, n in zip(counts.index, counts["studies"])])
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = int(values[i, j])
            ax.text(j, i, str(v), ha="center", va="center", fontsize=10,
                    color="white" if j < len(drivers) and v > 0.6 * vmax else "black")
    ax.set_xlabel("driver examined")
    ax.set_ylabel("region (studies)")
    if title:
        ax.set_title(title)
    bar = fig.colorbar(image, ax=ax, label="studies", shrink=0.8)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    fig.tight_layout()
    return fig


def study_matrix_figure(studies: pd.DataFrame, *, label: str = "study_id",
                        title: str | None = None) -> Figure:
    """Draw one row per study and one column per driver, rows grouped by region.

    A filled cell means the study examines that driver; the cell's colour is the study's
    region, so the map shows studies, drivers and regions at once.

    Parameters
    ----------
    studies : pandas.DataFrame
        From :func:`load_studies` (any subset).
    label : str
        Column used to label the rows.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    drivers, driver_labels = _drivers(studies)  # the codebook's drivers
    if not drivers or studies.empty:
        fig, ax = plt.subplots(figsize=(6, 1.2))
        ax.axis("off")
        ax.text(0.5, 0.5, "no driver codes in the codebook" if not drivers else "no studies",
                ha="center", va="center")
        return fig
    frame = studies.assign(_region=studies["region"].replace("", UNKNOWN_REGION))
    frame.attrs["codebook"] = codebook_of(studies)
    order = frame["_region"].value_counts()
    frame["_rank"] = frame["_region"].map({r: i for i, r in enumerate(order.index)})
    frame = frame.sort_values(["_rank", label], kind="stable")
    matrix = driver_matrix(frame).to_numpy()
    palette = plt.get_cmap("tab10")
    known = [r for r in order.index if r.casefold() not in UNSTATED]
    colours = {r: palette(i % 10) for i, r in enumerate(known)}
    colours.update({r: to_rgba(UNSTATED_COLOUR) for r in order.index if r not in colours})
    rgba = np.ones((len(frame), len(drivers), 4))
    for i, region in enumerate(frame["_region"]):
        for j in range(len(drivers)):
            if matrix[i, j]:
                rgba[i, j] = colours[region]
    fig, ax = plt.subplots(figsize=(9.5, 1.5 + 0.19 * max(len(frame), 1)))
    ax.imshow(rgba, aspect="auto", interpolation="nearest")
    # Driver names wrapped onto two lines and set level: rotated, the long names of
    # neighbouring columns ran into each other above the grid.
    ax.set_xticks(range(len(drivers)),
                  [textwrap.fill(driver_labels[d], 14) for d in drivers], fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(frame)), frame[label].tolist(), fontsize=8.5)
    ax.set_xticks(np.arange(-0.5, len(drivers)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(frame)), minor=True)
    ax.grid(which="minor", color="#dddddd", lw=0.5)
    ax.tick_params(which="minor", length=0)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[r]) for r in order.index]
    ax.legend(handles, [f"{r} ({n})" for r, n in order.items()], title="region (studies)",
              loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=8)
    if title:
        ax.set_title(title, pad=40)
    fig.tight_layout()
    return fig
