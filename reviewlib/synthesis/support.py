"""Where each cited work stands in the review's own assessment.

The book restates the review's arguments with the review's citations. Some of those works
failed the review's own eligibility criteria when they were re-checked (``previous_audit.csv``)
or screened (the title/abstract and full-text decision files). :func:`citation_support`
reads those files and gives every citation key one :class:`Support`: ``in_scope``,
``unclear``, ``out_of_scope`` or ``not_assessed`` (a work the review never assessed as
evidence, such as a methods reference, or one whose screening is still pending).

Which decision counts, for a key that is a record id of the screening folder (or a record
that deduplication merged into one):

1. the final full-text decision of its record (excluded → ``out_of_scope``, included →
   ``in_scope``, not retrieved → ``unclear``: no decision could be made);
2. else the audit verdict of a previous-version record;
3. else a final title/abstract exclusion (``out_of_scope``).

Everything is read from the files at the time of the call, so a changed verdict changes the
marker on the next build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reviewlib.screening import layout as L
from reviewlib.screening.decisions import (full_text_status, previous_audit_status,
                                           title_abstract_status)

IN_SCOPE = "in_scope"
UNCLEAR = "unclear"
OUT_OF_SCOPE = "out_of_scope"
NOT_ASSESSED = "not_assessed"

#: The statuses, from the strongest support to none.
STATUSES = (IN_SCOPE, UNCLEAR, OUT_OF_SCOPE, NOT_ASSESSED)

#: Plain words for each status, as the book shows them.
STATUS_LABELS = {
    IN_SCOPE: "in scope",
    UNCLEAR: "unclear",
    OUT_OF_SCOPE: "out of scope",
    NOT_ASSESSED: "not assessed",
}

#: Stage names as the book shows them.
STAGE_LABELS = {
    "audit": "the re-check of the previous version",
    L.FULL_TEXT: "full-text screening",
    L.TITLE_ABSTRACT: "title/abstract screening",
}


@dataclass(frozen=True)
class Support:
    """The review's verdict on one cited work.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    stage : str
        Where the verdict was made: ``"audit"``, ``"full_text"``, ``"title_abstract"``, or
        ``""`` when not assessed.
    reason : str
        The label of the reason code (from ``reasons.csv``), ``""`` when there is none.
    note : str
        The reviewer's note on the record, ``""`` when there is none.
    record_id : str
        The screening record that carries the verdict.
    """

    status: str
    stage: str = ""
    reason: str = ""
    note: str = ""
    record_id: str = ""

    @property
    def marked(self) -> bool:
        """True when the book marks citations of this work (out of scope or unclear)."""
        return self.status in (OUT_OF_SCOPE, UNCLEAR)

    def describe(self) -> str:
        """One plain sentence for a tooltip: the verdict, where it was made, and why.

        Examples
        --------
        >>> Support(OUT_OF_SCOPE, "audit", "set outside Asia", "Nigerian firms").describe()
        'Out of scope (the re-check of the previous version): set outside Asia. Note: Nigerian firms'
        """
        if self.status == NOT_ASSESSED:
            return "Not assessed by the review."
        text = STATUS_LABELS[self.status].capitalize()
        if self.stage:
            text += f" ({STAGE_LABELS.get(self.stage, self.stage)})"
        if self.reason:
            text += f": {self.reason}"
        text += "."
        if self.note:
            text += f" Note: {self.note}"
        return text


NOT_ASSESSED_SUPPORT = Support(NOT_ASSESSED)


def _ta_reasons(folder) -> dict[str, str]:
    """record id -> the reason code(s) of its title/abstract exclusion ("a; b").

    The consensus file's reason when it has a row for the record, else every distinct
    reason given by a reviewer who excluded it.
    """
    out: dict[str, list[str]] = {}
    for consensus in (True, False):
        rows = folder.rows(L.TITLE_ABSTRACT, consensus=consensus)
        rows = rows[rows["decision"] == "exclude"]
        decided = set(out) if not consensus else set()
        for rid, reason in zip(rows["record_id"], rows["reason"]):
            if rid in decided:
                continue
            if reason and reason not in out.setdefault(rid, []):
                out[rid].append(reason)
    return {k: "; ".join(v) for k, v in out.items()}


def folder_support(folder) -> dict[str, Support]:
    """Support of every record id of a loaded screening folder (see the module docstring).

    Parameters
    ----------
    folder : reviewlib.screening.ScreeningFolder
        A folder that loaded without problems.

    Returns
    -------
    dict of str to Support
        Keyed by record id, including ids that deduplication merged into a kept record.
    """
    by_id: dict[str, Support] = {}
    ta = title_abstract_status(folder)
    ft = full_text_status(folder, ta)
    ta_labels = folder.reason_labels(L.TITLE_ABSTRACT)
    ft_labels = folder.reason_labels(L.FULL_TEXT)
    notes = _notes(folder)
    ta_reasons = _ta_reasons(folder)
    for r in ta.itertuples(index=False):
        if r.final == "exclude":
            codes = ta_reasons.get(r.record_id, "")
            label = "; ".join(ta_labels.get(c, c) for c in codes.split("; ") if c)
            by_id[r.record_id] = Support(OUT_OF_SCOPE, L.TITLE_ABSTRACT, label,
                                         notes.get((L.TITLE_ABSTRACT, r.record_id), ""),
                                         r.record_id)
    for r in previous_audit_status(folder).itertuples(index=False):
        if r.verdict in (IN_SCOPE, UNCLEAR, OUT_OF_SCOPE):
            by_id[r.record_id] = Support(r.verdict, "audit", r.label or r.reason, r.note,
                                         r.record_id)
    for r in ft.itertuples(index=False):
        status = {"excluded": OUT_OF_SCOPE, "included": IN_SCOPE,
                  "not_retrieved": UNCLEAR}.get(r.status)
        if status is None:
            continue
        reason = ft_labels.get(r.reason, r.reason)
        if r.status == "not_retrieved" and not reason:
            reason = "the full text was not obtained, so no decision was made"
        by_id[r.record_id] = Support(status, L.FULL_TEXT, reason,
                                     notes.get((L.FULL_TEXT, r.record_id), ""), r.record_id)
    # Ids that deduplication merged into a kept record share its verdict.
    if not folder.duplicates.empty and "kept_id" in folder.duplicates:
        for rid, kept in zip(folder.duplicates["id"], folder.duplicates["kept_id"]):
            if kept in by_id and rid not in by_id:
                by_id[rid] = by_id[kept]
    return by_id


def _notes(folder) -> dict[tuple[str, str], str]:
    """(stage, record id) -> the note of the deciding row (consensus first, else unique)."""
    out: dict[tuple[str, str], str] = {}
    for stage in (L.TITLE_ABSTRACT, L.FULL_TEXT):
        rows = folder.rows(stage)
        if "note" not in rows:
            continue
        for rid, group in rows.groupby("record_id", sort=False):
            cons = group[group["reviewer"] == L.CONSENSUS]
            pick = cons if not cons.empty else group
            texts = [t for t in dict.fromkeys(pick["note"]) if t]
            if texts:
                out[(stage, rid)] = " | ".join(texts)
    return out


def citation_support(root: str | os.PathLike) -> dict[str, Support]:
    """The review's verdict on every record id of a project's screening folder.

    Parameters
    ----------
    root : str or os.PathLike
        The project folder (the one holding ``screening/``).

    Returns
    -------
    dict of str to Support
        Keyed by record id; a citation key that is no record id is not assessed (use
        :func:`support_for`). Empty when the project has no screening folder.

    Raises
    ------
    InputError
        When the screening folder has problems (``path:line:column`` for each).
    """
    from reviewlib.screening import load_checked

    folder_path = Path(root) / "screening"
    if not (folder_path / L.SOURCES_FILE).exists():
        return {}
    return folder_support(load_checked(folder_path))


def support_for(key: str, support: dict[str, Support]) -> Support:
    """The support of one citation key (``not_assessed`` when the review has no verdict)."""
    return support.get(key, NOT_ASSESSED_SUPPORT)
