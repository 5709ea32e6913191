"""Agreement between reviewers and screening progress.

Agreement is computed per stage for every pair of reviewers (the consensus file is not a
reviewer) on the records *both* screened, as raw agreement and Cohen's kappa with a 95%
interval (:mod:`reviewlib.screening.kappa`).

How "maybe" is counted at title/abstract
    Two kappas are given. ``include_maybe_vs_exclude`` pools ``maybe`` with ``include``,
    because both send the record on to full text: this is the agreement that decides what
    is read in full. ``three_category`` keeps include, maybe and exclude apart (unweighted
    kappa), so that a reviewer who hedges often is visible.

Full text
    ``include_vs_exclude`` on reports both reviewers retrieved and assessed.

A stage screened by one reviewer only is reported as such (``reviewer_b`` empty, kappa NaN,
``note`` saying so), never as perfect agreement.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from reviewlib.screening import layout as L
from reviewlib.screening.decisions import full_text_status, title_abstract_status
from reviewlib.screening.eligibility import JUDGEMENTS
from reviewlib.screening.kappa import cohens_kappa, contingency
from reviewlib.screening.load import ScreeningFolder

#: Schemes: name -> (stage, categories, mapping of raw decision to category).
SCHEMES = {
    "include_maybe_vs_exclude": (L.TITLE_ABSTRACT, ("include_or_maybe", "exclude"),
                                 {"include": "include_or_maybe", "maybe": "include_or_maybe",
                                  "exclude": "exclude"}),
    "three_category": (L.TITLE_ABSTRACT, ("include", "maybe", "exclude"),
                       {"include": "include", "maybe": "maybe", "exclude": "exclude"}),
    "include_vs_exclude": (L.FULL_TEXT, ("include", "exclude"),
                           {"include": "include", "exclude": "exclude"}),
}

AGREEMENT_COLUMNS = ["stage", "scheme", "reviewer_a", "reviewer_b", "n", "agreement",
                     "kappa", "se", "ci_low", "ci_high", "note"]


def _decisions(folder: ScreeningFolder, stage: str) -> dict[str, dict[str, str]]:
    """reviewer -> record -> decision (full text: assessed reports only)."""
    rows = folder.rows(stage, consensus=False)
    if stage == L.FULL_TEXT and len(rows):
        rows = rows[(rows["retrieved"] == "yes") & (rows["decision"] != "")]
    out: dict[str, dict[str, str]] = {}
    for r in rows.itertuples(index=False):
        out.setdefault(r.reviewer, {})[r.record_id] = r.decision
    return out


def agreement(folder: ScreeningFolder, *, level: float = 0.95) -> pd.DataFrame:
    """Raw agreement and Cohen's kappa per stage, scheme and reviewer pair.

    Parameters
    ----------
    folder : ScreeningFolder
        As returned by :func:`~reviewlib.screening.load_folder`.
    level : float, default 0.95
        Confidence level of the kappa interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage``, ``scheme``, ``reviewer_a``, ``reviewer_b``, ``n`` (records both
        rated), ``agreement`` (proportion), ``kappa``, ``se``, ``ci_low``, ``ci_high``,
        ``note``. A stage with one reviewer gives one row per scheme with ``reviewer_b``
        empty and NaN statistics.

    Examples
    --------
    >>> agreement(load_folder("screening"))[["scheme", "kappa", "ci_low", "ci_high"]]  # doctest: +SKIP
    """
    out = []
    for scheme, (stage, cats, mapping) in SCHEMES.items():
        by_reviewer = _decisions(folder, stage)
        names = sorted(by_reviewer)
        if len(names) == 1:
            n = len(by_reviewer[names[0]])
            out.append((stage, scheme, names[0], "", n, np.nan, np.nan, np.nan, np.nan, np.nan,
                        "single reviewer: agreement cannot be estimated"))
            continue
        for a, b in combinations(names, 2):
            both = sorted(set(by_reviewer[a]) & set(by_reviewer[b]))
            xa = [mapping[by_reviewer[a][r]] for r in both]
            xb = [mapping[by_reviewer[b][r]] for r in both]
            res = cohens_kappa(contingency(xa, xb, cats), level=level, categories=cats)
            note = ""
            if res.n == 0:
                note = "no record screened by both reviewers"
            elif np.isnan(res.kappa):
                note = ("kappa undefined: both reviewers put every shared record in one "
                        "category")
            out.append((stage, scheme, a, b, res.n, res.agreement, res.kappa, res.se,
                        res.ci_low, res.ci_high, note))
    return pd.DataFrame(out, columns=AGREEMENT_COLUMNS)


def progress(folder: ScreeningFolder) -> pd.DataFrame:
    """Screened, remaining and conflicting records per stage and reviewer.

    Returns
    -------
    pandas.DataFrame
        Columns ``stage``, ``reviewer`` (``"all"`` for the stage as a whole), ``due`` (records
        to screen at the stage), ``screened``, ``remaining`` and ``conflicts`` (unresolved,
        involving that reviewer). At full text ``screened`` counts rows with a final
        retrieval/assessment (pending assessments are remaining). Every reviewer with a
        decision file at the stage has a row, also before their first decision.

    Notes
    -----
    At title/abstract the records due are those from databases and registers plus any
    record from other methods a reviewer chose to title-check. At full text they are the
    records that passed title/abstract or skip it.
    """
    ta = title_abstract_status(folder)
    ft = full_text_status(folder, ta)
    out = []
    ta_due = set(ta.loc[(ta["column"] == L.DBR) | (ta["n_reviewers"] > 0), "record_id"])
    ft_due = set(ft.loc[ft["due"], "record_id"])
    ta_conf = set(ta.loc[ta["conflict"] & (ta["consensus"] == ""), "record_id"])
    ft_conf = set(ft.loc[ft["status"] == "conflict", "record_id"])
    for stage, due, conf in ((L.TITLE_ABSTRACT, ta_due, ta_conf),
                             (L.FULL_TEXT, ft_due, ft_conf)):
        rows = folder.rows(stage, consensus=False)
        if stage == L.FULL_TEXT and len(rows):
            rows = rows[(rows["retrieved"] == "no") | (rows["decision"] != "")]
        done_all = set(rows["record_id"]) if len(rows) else set()
        if stage == L.FULL_TEXT:
            done_all |= set(ft.loc[ft["consensus"], "record_id"])
        else:
            done_all |= set(ta.loc[ta["consensus"] != "", "record_id"])
        out.append((stage, "all", len(due), len(due & done_all), len(due - done_all),
                    len(conf)))
        # every reviewer with a file at the stage, including one who has not decided yet
        names = sorted({d.reviewer for d in folder.files(stage, consensus=False)})
        for name in names:
            done = set(rows.loc[rows["reviewer"] == name, "record_id"]) if len(rows) else set()
            out.append((stage, name, len(due), len(due & done), len(due - done),
                        len(conf & done)))
    return pd.DataFrame(out, columns=["stage", "reviewer", "due", "screened", "remaining",
                                      "conflicts"])


def criteria_agreement(folder: ScreeningFolder, stage: str = L.TITLE_ABSTRACT, *,
                       level: float = 0.95) -> pd.DataFrame:
    """Agreement between reviewers on each eligibility criterion, from coded files.

    Two reviewers can agree on a decision for different reasons; when their files are coded
    per criterion (:mod:`reviewlib.screening.eligibility`), this shows where their readings
    of the protocol part. For each pair of reviewers with coded files at ``stage`` and each
    criterion, the records both coded on that criterion (a cell left empty after a ``no`` is
    not a judgement) are compared over ``yes``/``no``/``unclear``.

    Parameters
    ----------
    folder : ScreeningFolder
    stage : {"title_abstract", "full_text", "audit"}
        ``audit`` has a single file, so it never gives a pair.
    level : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        Columns ``stage``, ``criterion``, ``reviewer_a``, ``reviewer_b``, ``n``,
        ``agreement``, ``kappa``, ``se``, ``ci_low``, ``ci_high``, ``note``; one row per
        pair and criterion, in protocol order (empty without two coded files).
    """
    cols = ["stage", "criterion", "reviewer_a", "reviewer_b", "n", "agreement", "kappa", "se",
            "ci_low", "ci_high", "note"]
    files = {d.reviewer: d.frame[d.frame["valid"]] for d in folder.files(stage, consensus=False)
             if "criterion" in d.frame.columns} if stage != L.AUDIT else {}
    out = []
    for a, b in combinations(sorted(files), 2):
        fa = files[a].set_index("record_id")
        fb = files[b].set_index("record_id")
        both = [r for r in fa.index if r in fb.index]
        for c in folder.criteria:
            pairs = [(fa.at[r, c.code], fb.at[r, c.code]) for r in both]
            pairs = [(x, y) for x, y in pairs if x and y]
            res = cohens_kappa(contingency([x for x, _ in pairs], [y for _, y in pairs],
                                           JUDGEMENTS), level=level, categories=JUDGEMENTS)
            note = ""
            if res.n == 0:
                note = "no record coded on this criterion by both reviewers"
            elif np.isnan(res.kappa):
                note = "kappa undefined: every shared record got one and the same code"
            out.append((stage, c.code, a, b, res.n, res.agreement, res.kappa, res.se,
                        res.ci_low, res.ci_high, note))
    return pd.DataFrame(out, columns=cols)
