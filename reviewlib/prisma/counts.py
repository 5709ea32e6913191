"""PRISMA 2020 counts derived from the rows of a screening folder.

Every number is counted from the records and decision files; none is typed in. Keys are the
``data`` names of the PRISMA2020 R package's template (Haddaway et al. 2022,
``inst/extdata/PRISMA.csv``), so the counts open in that package unchanged.

How the units flow (Page et al. 2021, figure 1, "updated reviews" variant):

Databases and registers column
    ``database_results`` + ``register_results`` raw records (every record of every export) →
    ``duplicates`` (records removed by deduplication: the database/register records in the
    works of deduplication's ``merged_ids`` minus the works that contain at least one),
    ``excluded_automatic`` / ``excluded_other`` (``removed.csv`` rows with / without a
    ``tool``) → ``records_screened`` (records with a row in a title/abstract file) →
    ``records_excluded`` (final title/abstract exclude) →
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

Excluded after appraisal (optional)
    When the review's protocol excludes studies on their quality appraisal, the workspace
    holding the screening folder lists them in ``appraisal/excluded.csv`` (``study_id,reason``,
    checked by :func:`reviewlib.appraisal.excluded_after_appraisal`). Each must be a study
    counted in ``total_studies``; they leave it (extension ``excluded_appraisal``), their
    reports leave ``total_reports`` (extension ``excluded_appraisal_reports``), and the
    reasons are kept (``appraisal_reasons``, ``appraisal_excluded``). Without that file, or
    with no row in it, these are 0 and left out of :meth:`PrismaCounts.to_dict`.

Updates (living reviews)
    With more than one search round in ``sources.csv``, the diagram is that of the latest
    round, as the PRISMA 2020 template for updated reviews draws it: only the records of the
    latest round's exports are identified, records already found in an earlier round count
    as its duplicates, and the studies and reports included in earlier rounds join those
    of the ``previous`` sources in ``previous_studies`` / ``previous_reports``.

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
from reviewlib.screening.rawcount import count_entries
from reviewlib.screening.sources import _lost_message
from reviewlib.screening.removed import removed_counts
from reviewlib.screening.rounds import latest_round, record_rounds

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
#: Counts of studies excluded after appraisal: always in ``counts``, in outputs only when
#: a study is excluded (the R template has no row for them).
APPRAISAL_KEYS = ["excluded_appraisal", "excluded_appraisal_reports"]
#: The file, inside the workspace's ``appraisal/`` folder, listing those studies.
APPRAISAL_EXCLUDED = os.path.join("appraisal", "excluded.csv")

_OTHER_KEY = {"website": "website_results", "organisation": "organisation_results",
              "citation": "citations_results", "other": "other_results"}


class ScreeningIncomplete(InputError):
    """The boxes cannot be counted yet: some records still wait for a decision.

    A review in progress is a valid state, not an error in its files: the chapters and the
    workspace's tests catch this to say how much is left instead of failing. It is an
    :class:`~reviewlib.errors.InputError`, so code that expects one still works, and its
    problems name the records concerned.

    Attributes
    ----------
    waiting : dict of str to int
        ``title_abstract`` (records without a title/abstract decision),
        ``full_text_awaiting`` (reports passed on to full text without any full-text row),
        ``full_text_pending`` (retrieved, not yet assessed) and ``full_text_conflicts``
        (reviewers disagree and no consensus row settles it).
    """

    def __init__(self, problems: list[Problem], waiting: dict[str, int]):
        super().__init__(problems)
        self.waiting = dict(waiting)

    @property
    def summary(self) -> str:
        """What is left, in words: ``"3 records await a title/abstract decision; ..."``."""
        w = self.waiting
        parts = []
        for key, one, many in (
                ("title_abstract", "record awaits a title/abstract decision",
                 "records await a title/abstract decision"),
                ("full_text_awaiting", "report awaits retrieval or a full-text decision",
                 "reports await retrieval or a full-text decision"),
                ("full_text_pending", "retrieved report awaits its full-text decision",
                 "retrieved reports await their full-text decision"),
                ("full_text_conflicts", "full-text disagreement awaits a consensus",
                 "full-text disagreements await a consensus")):
            n = w.get(key, 0)
            if n:
                parts.append(f"{n} {one if n == 1 else many}")
        return "; ".join(parts)


def waiting_counts(ta: pd.DataFrame, ft: pd.DataFrame) -> dict[str, int]:
    """How many records still wait for a decision at each stage (see
    :class:`ScreeningIncomplete`), from :func:`title_abstract_status` and
    :func:`full_text_status` frames."""
    def n(frame: pd.DataFrame, column: str, value: str) -> int:
        return int((frame[column] == value).sum()) if column in frame else 0

    return {"title_abstract": n(ta, "basis", "pending"),
            "full_text_awaiting": n(ft, "status", "awaiting"),   # only reports that are due
            "full_text_pending": n(ft, "status", "pending"),
            "full_text_conflicts": n(ft, "status", "conflict")}


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
        Identification per source counted, in ``sources.csv`` order: ``source_id``,
        ``type``, ``name``, ``records`` (in the export) and ``duplicates_removed`` (``None``
        for ``previous`` sources, which are not deduplicated).
    update_round : int
        The search round counted as an update (0: every round counted together).
    appraisal_excluded : list of (str, str)
        (study_id, reason) of the studies excluded after appraisal, in file order.
    """

    counts: dict[str, int | None]
    lists: dict[str, list[tuple[str, int]]]
    has_previous: bool
    has_other: bool
    files: dict[str, str] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    update_round: int = 0
    appraisal_excluded: list[tuple[str, str]] = field(default_factory=list)

    @property
    def appraisal_reasons(self) -> list[tuple[str, int]]:
        """Studies excluded after appraisal per reason, in order of first appearance."""
        return list(Counter(r for _, r in self.appraisal_excluded).items())

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
        out["update_round"] = self.update_round or None
        out["sources"] = [dict(s) for s in self.sources]
        by_type: dict[str, int] = {}
        for s in self.sources:
            by_type[s["type"]] = by_type.get(s["type"], 0) + s["records"]
        out["records_by_type"] = by_type
        if self.counts.get("excluded_appraisal"):
            for k in APPRAISAL_KEYS:
                out[k] = self.counts[k]
            out["appraisal_reasons"] = [{"label": a, "n": n} for a, n in self.appraisal_reasons]
            out["appraisal_excluded"] = [{"study_id": s, "reason": r}
                                         for s, r in self.appraisal_excluded]
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per box value: ``key``, ``label`` (reason or source, else empty), ``n``."""
        rows = [(k, "", self.counts[k]) for k in COUNT_KEYS + EXTENSION_KEYS]
        rows += [(k, a, n) for k in LIST_KEYS for a, n in self.lists[k]]
        if self.counts.get("excluded_appraisal"):
            rows += [(k, "", self.counts[k]) for k in APPRAISAL_KEYS]
            rows += [("appraisal_reasons", a, n) for a, n in self.appraisal_reasons]
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


def _scope(folder: ScreeningFolder, update: bool) -> tuple[set[str], set[str]]:
    """(sources counted as identified, works counted as new) for the whole review or, in an
    update, for its latest round only."""
    src = folder.sources
    if not update:
        return set(src["source_id"]), set(folder.records[F.ID])
    latest = latest_round(folder)
    rr = record_rounds(folder)
    sources = {s for s, t in zip(src["source_id"], src["type"])
               if t == L.PREVIOUS or folder.rounds.get(s) == latest}
    return sources, set(rr.loc[rr["new"], "record_id"])


def _members(folder: ScreeningFolder, sources: set[str], works: set[str]
             ) -> tuple[Counter, Counter]:
    """Per PRISMA column: records of ``sources`` inside every work, and the works of
    ``works``, both read from deduplication's ``merged_ids`` (not from the exports)."""
    src = dict(zip(folder.identified[F.ID], folder.identified["source_id"])) \
        if len(folder.identified) else {}
    typ = dict(zip(folder.sources["source_id"], folder.sources["type"]))
    members, kept = Counter(), Counter()
    for rid, column, merged in zip(folder.records[F.ID], folder.records["column"],
                                   folder.records[F.MERGED_IDS]):
        for m in merged.split(";"):
            s = src.get(m)
            if s in sources:
                members[L.DBR if typ.get(s) in L.DATABASE_TYPES else L.OTHER] += 1
        if rid in works:
            kept[column] += 1
    return members, kept


