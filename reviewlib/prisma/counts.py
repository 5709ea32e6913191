"""PRISMA 2020 counts derived from the rows of a screening folder.

Every number is counted from the records and decision files; none is typed in. Keys are the
``data`` names of the PRISMA2020 R package's template (Haddaway et al. 2022,
``inst/extdata/PRISMA.csv``), so the counts open in that package unchanged.

How the units flow (Page et al. 2021, figure 1, "updated reviews" variant):

Databases and registers column
    ``database_results`` + ``register_results`` raw records (every record of every export) →
    ``duplicates`` (records removed by deduplication: raw records minus the deduplicated
    records that contain at least one database/register record) and ``excluded_automatic``
    / ``excluded_other`` (0: the folder has no place for automated removals) →
    ``records_screened`` → ``records_excluded`` (final title/abstract exclude) →
    ``dbr_sought_reports`` (one report per record that passed) →
    ``dbr_notretrieved_reports`` (``retrieved=no``) and ``dbr_assessed`` →
    ``dbr_excluded`` (per reason label) and included reports.

Other methods column (websites, organisations, citation searching, other)
    ``website_results`` + ``organisation_results`` + ``citations_results`` (+ the extension
    ``other_results`` for sources of type ``other``, e.g. reports supplied by the team; the
    R template has no row for it) raw records. Records that deduplication merged with a
    database/register record, or with another other-methods record, were already
    identified and are not sought again (extension ``other_duplicates``). A title check is
    optional: records excluded there are not sought (extension ``other_not_sought``). The
    rest are ``other_sought_reports`` → ``other_notretrieved_reports`` / ``other_assessed``
    → ``other_excluded`` (per reason) and included reports.

Included
    ``new_reports`` = included reports of both columns; ``new_studies`` = distinct
    ``study_id`` of those reports that are not studies of the previous version (a new report
    of a previously included study adds a report, not a study). ``previous_studies`` /
    ``previous_reports`` = studies / records of the ``previous`` sources; ``total_studies`` =
    previous studies still in scope + new studies, likewise ``total_reports``. A previous
    report leaves the totals when ``previous_audit.csv`` marks it ``out_of_scope`` (``unclear``
    and unaudited reports stay), and a previous study leaves when all its reports do
    (extensions ``previous_excluded_reports`` / ``previous_excluded_studies``).

Arithmetic identities between boxes are checked (see :func:`check_identities`); a
violation names the files whose rows are incomplete and the records concerned.

References
----------
Page, M. J., McKenzie, J. E., Bossuyt, P. M., et al. (2021). The PRISMA 2020 statement: an
updated guideline for reporting systematic reviews. *BMJ*, 372, n71.

Haddaway, N. R., Page, M. J., Pritchard, C. C., & McGuinness, L. A. (2022). PRISMA2020: An R
package and Shiny app for producing PRISMA 2020-compliant flow diagrams. *Campbell Systematic
Reviews*, 18, e1230.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.records import fields as F
from reviewlib.screening import (
    ScreeningFolder,
    cross_stage_problems,
    full_text_status,
    load_checked,
    title_abstract_status,
)
from reviewlib.screening import layout as L

#: Keys of the PRISMA2020 R template that hold a single count, in template order.
COUNT_KEYS = [
    "previous_studies", "previous_reports", "database_results", "register_results",
    "website_results", "organisation_results", "citations_results", "duplicates",
    "excluded_automatic", "excluded_other", "records_screened", "records_excluded",
    "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
    "other_notretrieved_reports", "dbr_assessed", "other_assessed", "new_studies",
    "new_reports", "total_studies", "total_reports",
]
#: Keys holding "label, n" lists.
LIST_KEYS = ["database_specific_results", "register_specific_results", "dbr_excluded",
             "other_excluded"]
#: Counts this package adds (not in the R template); documented in the module docstring.
EXTENSION_KEYS = ["other_results", "other_duplicates", "other_not_sought",
                  "previous_excluded_studies", "previous_excluded_reports"]

_OTHER_KEY = {"website": "website_results", "organisation": "organisation_results",
              "citation": "citations_results", "other": "other_results"}


@dataclass(frozen=True)
class PrismaCounts:
    """The boxes of a PRISMA 2020 flow diagram, counted from a screening folder.

    Attributes
    ----------
    counts : dict of str to int or None
        :data:`COUNT_KEYS` and :data:`EXTENSION_KEYS`. ``None`` marks a box that does not
        apply (no previous version; no other-methods source).
    lists : dict of str to list of (str, int)
        :data:`LIST_KEYS`: per-database and per-register records, and full-text exclusions
        per reason label, in the order of ``sources.csv`` / ``reasons.csv``.
    has_previous, has_other : bool
        Whether the previous-studies column and the other-methods column apply.
    files : dict of str to str
        The folder's files and folders named in identity messages.
    sources : list of dict
        Identification per source, in ``sources.csv`` order: ``source_id``, ``type``,
        ``name``, ``records`` (in the export) and ``duplicates_removed`` (``None`` for
        ``previous`` sources, which are not deduplicated).
    """

    counts: dict[str, int | None]
    lists: dict[str, list[tuple[str, int]]]
    has_previous: bool
    has_other: bool
    files: dict[str, str] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)

    def __getitem__(self, key: str):
        return self.lists[key] if key in self.lists else self.counts[key]

    def to_dict(self) -> dict:
        """JSON-ready: counts as integers (or null), lists as ``[{"label", "n"}]``.

        Examples
        --------
        >>> prisma_counts("screening").to_dict()["records_screened"]   # doctest: +SKIP
        """
        out: dict = {}
        for k in COUNT_KEYS:
            out[k] = self.counts[k]
        for k in LIST_KEYS:
            out[k] = [{"label": a, "n": n} for a, n in self.lists[k]]
        out["dbr_excluded_total"] = sum(n for _, n in self.lists["dbr_excluded"])
        out["other_excluded_total"] = (sum(n for _, n in self.lists["other_excluded"])
                                       if self.has_other else None)
        for k in EXTENSION_KEYS:
            out[k] = self.counts[k]
        out["sources"] = [dict(s) for s in self.sources]
        by_type: dict[str, int] = {}
        for s in self.sources:
            by_type[s["type"]] = by_type.get(s["type"], 0) + s["records"]
        out["records_by_type"] = by_type
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per box value: ``key``, ``label`` (reason or source, else empty), ``n``."""
        rows = [(k, "", self.counts[k]) for k in COUNT_KEYS + EXTENSION_KEYS]
        rows += [(k, a, n) for k in LIST_KEYS for a, n in self.lists[k]]
        return pd.DataFrame(rows, columns=["key", "label", "n"])


