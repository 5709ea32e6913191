"""Final decisions, conflicts and progress, from reviewers' files and the consensus files.

Rules (one place, used by ``screen check``, ``screen status`` and :mod:`reviewlib.prisma`):

Title and abstract (records)
    A record's final decision is its row in ``title_abstract/consensus.csv`` when there is
    one. Otherwise the record *passes* to full text when at least one reviewer said
    ``include`` or ``maybe`` (the "any reviewer" rule: a record is only dropped when every
    reviewer who screened it excluded it), and is excluded when all of them said ``exclude``.
    Reviewers disagree (a *conflict*) when their three-category decisions differ; a conflict
    is *resolved* when the consensus file has the record. Unresolved conflicts do not block
    the counts at this stage, because the rule above decides them, but ``screen status``
    lists them.

    Records found only by other methods (websites, organisations, citation searching, other)
    skip this stage in the PRISMA 2020 diagram. A team may still apply a title check to
    them by putting them in the title/abstract files: the same rule then decides, and those
    excluded are "not sought" (they never reach "reports sought for retrieval").

Full text (reports)
    One row per report (record) per reviewer. The final row is the consensus row when there
    is one; otherwise the reviewers' rows when they agree on ``retrieved``, ``decision``, the
    ``reason`` of an exclusion and the ``study_id`` of an inclusion. Any other difference is
    a conflict, and the PRISMA counts refuse to run until ``full_text/consensus.csv`` settles
    it. A row with ``retrieved=yes`` and no decision is an assessment still pending.

A full-text row is allowed only for a record that passed title/abstract screening, or for a
record from other methods only that was not title-checked.
"""

from __future__ import annotations

import pandas as pd

from reviewlib.errors import Problem
from reviewlib.records import fields as F
from reviewlib.screening import layout as L
from reviewlib.screening.load import ScreeningFolder

PASS = ("include", "maybe")