def count_folder(folder: ScreeningFolder, *, update: bool | None = None) -> PrismaCounts:
    """PRISMA 2020 counts of a loaded, clean folder; identities are checked.

    Parameters
    ----------
    folder : ScreeningFolder
        From :func:`reviewlib.screening.load_checked` (a folder with problems gives
        meaningless counts).
    update : bool, optional
        Count the latest search round as an update (see :mod:`reviewlib.screening.rounds`):
        only its records are identified, and the studies included in earlier rounds join
        the previous version's. Default: when ``sources.csv`` has more than one round.

    Returns
    -------
    PrismaCounts

    Raises
    ------
    ScreeningIncomplete
        When an identity between boxes fails while records still wait for a decision
        (screening not finished, unresolved full-text conflicts); its problems name them.
    InputError
        When an identity fails otherwise (an export whose records were not all read, a
        count that does not add up); each problem names the files and records concerned.
    """
    latest = latest_round(folder)
    update = latest > 1 if update is None else (update and latest > 1)
    in_scope, new_works = _scope(folder, update)
    src = folder.sources[folder.sources["source_id"].isin(in_scope)]
    ident = folder.identified
    per_source = Counter(ident["source_id"]) if len(ident) else Counter()
    c: dict[str, int | None] = {}
    lists: dict[str, list[tuple[str, int]]] = {}
    types = set(src["type"])
    has_previous = L.PREVIOUS in types or update
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

    ta = title_abstract_status(folder)
    ft = full_text_status(folder, ta)
    # the records of this count: every work, or those first found in the latest round
    ta_new = ta[ta["record_id"].isin(new_works)]
    ft_new = ft[ft["record_id"].isin(new_works)]
    # three independent sources: deduplication's merged_ids (duplicates), removed.csv
    # (removed before screening) and the decision rows (screened); check_identities then
    # compares their sum with the records read from the exports
    members, kept = _members(folder, in_scope, new_works)
    c["duplicates"] = members[L.DBR] - kept[L.DBR]
    c["excluded_automatic"], c["excluded_other"] = removed_counts(folder, new_works)
    dbr_works = set(ta_new.loc[ta_new["column"] == L.DBR, "record_id"])
    ta_rows = folder.rows(L.TITLE_ABSTRACT)
    c["records_screened"] = len(dbr_works & set(ta_rows["record_id"]))
    ta_dbr = ta_new[ta_new["column"] == L.DBR]
    ta_oth = ta_new[ta_new["column"] == L.OTHER]
    c["records_excluded"] = int((ta_dbr["final"] == "exclude").sum())
    c["dbr_sought_reports"] = int(ta_dbr["passed"].sum())

    ft_labels = folder.reason_labels(L.FULL_TEXT)
    order = list(folder.reasons.loc[folder.reasons["stage"] == L.FULL_TEXT, "code"])
    for col, prefix in ((L.DBR, "dbr"), (L.OTHER, "other")):
        f = ft_new[ft_new["column"] == col]
        c[f"{prefix}_notretrieved_reports"] = int((f["status"] == "not_retrieved").sum())
        c[f"{prefix}_assessed"] = int(f["status"].isin(["included", "excluded"]).sum())
        lists[f"{prefix}_excluded"] = _reason_list(f[f["status"] == "excluded"], ft_labels, order)
    c["other_duplicates"] = members[L.OTHER] - kept[L.OTHER] if has_other else None
    c["other_not_sought"] = int((ta_oth["final"] == "exclude").sum()) if has_other else None
    c["other_sought_reports"] = int(ta_oth["passed"].sum()) if has_other else None
    if not has_other:
        c["other_notretrieved_reports"] = c["other_assessed"] = None
        lists["other_excluded"] = []

    included = ft_new[ft_new["status"] == "included"]
    earlier = ft[(ft["status"] == "included") & ~ft["record_id"].isin(new_works)]
    prev = folder.previous
    prev_studies = set(prev["study_id"]) | set(earlier["study_id"]) if has_previous else set()
    c["new_reports"] = len(included)
    new_ids = set(included["study_id"])
    c["new_studies"] = len(new_ids - prev_studies)
    if has_previous:
        out_ids: set[str] = set()
        if folder.audit is not None:
            a = folder.audit[folder.audit["valid"]]
            out_ids = set(a.loc[a["verdict"] == "out_of_scope", "record_id"])
        c["previous_studies"] = len(prev_studies)
        c["previous_reports"] = len(prev) + len(earlier)
        kept_prev = prev[~prev[F.ID].isin(out_ids)]
        c["previous_excluded_reports"] = len(prev) - len(kept_prev)
        c["previous_excluded_studies"] = len(
            prev_studies - set(kept_prev["study_id"]) - set(earlier["study_id"]))
        c["total_studies"] = (c["previous_studies"] - c["previous_excluded_studies"]
                              + c["new_studies"])
        c["total_reports"] = (c["previous_reports"] - c["previous_excluded_reports"]
                              + c["new_reports"])
    else:
        for k in ("previous_studies", "previous_reports", "previous_excluded_reports",
                  "previous_excluded_studies"):
            c[k] = None
        c["total_studies"], c["total_reports"] = c["new_studies"], c["new_reports"]
    # every report counted in total_reports, with its study
    parts = [kept_prev["study_id"], earlier["study_id"]] if has_previous else []
    total_rows = pd.concat([*parts, included["study_id"]], ignore_index=True).astype(str)
    dropped = appraisal_exclusions(folder, set(total_rows))
    c["excluded_appraisal"] = len(dropped)
    c["excluded_appraisal_reports"] = int(total_rows.isin([s for s, _ in dropped]).sum())
    c["total_studies"] -= c["excluded_appraisal"]
    c["total_reports"] -= c["excluded_appraisal_reports"]
    files = {"sources": folder.path(L.SOURCES_FILE), "ta": folder.path(L.TITLE_ABSTRACT),
             "ft": folder.path(L.FULL_TEXT), "audit": folder.path(L.AUDIT_FILE),
             "removed": folder.path(L.REMOVED_FILE),
             "appraisal": _appraisal_path(folder)}
    sources = [s for s in source_counts(folder) if s["source_id"] in in_scope]
    counts = PrismaCounts(c, lists, has_previous, has_other, files, sources,
                          latest if update else 0, dropped)
    unread = export_problems(folder, in_scope)
    problems = check_identities(counts, ta=ta_new, ft=ft_new)
    if unread:
        raise InputError(unread + problems)
    if problems:
        waiting = waiting_counts(ta_new, ft_new)
        if any(waiting.values()):
            raise ScreeningIncomplete(problems, waiting)
        raise InputError(problems)
    return counts