def source_counts(folder: ScreeningFolder) -> list[dict]:
    """Records and duplicates removed per source, in ``sources.csv`` order.

    Returns
    -------
    list of dict
        ``source_id``, ``type``, ``name``, ``records`` (records in the export) and
        ``duplicates_removed`` (records of that export that deduplication merged into a
        record kept from any source; ``None`` for ``previous``, which is not deduplicated).
    """
    if folder.sources.empty:
        return []
    ident = Counter(folder.identified["source_id"]) if len(folder.identified) else Counter()
    prev = Counter(folder.previous["source_id"]) if len(folder.previous) else Counter()
    dups = Counter(folder.duplicates["source_id"]) if len(folder.duplicates) else Counter()
    return [{"source_id": r.source_id, "type": r.type, "name": r.name,
             "records": prev[r.source_id] if r.type == L.PREVIOUS else ident[r.source_id],
             "duplicates_removed": None if r.type == L.PREVIOUS else dups[r.source_id]}
            for r in folder.sources.itertuples(index=False)]


def _reason_list(frame: pd.DataFrame, labels: dict[str, str], order: list[str]
                 ) -> list[tuple[str, int]]:
    counts = Counter(frame["reason"])
    keys = [c for c in order if counts.get(c)] + sorted(c for c in counts if c not in order)
    return [(labels.get(c, c), counts[c]) for c in keys]