def _by_record(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {rid: g for rid, g in rows.groupby("record_id", sort=False)} if len(rows) else {}


def title_abstract_status(folder: ScreeningFolder) -> pd.DataFrame:
    """Title/abstract outcome of every kept record.

    Parameters
    ----------
    folder : ScreeningFolder
        As returned by :func:`~reviewlib.screening.load_folder`.

    Returns
    -------
    pandas.DataFrame
        One row per record kept by deduplication and not removed before screening
        (``removed.csv``), columns: ``record_id``, ``column``
        (``dbr``/``other``), ``n_reviewers``, ``decisions`` (``"ana=include; ben=exclude"``),
        ``conflict`` (reviewers differ), ``consensus`` (the consensus decision or ``""``),
        ``final`` (``include``/``maybe``/``exclude``, ``""`` when undecided), ``basis``
        (``consensus``, ``agreement``, ``any reviewer``, ``single reviewer``, ``pending``,
        ``not title-checked``) and ``passed`` (goes on to full text).

    Examples
    --------
    >>> ta = title_abstract_status(load_folder("screening"))   # doctest: +SKIP
    >>> ta[ta.conflict & (ta.consensus == "")]                 # doctest: +SKIP
    """
    reviewers = _by_record(folder.rows(L.TITLE_ABSTRACT, consensus=False))
    consensus = _by_record(folder.rows(L.TITLE_ABSTRACT, consensus=True))
    out = []
    for rid, column in zip(folder.records[F.ID], folder.records["column"]):
        if rid in folder.removed_ids:
            continue   # removed before screening (removed.csv)
        g = reviewers.get(rid)
        decs = list(zip(g["reviewer"], g["decision"])) if g is not None else []
        values = {d for _, d in decs}
        cons = consensus[rid]["decision"].iloc[0] if rid in consensus else ""
        conflict = len(values) > 1
        if cons:
            final, basis = cons, "consensus"
        elif not decs:
            final = ""
            basis = "pending" if column == L.DBR else "not title-checked"
        elif len(decs) == 1:
            final, basis = decs[0][1], "single reviewer"
        elif not conflict:
            final, basis = decs[0][1], "agreement"
        else:
            final = "include" if "include" in values else ("maybe" if "maybe" in values
                                                           else "exclude")
            basis = "any reviewer"
        passed = final in PASS or basis == "not title-checked"
        out.append((rid, column, len(decs), "; ".join(f"{r}={d}" for r, d in decs), conflict,
                    cons, final, basis, passed))
    return pd.DataFrame(out, columns=["record_id", "column", "n_reviewers", "decisions",
                                      "conflict", "consensus", "final", "basis", "passed"])


def _ft_key(row) -> tuple[str, str, str, str]:
    """What two full-text rows must share to agree."""
    decision = row.decision
    return (row.retrieved, decision, row.reason if decision == "exclude" else "",
            row.study_id if decision == "include" else "")


def _ft_text(row) -> str:
    if row.retrieved == "no":
        return "not retrieved"
    if not row.decision:
        return "pending"
    if row.decision == "exclude":
        return f"exclude ({row.reason})"
    return f"include [{row.study_id}]"


def full_text_status(folder: ScreeningFolder,
                     ta: pd.DataFrame | None = None) -> pd.DataFrame:
    """Full-text outcome of every report that is due for retrieval or has a full-text row.

    Parameters
    ----------
    folder : ScreeningFolder
    ta : pandas.DataFrame, optional
        :func:`title_abstract_status` of ``folder`` (computed when not given).

    Returns
    -------
    pandas.DataFrame
        Columns ``record_id``, ``column``, ``due`` (passed title/abstract or skips it),
        ``n_reviewers``, ``decisions`` (who said what), ``conflict``, ``consensus``
        (bool), ``status`` (``awaiting`` no row yet, ``pending`` retrieved but not
        assessed, ``conflict`` unresolved, ``not_retrieved``, ``included``, ``excluded``),
        and the final ``retrieved``, ``decision``, ``reason``, ``study_id``.
    """
    ta = title_abstract_status(folder) if ta is None else ta
    reviewers = _by_record(folder.rows(L.FULL_TEXT, consensus=False))
    consensus = _by_record(folder.rows(L.FULL_TEXT, consensus=True))
    due = dict(zip(ta["record_id"], ta["passed"]))
    column = dict(zip(ta["record_id"], ta["column"]))
    ids = [r for r in ta["record_id"] if due[r] or r in reviewers or r in consensus]
    out = []
    for rid in ids:
        g = reviewers.get(rid)
        rows = list(g.itertuples(index=False)) if g is not None else []
        keys = {_ft_key(r) for r in rows}
        conflict = len(keys) > 1
        decisions = "; ".join(f"{r.reviewer}={_ft_text(r)}" for r in rows)
        final = None
        if rid in consensus:
            final = next(consensus[rid].itertuples(index=False))
            status = None
        elif not rows:
            status = "awaiting"
        elif any(r.retrieved == "yes" and not r.decision for r in rows):
            status = "pending"
        elif conflict:
            status = "conflict"
        else:
            final = rows[0]
            status = None
        if final is not None:
            if final.retrieved == "no":
                status = "not_retrieved"
            elif not final.decision:
                status = "pending"
            else:
                status = "included" if final.decision == "include" else "excluded"
        vals = (final.retrieved, final.decision, final.reason, final.study_id) if final else \
            ("", "", "", "")
        out.append((rid, column[rid], bool(due[rid]), len(rows), decisions, conflict,
                    rid in consensus, status, *vals))
    return pd.DataFrame(out, columns=["record_id", "column", "due", "n_reviewers", "decisions",
                                      "conflict", "consensus", "status", "retrieved",
                                      "decision", "reason", "study_id"])


def conflicts(folder: ScreeningFolder, stage: str = L.TITLE_ABSTRACT, *,
              unresolved_only: bool = False) -> pd.DataFrame:
    """Records on which reviewers disagree at one stage, with who said what.

    Parameters
    ----------
    folder : ScreeningFolder
    stage : {"title_abstract", "full_text"}
    unresolved_only : bool, default False
        Keep only conflicts the consensus file does not settle yet.

    Returns
    -------
    pandas.DataFrame
        ``record_id``, ``stage``, one column per reviewer (their decision, ``""`` if they did
        not screen the record), ``affects_outcome`` (at title/abstract: one reviewer
        excluded and another let the record through; ``include`` vs ``maybe`` does not
        change where the record goes), ``resolved`` and ``consensus`` (the settled
        decision).
    """
    if stage not in L.STAGES:
        raise ValueError(f"stage must be one of {L.STAGES}; got {stage!r}")
    rows = folder.rows(stage, consensus=False)
    names = sorted(set(rows["reviewer"])) if len(rows) else []
    cons = _by_record(folder.rows(stage, consensus=True))
    out = []
    for rid, g in _by_record(rows).items():
        items = list(g.itertuples(index=False))
        if stage == L.TITLE_ABSTRACT:
            differ = len({r.decision for r in items}) > 1
            # include vs maybe sends the record on either way; only pass vs exclude matters
            matters = len({r.decision in PASS for r in items}) > 1
            text = {r.reviewer: r.decision for r in items}
            settled = cons[rid]["decision"].iloc[0] if rid in cons else ""
        else:
            differ = len({_ft_key(r) for r in items}) > 1
            matters = differ
            text = {r.reviewer: _ft_text(r) for r in items}
            settled = _ft_text(next(cons[rid].itertuples(index=False))) if rid in cons else ""
        if not differ or (unresolved_only and rid in cons):
            continue
        out.append({"record_id": rid, "stage": stage,
                    **{n: text.get(n, "") for n in names},
                    "affects_outcome": matters, "resolved": rid in cons,
                    "consensus": settled})
    return pd.DataFrame(out, columns=["record_id", "stage", *names, "affects_outcome",
                                      "resolved", "consensus"])


def cross_stage_problems(folder: ScreeningFolder,
                         ta: pd.DataFrame | None = None) -> list[Problem]:
    """Full-text rows for records that did not reach full text.

    Returns
    -------
    list of Problem
        One per offending row, at the row's ``record_id`` cell (column 1).
    """
    ta = title_abstract_status(folder) if ta is None else ta
    info = {r.record_id: r for r in ta.itertuples(index=False)}
    problems = []
    for d in folder.files(L.FULL_TEXT):
        for r in d.frame[d.frame["valid"]].itertuples(index=False):
            s = info.get(r.record_id)
            if s is None or s.passed:
                continue
            if s.basis == "pending":
                msg = (f"record {r.record_id!r} has no title/abstract decision yet; it comes from "
                       "a database or register, so it must pass title/abstract screening "
                       "before full text")
            else:
                how = {"consensus": f"by {L.TITLE_ABSTRACT}/{L.CONSENSUS}.csv",
                       "single reviewer": f"({s.decisions})",
                       "agreement": f"by every reviewer ({s.decisions})"}.get(s.basis, "")
                msg = (f"record {r.record_id!r} was excluded at title/abstract {how}; "
                       "it has no full text to assess").replace("  ", " ")
            problems.append(Problem(d.path, int(r.line), 1, msg))
    return problems


def previous_audit_status(folder: ScreeningFolder) -> pd.DataFrame:
    """The previous version's included reports and their re-check verdicts.

    Returns
    -------
    pandas.DataFrame
        One row per record of the ``previous`` sources: ``record_id``, ``study_id``,
        ``title``, ``verdict`` (``in_scope``, ``out_of_scope``, ``unclear``, or ``""`` when
        not audited), ``reason``, ``label`` (the reason's label in reasons.csv) and
        ``note``. Only ``out_of_scope`` removes a report from the totals; ``unclear`` and
        unaudited reports stay in.
    """
    prev = folder.previous
    cols = ["record_id", "study_id", "title", "verdict", "reason", "label", "note"]
    if prev.empty:
        return pd.DataFrame(columns=cols, dtype=str)
    audit = {}
    if folder.audit is not None:
        a = folder.audit[folder.audit["valid"]]
        audit = {r.record_id: r for r in a.itertuples(index=False)}
    labels = folder.reason_labels(L.AUDIT)
    out = []
    for rid, sid, title in zip(prev[F.ID], prev["study_id"], prev[F.TITLE]):
        r = audit.get(rid)
        verdict, reason, note = (r.verdict, r.reason, r.note) if r is not None else ("", "", "")
        out.append((rid, sid, title, verdict, reason, labels.get(reason, ""), note))
    return pd.DataFrame(out, columns=cols)