def _appraisal_path(folder: ScreeningFolder) -> str:
    """``appraisal/excluded.csv`` of the workspace holding the screening folder."""
    workspace = os.path.dirname(os.path.normpath(folder.root))
    return os.path.join(workspace, APPRAISAL_EXCLUDED) if workspace else APPRAISAL_EXCLUDED


def appraisal_exclusions(folder: ScreeningFolder, included: set[str]
                         ) -> list[tuple[str, str]]:
    """Studies excluded after appraisal, as (study_id, reason) in file order.

    Read from ``appraisal/excluded.csv`` next to the screening folder; none when the file
    is absent or has no row.

    Raises
    ------
    InputError
        The appraisal folder's problems, those of ``excluded.csv``
        (:func:`reviewlib.appraisal.excluded_after_appraisal`), and every listed study that
        is not among ``included`` (the studies counted in ``total_studies``), each with
        file, line and column.
    """
    path = _appraisal_path(folder)
    if not os.path.isfile(path):
        return []
    from reviewlib.appraisal import excluded_after_appraisal, load_folder
    from reviewlib.io import read_table

    table = read_table(path, expected=["study_id", "reason"])
    if not any(any(str(v or "").strip() for v in row.values()) for row in table.rows):
        return []
    appraisal = load_folder(os.path.dirname(path))
    appraisal.raise_for_problems()
    listed = excluded_after_appraisal(appraisal)
    problems = [Problem(path, int(line), 1,
                        f"{study} is not a study included in the review counted from "
                        f"{folder.root} (included: {_first(included)}); only an included "
                        "study can be excluded after appraisal")
                for study, line in zip(listed["study_id"], listed["line"])
                if study not in included]
    if problems:
        raise InputError(problems)
    return list(zip(listed["study_id"], listed["reason"]))