def count_folder(folder: ScreeningFolder) -> PrismaCounts:
    """PRISMA 2020 counts of a loaded, clean folder; identities are checked.

    Parameters
    ----------
    folder : ScreeningFolder
        From :func:`reviewlib.screening.load_checked` (a folder with problems gives
        meaningless counts).

    Returns
    -------
    PrismaCounts

    Raises
    ------
    InputError
        When an identity between boxes fails (screening not finished, unresolved full-text
        conflicts); each problem names the files and the records concerned.
    """
    src = folder.sources
    ident = folder.identified
    per_source = Counter(ident["source_id"]) if len(ident) else Counter()
    c: dict[str, int | None] = {}
    lists: dict[str, list[tuple[str, int]]] = {}
    types = set(src["type"])
    has_previous = L.PREVIOUS in types
    has_other = bool(types & set(L.OTHER_TYPES))

    def total(kind: str) -> int:
        return sum(per_source[s] for s in src.loc[src["type"] == kind, "source_id"])

    c["database_results"] = total("database")
    c["register_results"] = total("register")
    for kind in ("database", "register"):
        lists[f"{kind}_specific_results"] = [
            (r.name or r.source_id, per_source[r.source_id])
            for r in src[src["type"] == kind].itertuples(index=False)]
    for kind, key in _OTHER_KEY.items():
        c[key] = total(kind) if has_other else None

    recs = folder.records
    n_dbr_kept = int((recs["column"] == L.DBR).sum())
    n_oth_kept = int((recs["column"] == L.OTHER).sum())
    dbr_raw = c["database_results"] + c["register_results"]
    c["duplicates"] = dbr_raw - n_dbr_kept
    c["excluded_automatic"] = 0
    c["excluded_other"] = 0
    c["records_screened"] = n_dbr_kept - c["excluded_automatic"] - c["excluded_other"]

    ta = title_abstract_status(folder)
    ft = full_text_status(folder, ta)
    ta_dbr = ta[ta["column"] == L.DBR]
    ta_oth = ta[ta["column"] == L.OTHER]
    c["records_excluded"] = int((ta_dbr["final"] == "exclude").sum())
    c["dbr_sought_reports"] = int(ta_dbr["passed"].sum())

    ft_labels = folder.reason_labels(L.FULL_TEXT)
    order = list(folder.reasons.loc[folder.reasons["stage"] == L.FULL_TEXT, "code"])
    for col, prefix in ((L.DBR, "dbr"), (L.OTHER, "other")):
        f = ft[ft["column"] == col]
        c[f"{prefix}_notretrieved_reports"] = int((f["status"] == "not_retrieved").sum())
        c[f"{prefix}_assessed"] = int(f["status"].isin(["included", "excluded"]).sum())
        lists[f"{prefix}_excluded"] = _reason_list(f[f["status"] == "excluded"], ft_labels, order)
    oth_raw = sum(c[k] or 0 for k in _OTHER_KEY.values())
    c["other_duplicates"] = oth_raw - n_oth_kept if has_other else None
    c["other_not_sought"] = int((ta_oth["final"] == "exclude").sum()) if has_other else None
    c["other_sought_reports"] = int(ta_oth["passed"].sum()) if has_other else None
    if not has_other:
        c["other_notretrieved_reports"] = c["other_assessed"] = None
        lists["other_excluded"] = []

    included = ft[ft["status"] == "included"]
    prev = folder.previous
    prev_studies = set(prev["study_id"]) if has_previous else set()
    c["new_reports"] = len(included)
    new_ids = set(included["study_id"])
    c["new_studies"] = len(new_ids - prev_studies)
    if has_previous:
        out_ids: set[str] = set()
        if folder.audit is not None:
            a = folder.audit[folder.audit["valid"]]
            out_ids = set(a.loc[a["verdict"] == "out_of_scope", "record_id"])
        c["previous_studies"] = len(prev_studies)
        c["previous_reports"] = len(prev)
        kept_prev = prev[~prev[F.ID].isin(out_ids)]
        c["previous_excluded_reports"] = len(prev) - len(kept_prev)
        c["previous_excluded_studies"] = len(prev_studies - set(kept_prev["study_id"]))
        c["total_studies"] = (c["previous_studies"] - c["previous_excluded_studies"]
                              + c["new_studies"])
        c["total_reports"] = (c["previous_reports"] - c["previous_excluded_reports"]
                              + c["new_reports"])
    else:
        for k in ("previous_studies", "previous_reports", "previous_excluded_reports",
                  "previous_excluded_studies"):
            c[k] = None
        c["total_studies"], c["total_reports"] = c["new_studies"], c["new_reports"]
    files = {"sources": folder.path(L.SOURCES_FILE), "ta": folder.path(L.TITLE_ABSTRACT),
             "ft": folder.path(L.FULL_TEXT), "audit": folder.path(L.AUDIT_FILE)}
    counts = PrismaCounts(c, lists, has_previous, has_other, files, source_counts(folder))
    problems = check_identities(counts, ta=ta, ft=ft)
    if problems:
        raise InputError(problems)
    return counts


def _first(ids, k: int = 10) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - k} more" if len(ids) > k else ""
    return ", ".join(ids[:k]) + more


