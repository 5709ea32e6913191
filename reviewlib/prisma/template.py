"""Export counts to the PRISMA2020 R package's CSV template, and the PRISMA-S search table.

The template (Haddaway et al. 2022; ``inst/extdata/PRISMA.csv`` of the R package) has one
row per box value with the columns ``data,node,box,description,boxtext,tooltips,url,n``.
:data:`TEMPLATE` keeps those rows as data; ``data``, ``node``, ``box`` and ``boxtext`` are
the package's identifiers and labels (``PRISMA_data()`` looks rows up by ``data`` and draws
``boxtext``), so they are reproduced exactly; ``description`` is ours.

In ``n``, boxes that do not apply are written ``NA`` (``PRISMA_flowdiagram()`` then leaves
out the previous-studies or other-methods column), lists are written ``"label, n; label, n"``.
The package splits them on ``;`` and on the first ``,``, so a ``,`` or ``;`` inside a
label is replaced by `` -`` in the export. Rows this package adds (``other_results``) sit in
the other-methods box and are ignored by the R package. Studies excluded after quality
appraisal (``excluded_appraisal``) get no row, as the package would not know it: they are
reported by the lower ``total_studies`` / ``total_reports`` here (a review without a
previous version shows ``new_studies`` in the package's diagram, the count before that
exclusion) and by the box :func:`reviewlib.prisma.draw` adds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from reviewlib.io import atomic_write, to_csv_text
from reviewlib.prisma.counts import PrismaCounts, source_counts
from reviewlib.screening import ScreeningFolder
from reviewlib.screening import layout as L

TEMPLATE_COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]

#: (data, node, box, description, boxtext, tooltips, url) in the R template's order.
TEMPLATE: list[tuple[str, str, str, str, str, str, str]] = [
    ("NA", "node4", "prevstud", "Title of the previous-studies column", "Previous studies",
     "Previous studies", "prevstud.html"),
    ("previous_studies", "node5", "box1", "Studies in the review's previous version",
     "Studies included in previous version of review",
     "Studies included in previous version of review", "previous_studies.html"),
    ("previous_reports", "NA", "box1", "Reports of the previous version's studies",
     "Reports of studies included in previous version of review", "NA",
     "previous_reports.html"),
    ("NA", "node6", "newstud", "Title of the databases-and-registers column",
     "Identification of new studies via databases and registers",
     "Identification of new studies via databases and registers", "newstud.html"),
    ("database_results", "node7", "box2", "Records from all databases", "Databases",
     "Records identified from: Databases and Registers", "database_results.html"),
    ("database_specific_results", "NA", "box2", "Records per database", "Specific Databases",
     "NA", "database_results.html"),
    ("register_results", "NA", "box2", "Records from all registers", "Registers", "NA", "NA"),
    ("register_specific_results", "NA", "box2", "Records per register", "Specific Registers",
     "NA", "database_results.html"),
    ("NA", "node16", "othstud", "Title of the other-methods column",
     "Identification of new studies via other methods",
     "Identification of new studies via other methods", "othstud.html"),
    ("website_results", "node17", "box11", "Records from websites", "Websites",
     "Records identified from: Websites, Organisations and Citation Searching",
     "website_results.html"),
    ("organisation_results", "NA", "box11", "Records from organisations", "Organisations",
     "NA", "NA"),
    ("citations_results", "NA", "box11", "Records from citation searching",
     "Citation searching", "NA", "NA"),
    ("duplicates", "node8", "box3", "Records removed as duplicates", "Duplicate records",
     "Duplicate records", "duplicates.html"),
    ("excluded_automatic", "NA", "box3", "Records removed by automation tools",
     "Records marked as ineligible by automation tools", "NA", "NA"),
    ("excluded_other", "NA", "box3", "Records removed before screening for other reasons",
     "Records removed for other reasons", "NA", "NA"),
    ("records_screened", "node9", "box4", "Records screened on title and abstract",
     "Records screened", "Records screened (databases and registers)",
     "records_screened.html"),
    ("records_excluded", "node10", "box5", "Records excluded on title and abstract",
     "Records excluded", "Records excluded (databases and registers)",
     "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought (databases and registers)",
     "Reports sought for retrieval", "Reports sought for retrieval (databases and registers)",
     "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and "
     "registers)", "Reports not retrieved", "Reports not retrieved (databases and registers)",
     "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "Reports sought (other methods)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)",
     "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other methods)",
     "Reports not retrieved", "Reports not retrieved (other)",
     "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8", "Full texts assessed (databases and registers)",
     "Reports assessed for eligibility",
     "Reports assessed for eligibility (databases and registers)", "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9", "Full texts excluded, per reason (databases and "
     "registers)", "Reports excluded", "Reports excluded (databases and registers)",
     "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "Full texts assessed (other methods)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)",
     "other_assessed.html"),
    ("other_excluded", "node21", "box15", "Full texts excluded, per reason (other methods)",
     "Reports excluded", "Reports excluded (other)", "other_excluded.html"),
    ("new_studies", "node15", "box10", "Studies added by this version",
     "New studies included in review", "New studies included in review", "new_studies.html"),
    ("new_reports", "NA", "box10", "Reports of the studies added by this version",
     "Reports of new included studies", "NA", "NA"),
    ("total_studies", "node22", "box16", "All studies of the review",
     "Total studies included in review", "Total studies included in review",
     "total_studies.html"),
    ("total_reports", "NA", "box16", "Reports of all studies of the review",
     "Reports of total included studies", "NA", "NA"),
    ("identification", "node1", "identification", "Phase band", "Identification",
     "Identification", "identification.html"),
    ("screening", "node2", "screening", "Phase band", "Screening", "Screening",
     "screening.html"),
    ("included", "node3", "included", "Phase band", "Included", "Included", "included.html"),
]

#: Rows added after the R template's own (ignored by the R package).
EXTRA_ROWS = [
    ("other_results", "NA", "box11", "Records from other sources (e.g. supplied by the team)",
     "Other sources", "NA", "NA"),
]

_PHASE_ROWS = {"identification", "screening", "included"}


def _label(text: str) -> str:
    return text.replace(";", " -").replace(",", " -")


def _list_text(items: list[tuple[str, int]]) -> str:
    return "; ".join(f"{_label(a)}, {n}" for a, n in items)


def template_frame(counts: PrismaCounts) -> pd.DataFrame:
    """The PRISMA2020 R template filled with ``counts``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TEMPLATE_COLUMNS`; ``n`` as text (``"NA"`` for boxes that do not
        apply, ``"label, n; ..."`` for lists).

    Examples
    --------
    >>> template_frame(prisma_counts("screening")).query("data == 'duplicates'")  # doctest: +SKIP
    """
    rows = []
    extra = EXTRA_ROWS if counts.has_other and counts.counts.get("other_results") else []
    for data, node, box, desc, boxtext, tip, url in TEMPLATE + extra:
        if data in counts.lists:
            items = counts.lists[data]
            if data.startswith("other_") and not counts.has_other:
                n = "NA"
            else:
                n = _list_text(items) if items else "0"
        elif data in counts.counts:
            value = counts.counts[data]
            n = "NA" if value is None else str(value)
        elif data in _PHASE_ROWS or data == "NA":
            n = "0"
        else:  # pragma: no cover - the template only names known keys
            raise KeyError(data)
        rows.append((data, node, box, desc, boxtext, tip, url, n))
    return pd.DataFrame(rows, columns=TEMPLATE_COLUMNS, dtype=str)


def write_template(counts: PrismaCounts, path: str | os.PathLike) -> Path:
    """Write :func:`template_frame` as CSV, atomically (a generated file: replaced if present).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return atomic_write(path, to_csv_text(template_frame(counts)), overwrite=True)


def prisma_s_table(folder: ScreeningFolder) -> pd.DataFrame:
    """The search table of PRISMA-S (Rethlefsen et al. 2021), one row per source.

    Parameters
    ----------
    folder : ScreeningFolder

    Returns
    -------
    pandas.DataFrame
        ``source_id``, ``type``, ``name`` (database/platform), ``searched_on``, ``query``,
        ``file``, ``records`` (records in the export) and ``duplicates_removed`` (records of
        that export removed by deduplication; empty for ``previous``, which is not
        deduplicated).

    References
    ----------
    Rethlefsen, M. L., Kirtley, S., Waffenschmidt, S., et al. (2021). PRISMA-S: an extension
    to the PRISMA statement for reporting literature searches in systematic reviews.
    *Systematic Reviews*, 10, 39.
    """
    columns = [*L.SOURCES_HEADER, "records", "duplicates_removed"]
    src = folder.sources
    if src.empty:
        return pd.DataFrame(columns=columns)
    counts = source_counts(folder)
    out = src[L.SOURCES_HEADER].reset_index(drop=True).copy()
    out["records"] = [c["records"] for c in counts]
    out["duplicates_removed"] = pd.array([c["duplicates_removed"] for c in counts],
                                         dtype="Int64")
    return out[columns]


def identification_by_type(folder: ScreeningFolder) -> pd.DataFrame:
    """Records identified per source type: ``type``, ``sources``, ``records``,
    ``duplicates_removed``."""
    t = prisma_s_table(folder)
    if t.empty:
        return pd.DataFrame(columns=["type", "sources", "records", "duplicates_removed"])
    g = t.groupby("type", sort=False).agg(sources=("source_id", "count"),
                                          records=("records", "sum"),
                                          duplicates_removed=("duplicates_removed", "sum"))
    order = {k: i for i, k in enumerate(L.SOURCE_TYPES)}
    g = g.reset_index().sort_values("type", key=lambda s: s.map(order)).reset_index(drop=True)
    return g
