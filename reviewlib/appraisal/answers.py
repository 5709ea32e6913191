"""What the appraisal files say: final answers, conflicts, progress, agreement, judgements.

Final answers
    The consensus file's answer where it has one; else the answer every appraiser who
    answered gave (``agreed``; ``<name> only`` while the others have not answered the item),
    or the only appraiser's (``single appraiser``). Where
    appraisers disagree and the consensus file is silent the item is an open conflict and has
    no final answer.
Agreement
    Per tool and item, and over all items of a tool, for every pair of appraisers on the
    studies both answered: raw agreement and Cohen's kappa with a 95% Wald interval (as at
    screening), or linearly weighted kappa when the tool's answers are ordered.
Judgements
    Per study and tool, how many applicable items have the favourable answer (the first of
    the tool's answers), how many the unfavourable or unclear ones, and a label used for
    subgroups and sensitivity analyses: ``all criteria met``, ``not all criteria met``,
    ``incomplete`` (items without a final answer). Answers meaning "not applicable" leave
    the item out of the count. No overall score is computed beyond this count: MMAT 2018
    advises against summing its items into one.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from reviewlib.appraisal.kappa import weighted_kappa
from reviewlib.appraisal.load import AppraisalFolder
from reviewlib.screening.kappa import cohens_kappa, contingency

KEY = ["study_id", "tool", "item"]
AGREEMENT_COLUMNS = ["tool", "item", "reviewer_a", "reviewer_b", "n", "agreement", "kappa",
                     "weighted", "se", "ci_low", "ci_high", "note"]
SINGLE = "single appraiser"

#: Answer words and what they signal (case-insensitive); answers not listed are read by their
#: position among the tool's answers (first favourable, last unfavourable).
SIGNALS = {
    "yes": "met", "low": "met", "low risk": "met", "probably yes": "met",
    "no": "not met", "high": "not met", "high risk": "not met", "critical": "not met",
    "serious": "not met", "probably no": "not met",
    "can't tell": "unclear", "cannot tell": "unclear", "unclear": "unclear",
    "no information": "unclear",
    "some concerns": "concerns", "moderate": "concerns",
    "not applicable": "not applicable", "n/a": "not applicable", "na": "not applicable",
}


def signal(answer: str, answers: tuple[str, ...]) -> str:
    """``met``, ``not met``, ``unclear``, ``concerns`` or ``not applicable`` for an answer.

    Examples
    --------
    >>> signal("Can't tell", ("Yes", "No", "Can't tell"))
    'unclear'
    >>> signal("Serious", ("Low", "Moderate", "Serious", "Critical"))
    'not met'
    """
    word = SIGNALS.get(answer.casefold())
    if word is not None:
        return word
    if answer == answers[0]:
        return "met"
    if answer == answers[-1]:
        return "not met"
    return "concerns"


def _by_reviewer(folder: AppraisalFolder) -> pd.DataFrame:
    rows = folder.rows(consensus=False)
    return rows[rows["answer"] != ""]


def conflicts(folder: AppraisalFolder, *, unresolved_only: bool = True) -> pd.DataFrame:
    """Items on which appraisers gave different answers (or put a study in different
    categories, item ``(category)``).

    Returns
    -------
    pandas.DataFrame
        ``study_id``, ``tool``, ``item``, ``answers`` (``reviewer: answer`` joined by ``; ``),
        ``resolved`` (the consensus file answers it), ``consensus`` (that answer).
    """
    rows = _by_reviewer(folder)
    cons = folder.rows(consensus=True)
    cons = cons[cons["answer"] != ""]
    settled = {tuple(k): a for k, a in zip(cons[KEY].itertuples(index=False), cons["answer"])}
    cons_cat = {(s, t): c for s, t, c in zip(cons["study_id"], cons["tool"], cons["category"])}
    out = []
    every = folder.rows(consensus=False)
    for (study, tool), g in every.groupby(["study_id", "tool"], sort=True):
        cats = g.groupby("reviewer")["category"].first()
        if cats.nunique() > 1:
            c = cons_cat.get((study, tool), "")
            out.append((study, tool, "(category)",
                        "; ".join(f"{r}: {x}" for r, x in cats.items()), bool(c), c))
    for key, g in rows.groupby(KEY, sort=True):
        if g["answer"].nunique() > 1:
            c = settled.get(tuple(key), "")
            out.append((*key, "; ".join(f"{r}: {a}" for r, a in zip(g["reviewer"], g["answer"])),
                        bool(c), c))
    frame = pd.DataFrame(out, columns=[*KEY, "answers", "resolved", "consensus"])
    frame["resolved"] = frame["resolved"].astype(bool)   # also when there is no conflict
    if unresolved_only:
        frame = frame.loc[~frame["resolved"]]
    return frame.reset_index(drop=True)


def final_answers(folder: AppraisalFolder) -> pd.DataFrame:
    """One final answer per study, tool and item (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``study_id``, ``tool``, ``category``, ``item``, ``answer``, ``note``, ``source``
        (``consensus``; ``agreed`` by every appraiser who answered, two or more;
        ``<name> only`` where the others have not answered the item yet; or ``single
        appraiser`` when the folder has one appraiser); items in the tool's order.
    """
    cols = ["study_id", "tool", "category", "item", "answer", "note", "source"]
    out: dict[tuple[str, str, str], tuple] = {}
    rows = _by_reviewer(folder)
    n_reviewers = len(folder.reviewers)
    for key, g in rows.groupby(KEY, sort=False):
        if g["answer"].nunique() == 1 and g["category"].nunique() == 1:
            notes = "; ".join(x for x in g["note"] if x)
            if n_reviewers == 1:
                source = SINGLE
            elif len(g) == 1:   # the other appraisers have not answered it (yet)
                source = f"{g['reviewer'].iloc[0]} only"
            else:
                source = "agreed"
            out[tuple(key)] = (*key[:2], g["category"].iloc[0], key[2], g["answer"].iloc[0],
                               notes, source)
    cons = folder.rows(consensus=True)
    for r in cons[cons["answer"] != ""].itertuples(index=False):
        out[(r.study_id, r.tool, r.item)] = (r.study_id, r.tool, r.category, r.item, r.answer,
                                             r.note, "consensus")
    frame = pd.DataFrame(list(out.values()), columns=cols)
    order = {(t.name, it.item): i for t in folder.tools.values()
             for i, it in enumerate(t.items)}
    frame["_o"] = [order.get((t, i), 0) for t, i in zip(frame["tool"], frame["item"])]
    return frame.sort_values(["study_id", "tool", "_o"]).drop(columns="_o").reset_index(drop=True)


def _required(folder: AppraisalFolder, tool: str, category: str, given: dict[str, str]) -> list:
    t = folder.tools[tool]
    items = t.items_for(category)
    gated = any(it.gate and given.get(it.item) and given[it.item] != it.answers[0]
                for it in items)
    return [it for it in items if it.gate or not gated]


def progress(folder: AppraisalFolder) -> pd.DataFrame:
    """Studies and items appraised per appraiser and tool (the consensus file is no appraiser).

    Returns
    -------
    pandas.DataFrame
        ``reviewer``, ``tool``, ``studies`` (started), ``complete`` (every required item
        answered), ``items_answered``, ``items_due``, ``conflicts`` (open conflicts on that
        appraiser's studies).
    """
    open_ = conflicts(folder)
    out = []
    for f in folder.files:
        if f.is_consensus:
            continue
        frame = f.frame[f.frame["valid"]]
        for tool, g in frame.groupby("tool", sort=True):
            studies = complete = answered = due = 0
            for study, s in g.groupby("study_id"):
                given = {i: a for i, a in zip(s["item"], s["answer"]) if a}
                req = _required(folder, tool, s["category"].iloc[0], given)
                n_ans = sum(1 for it in req if it.item in given)
                studies += 1
                complete += n_ans == len(req)
                answered += n_ans
                due += len(req)
            mine = set(g["study_id"])
            n_conf = int(((open_["tool"] == tool) & open_["study_id"].isin(mine)).sum())
            out.append((f.reviewer, tool, studies, complete, answered, due, n_conf))
    return pd.DataFrame(out, columns=["reviewer", "tool", "studies", "complete",
                                      "items_answered", "items_due", "conflicts"])


def _kappa_row(tool, item, a, b, xa, xb, cats, ordered, level):
    if ordered:
        res = weighted_kappa(contingency(xa, xb, cats), level=level, categories=cats)
    else:
        res = cohens_kappa(contingency(xa, xb, cats), level=level, categories=cats)
    note = ""
    if res.n == 0:
        note = "no study answered by both appraisers"
    elif res.n == 1:
        note = "one study: kappa and its interval say nothing"
    elif np.isnan(res.kappa):
        note = "kappa undefined: both appraisers gave one and the same answer throughout"
    return (tool, item, a, b, res.n, res.agreement, res.kappa, ordered, res.se, res.ci_low,
            res.ci_high, note)


def agreement(folder: AppraisalFolder, *, level: float = 0.95) -> pd.DataFrame:
    """Agreement per tool and item, and over all items of the tool (item ``all``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AGREEMENT_COLUMNS`. ``weighted`` is True where linearly weighted
        kappa is used (ordered answers); then ``agreement`` is the weighted proportion.
        With one appraiser there is one row per tool with ``reviewer_b`` empty, NaN
        statistics and a note saying so, never a perfect agreement.
    """
    rows = _by_reviewer(folder)
    out = []
    for name, tool in folder.tools.items():
        t_rows = rows[rows["tool"] == name]
        if t_rows.empty:
            continue
        names = sorted(set(t_rows["reviewer"]))
        if len(names) == 1:
            out.append((name, "all", names[0], "", t_rows["study_id"].nunique(), np.nan,
                        np.nan, tool.ordered, np.nan, np.nan, np.nan,
                        f"{SINGLE}: agreement cannot be estimated"))
            continue
        for a, b in combinations(names, 2):
            ra = t_rows[t_rows["reviewer"] == a].set_index(["study_id", "item"])["answer"]
            rb = t_rows[t_rows["reviewer"] == b].set_index(["study_id", "item"])["answer"]
            both = ra.index.intersection(rb.index)
            for it in tool.items:
                idx = [k for k in both if k[1] == it.item]
                if not idx:
                    continue
                out.append(_kappa_row(name, it.item, a, b, [ra[k] for k in idx],
                                      [rb[k] for k in idx], it.answers, it.ordered, level))
            out.append(_kappa_row(name, "all", a, b, [ra[k] for k in both],
                                  [rb[k] for k in both], tool.answers(), tool.ordered, level))
    return pd.DataFrame(out, columns=AGREEMENT_COLUMNS)


def judgements(folder: AppraisalFolder, answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per study and tool: the category, counts of answers by signal, and a label.

    Returns
    -------
    pandas.DataFrame
        ``study_id``, ``tool``, ``category``, ``applicable`` (items due minus "not
        applicable"), ``met``, ``not_met``, ``unclear`` (unclear or concerns), ``missing``
        (no final answer), ``stopped`` (a screening question was not answered favourably),
        ``summary`` (``"4 of 5 criteria met"``) and ``judgement`` (see the module docstring).
    """
    final = final_answers(folder) if answers is None else answers
    out = []
    for (study, tool), g in final.groupby(["study_id", "tool"], sort=True):
        t = folder.tools[tool]
        category = g["category"].iloc[0]
        given = dict(zip(g["item"], g["answer"]))
        req = _required(folder, tool, category, given)
        counts = {"met": 0, "not met": 0, "unclear": 0, "concerns": 0, "not applicable": 0}
        missing = 0
        for it in req:
            if it.item in given:
                counts[signal(given[it.item], it.answers)] += 1
            else:
                missing += 1
        stopped = len(req) < len(t.items_for(category))
        applicable = len(req) - counts["not applicable"]
        unclear = counts["unclear"] + counts["concerns"]
        if missing:
            label = "incomplete"
        elif counts["met"] == applicable and not stopped:
            label = "all criteria met"
        else:
            label = "not all criteria met"
        out.append((study, tool, category, applicable, counts["met"], counts["not met"],
                    unclear, missing, stopped,
                    f"{counts['met']} of {applicable} criteria met", label))
    frame = pd.DataFrame(out, columns=["study_id", "tool", "category", "applicable", "met",
                                       "not_met", "unclear", "missing", "stopped", "summary",
                                       "judgement"])
    order = {name: i for i, name in enumerate(folder.tools)}   # tools in tools.csv order
    return frame.sort_values(["study_id", "tool"], key=lambda c: c.map(order)
                             if c.name == "tool" else c).reset_index(drop=True)