def export_problems(folder: ScreeningFolder, sources: set[str] | None = None
                    ) -> list[Problem]:
    """Exports whose records, counted from the file's text
    (:func:`reviewlib.prisma.rawcount.count_entries`), differ from the records read."""
    out = []
    read = Counter(folder.identified["source_id"]) if len(folder.identified) else Counter()
    read.update(folder.previous["source_id"] if len(folder.previous) else [])
    for r in folder.sources.itertuples(index=False):
        if sources is not None and r.source_id not in sources:
            continue
        n = count_entries(folder.path(r.file))
        if n is not None and n != read[r.source_id]:
            out.append(Problem(folder.path(r.file), None, None,
                               _lost_message(n, read[r.source_id])))
    return out


def _first(ids, k: int = 10) -> str:
    ids = sorted(ids)
    more = f" and {len(ids) - k} more" if len(ids) > k else ""
    return ", ".join(ids[:k]) + more


def check_identities(p: PrismaCounts, *, ta: pd.DataFrame | None = None,
                     ft: pd.DataFrame | None = None) -> list[Problem]:
    """Check that the boxes add up; explain each failure with the records concerned.

    Identities (Page et al. 2021, figure 1):

    0. every export holds as many records, counted from its text, as were read from it
       (:func:`export_problems`, checked by :func:`count_folder`)
    1. database_results + register_results = duplicates + excluded_automatic +
       excluded_other + records_screened, each term from its own source: the records
       read from the exports, deduplication's ``merged_ids``, ``removed.csv``, and the
       records that have a row in a title/abstract file
    2. records_screened = records_excluded + dbr_sought_reports
    3. dbr_sought_reports = dbr_notretrieved_reports + dbr_assessed
    4. dbr_assessed = Σ dbr_excluded + included reports (databases and registers)
    5. website + organisation + citations (+ other) results = other_duplicates +
       other_not_sought + other_sought_reports
    6. other_sought_reports = other_notretrieved_reports + other_assessed
    7. other_assessed = Σ other_excluded + included reports (other methods)
    8. new_studies ≤ new_reports; total_studies = previous_studies −
       previous_excluded_studies + new_studies − excluded_appraisal; total_reports
       likewise (− excluded_appraisal_reports)
    9. excluded_appraisal ≤ excluded_appraisal_reports (each excluded study has a report)

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
        pending = why_ta(L.DBR)
        removed = c["excluded_automatic"] + c["excluded_other"]
        fail(files["ta"] if pending else files["sources"],
             f"records identified from databases and registers ({lhs}) differ from duplicates "
             f"({c['duplicates']}, from deduplication) + removed before screening ({removed}, "
             f"from {L.REMOVED_FILE}) + screened ({c['records_screened']}, from the "
             "title/abstract files)" + pending)
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
    app_s, app_r = c.get("excluded_appraisal") or 0, c.get("excluded_appraisal_reports") or 0
    if c["total_studies"] != prev_s + c["new_studies"] - app_s or \
            c["total_reports"] != prev_r + c["new_reports"] - app_r:
        fail(files["audit"], "total studies/reports differ from previous (still in scope) + new"
             + (" - excluded after appraisal" if app_s else ""))
    if app_s > app_r:
        fail(files.get("appraisal", APPRAISAL_EXCLUDED),
             f"more studies excluded after appraisal ({app_s}) than reports of them ({app_r})")
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
    ScreeningIncomplete
        While records still wait for a decision (the counts would not add up yet).
    InputError
        With every problem ``screen check`` finds, or every other failed identity.

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