def check_identities(p: PrismaCounts, *, ta: pd.DataFrame | None = None,
                     ft: pd.DataFrame | None = None) -> list[Problem]:
    """Check that the boxes add up; explain each failure with the records concerned.

    Identities (Page et al. 2021, figure 1):

    1. database_results + register_results = duplicates + excluded_automatic +
       excluded_other + records_screened
    2. records_screened = records_excluded + dbr_sought_reports
    3. dbr_sought_reports = dbr_notretrieved_reports + dbr_assessed
    4. dbr_assessed = Σ dbr_excluded + included reports (databases and registers)
    5. website + organisation + citations (+ other) results = other_duplicates +
       other_not_sought + other_sought_reports
    6. other_sought_reports = other_notretrieved_reports + other_assessed
    7. other_assessed = Σ other_excluded + included reports (other methods)
    8. new_studies ≤ new_reports; total_studies = previous_studies −
       previous_excluded_studies + new_studies; total_reports likewise

    Returns
    -------
    list of Problem
        Empty when every identity holds.
    """
    c, files = p.counts, p.files
    out: list[Problem] = []

    def fail(path: str, message: str) -> None:
        out.append(Problem(path, None, None, message))

    def why_ta(column: str) -> str:
        if ta is None:
            return ""
        ids = ta.loc[(ta["column"] == column) & (ta["basis"] == "pending"), "record_id"]
        return f"; records without a title/abstract decision: {_first(ids)}" if len(ids) else ""

    def why_ft(column: str) -> str:
        if ft is None:
            return ""
        f = ft[ft["column"] == column]
        parts = []
        for status, text in (("awaiting", "no full-text row"),
                             ("pending", "retrieved but not assessed"),
                             ("conflict", "reviewers disagree and full_text/consensus.csv "
                                          "does not settle it")):
            ids = f.loc[f["status"] == status, "record_id"]
            if len(ids):
                parts.append(f"{text}: {_first(ids)}")
        return ("; " + "; ".join(parts)) if parts else ""

    lhs = c["database_results"] + c["register_results"]
    rhs = c["duplicates"] + c["excluded_automatic"] + c["excluded_other"] + c["records_screened"]
    if lhs != rhs:
        fail(files["sources"], f"records identified ({lhs}) differ from duplicates + removed + "
             f"screened ({rhs})")
    if c["records_screened"] != c["records_excluded"] + c["dbr_sought_reports"]:
        fail(files["ta"], f"records screened ({c['records_screened']}) differ from records "
             f"excluded ({c['records_excluded']}) + reports sought ({c['dbr_sought_reports']})"
             + why_ta(L.DBR))
    inc = {L.DBR: 0, L.OTHER: 0}
    if ft is not None:
        for col in inc:
            inc[col] = int(((ft["column"] == col) & (ft["status"] == "included")).sum())
    columns = [(L.DBR, "dbr", "databases and registers")]
    if p.has_other:
        columns.append((L.OTHER, "other", "other methods"))
        raw = sum(c[k] or 0 for k in _OTHER_KEY.values())
        rhs = c["other_duplicates"] + c["other_not_sought"] + c["other_sought_reports"]
        if raw != rhs:
            fail(files["ta"], f"other-methods records ({raw}) differ from duplicates + not "
                 f"sought + sought ({rhs})" + why_ta(L.OTHER))
    for col, pre, name in columns:
        sought = c[f"{pre}_sought_reports"]
        nr, ass = c[f"{pre}_notretrieved_reports"], c[f"{pre}_assessed"]
        if sought != nr + ass:
            fail(files["ft"], f"reports sought for retrieval ({name}: {sought}) differ from not "
                 f"retrieved ({nr}) + assessed ({ass})" + why_ft(col))
        excl = sum(n for _, n in p.lists[f"{pre}_excluded"])
        if ft is not None and ass != excl + inc[col]:
            fail(files["ft"], f"reports assessed ({name}: {ass}) differ from excluded ({excl}) + "
                 f"included ({inc[col]})")
    if ft is not None and c["new_reports"] != inc[L.DBR] + inc[L.OTHER]:
        fail(files["ft"], f"new reports ({c['new_reports']}) differ from included reports of "
             f"both columns ({inc[L.DBR] + inc[L.OTHER]})")
    if c["new_studies"] > c["new_reports"]:
        fail(files["ft"], f"more new studies ({c['new_studies']}) than new reports "
             f"({c['new_reports']})")
    prev_s = (c["previous_studies"] or 0) - (c["previous_excluded_studies"] or 0)
    prev_r = (c["previous_reports"] or 0) - (c["previous_excluded_reports"] or 0)
    if c["total_studies"] != prev_s + c["new_studies"] or \
            c["total_reports"] != prev_r + c["new_reports"]:
        fail(files["audit"], "total studies/reports differ from previous (still in scope) + new")
    return out


def prisma_counts(root: str | os.PathLike | ScreeningFolder = "screening") -> PrismaCounts:
    """PRISMA 2020 counts of a screening folder.

    Parameters
    ----------
    root : str, path-like or ScreeningFolder, default ``"screening"``
        The folder (it is checked first, exactly as ``reviewlib screen check`` does), or a
        folder already loaded, which must be free of problems.

    Returns
    -------
    PrismaCounts

    Raises
    ------
    InputError
        With every problem ``screen check`` finds, or every failed identity.

    Examples
    --------
    >>> p = prisma_counts("screening")                     # doctest: +SKIP
    >>> p["records_screened"], p["dbr_excluded"]           # doctest: +SKIP
    """
    if isinstance(root, ScreeningFolder):
        folder = root
        problems = folder.problems or cross_stage_problems(folder)
        if problems:
            raise InputError(problems)
    else:
        folder = load_checked(root)
    return count_folder(folder)
