"""Replay a labelled review to measure prioritisation: ``reviewlib screen simulate``.

:func:`read_labelled` reads a table with ``id``, ``title``, ``abstract`` and
``label_included`` (1 included, 0 excluded; other columns are ignored, ``keywords`` is used
when present); :func:`replay` screens it from prior records in the model's order and returns
the order, its measures and where the stopping test would have said stop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.io import read_table
from reviewlib.screening import prioritise as P
from reviewlib.screening.stopping import ranked_stop

#: Columns a labelled file must have.
LABELLED_COLUMNS = ("id", "title", "abstract", "label_included")


def read_labelled(path: str | os.PathLike) -> pd.DataFrame:
    """The records of a labelled review: ``id``, ``title``, ``abstract``, ``keywords``
    (empty when absent), ``label`` (0/1) and ``line`` (the row's line in the file).

    Raises
    ------
    InputError
        Every problem found, each naming ``path:line:column``: a missing column, an empty or
        repeated id, a label other than 0/1, no included or no excluded record.
    """
    table = read_table(path, expected=LABELLED_COLUMNS)
    table.raise_for_problems()
    where = str(path)
    head = table.header_line or 1
    cols = {}
    missing = []
    for name in LABELLED_COLUMNS:
        try:
            cols[name] = table.keys[table.column(name) - 1]
        except KeyError:
            missing.append(name)
    if missing:
        raise InputError.at(where, head, f"missing column(s) {', '.join(missing)}; the file "
                            f"needs {', '.join(LABELLED_COLUMNS)} (has {', '.join(table.header)})")
    kw = None
    try:
        kw = table.keys[table.column("keywords") - 1]
    except KeyError:
        pass
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows = []
    id_col, lab_col = table.column("id"), table.column("label_included")
    for row, line in zip(table.rows, table.lines):
        rid = row[cols["id"]].strip()
        label = row[cols["label_included"]].strip()
        if not rid:
            problems.append(Problem(where, line, id_col, "empty id"))
        elif rid in seen:
            problems.append(Problem(where, line, id_col,
                                    f"id {rid!r} repeats line {seen[rid]}"))
        else:
            seen[rid] = line
        if label not in ("0", "1"):
            problems.append(Problem(where, line, lab_col,
                                    f"label_included must be 1 (included) or 0 (excluded), "
                                    f"not {label!r}"))
        rows.append((rid, row[cols["title"]], row[cols["abstract"]],
                     row[kw] if kw else "", 1 if label == "1" else 0, line))
    frame = pd.DataFrame(rows, columns=["id", "title", "abstract", "keywords", "label", "line"])
    if not problems:
        if not len(frame):
            problems.append(Problem(where, head, None, "no records"))
        elif frame["label"].nunique() < 2:
            problems.append(Problem(where, None, None, "needs at least one included (1) and one "
                                    "excluded (0) record to measure anything"))
    if problems:
        raise InputError(problems)
    return frame


@dataclass
class Replay:
    """Result of :func:`replay`."""

    order: list[str]
    labels: np.ndarray                      # labels in screening order
    measures: dict[str, float] = field(default_factory=dict)
    stop_at: int | None = None               # records screened when the test said stop
    stop_recall: float | None = None         # recall reached at that point
    n_priors: int = 0


def check_priors(frame: pd.DataFrame, prior_ids: list[str], path: str) -> list[int]:
    """Row positions of the priors; InputError for unknown ids or one-sided priors."""
    pos = {rid: i for i, rid in enumerate(frame["id"])}
    unknown = [p for p in prior_ids if p not in pos]
    if unknown:
        raise InputError(Problem(path, None, None, "prior id(s) not in the file: " +
                                 ", ".join(unknown)))
    rows = [pos[p] for p in dict.fromkeys(prior_ids)]
    if set(frame["label"].iloc[rows]) != {0, 1}:
        raise InputError(Problem(path, None, None,
                                 "the priors need at least one included (label_included = 1) "
                                 "and one excluded (0) record"))
    return rows


def replay(frame: pd.DataFrame, prior_rows: list[int], *, target: float = 0.95,
           confidence: float = 0.95) -> Replay:
    """Screen ``frame`` from ``prior_rows`` in the model's order (see
    :func:`reviewlib.screening.prioritise.simulate`) and measure the order."""
    X = P.features(P.record_text(frame))
    y = frame["label"].to_numpy(dtype=int)
    order = P.simulate(X, y, prior_rows)
    ly = y[order]
    stop = ranked_stop(ly, len(ly), target, confidence, min_screened=len(prior_rows))
    rec = None if stop is None else float(ly[:stop].sum() / ly.sum())
    return Replay([frame["id"].iloc[i] for i in order], ly, P.measures(ly), stop, rec,
                  len(set(prior_rows)))


@dataclass
class DecisionReplay:
    """A review's own title/abstract decisions replayed in two orders (see
    :func:`replay_decisions`)."""

    n_records: int
    n_relevant: int
    actual: np.ndarray                       # labels in the order the decisions were written
    ranked: list[np.ndarray]                 # labels in each replayed ranked order
    priors: list[tuple[str, str]]


def replay_decisions(folder, n_runs: int = 5, seed: int = 0) -> DecisionReplay | None:
    """The recall a ranked order would have given on a folder's own settled decisions.

    The *actual* order is the order of the decision rows in the reviewers' files (first
    appearance of each record). The *ranked* orders replay :func:`replay` from one relevant
    and one excluded record, chosen like the benchmark's priors (``random.Random(seed + i)``
    over the sorted ids) for ``n_runs`` runs. None when there is not one relevant and one
    excluded settled decision.
    """
    import random

    from reviewlib.screening import layout as L
    from reviewlib.screening.ranking import training_set

    ts = training_set(folder)
    keep = ts.label >= 0
    ids = ts.records["id"].to_numpy()[keep]
    frame = ts.records[keep].reset_index(drop=True).assign(label=ts.label[keep])
    if frame["label"].nunique() < 2:
        return None
    rows = folder.rows(L.TITLE_ABSTRACT, consensus=False)
    pos = {rid: i for i, rid in enumerate(ids)}
    seen = list(dict.fromkeys(r for r in rows["record_id"] if r in pos))
    seen += [r for r in ids if r not in set(seen)]       # settled by consensus only
    y = frame["label"].to_numpy()
    actual = y[[pos[r] for r in seen]]
    inc = sorted(frame["id"][frame["label"] == 1])
    exc = sorted(frame["id"][frame["label"] == 0])
    ranked, priors = [], []
    for run in range(n_runs):
        rng = random.Random(seed + run)
        pr = (rng.choice(inc), rng.choice(exc))
        priors.append(pr)
        ranked.append(replay(frame, [pos[pr[0]], pos[pr[1]]]).labels)
    return DecisionReplay(len(frame), int(y.sum()), actual, ranked, priors)
