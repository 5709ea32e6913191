"""A screening folder's prioritised to-do list, its random sample, and the stopping test.

``training_set``    the settled title/abstract decisions (relevant = include or maybe) and
                    the records still to screen
``rank``            scores the records still to screen -> ``title_abstract/ranking.csv``
``draw_sample``     a seeded random sample of the records still to screen ->
                    ``title_abstract/random_sample.csv``
``sample_test``     the hypergeometric stopping test on the screened part of that sample

Neither file is a decision file: ``screen check`` and the PRISMA counts ignore them, and
neither is ever read as a decision. Every record is still decided by a person.

Which decisions count: a consensus row settles its record; otherwise the reviewers' rows
(one reviewer, or several who agree). Records on which reviewers disagree and that have no
consensus row yet are left out of training and out of the to-do list. Records from other
methods that were not title-checked are not part of title/abstract screening.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from reviewlib.errors import InputError, OverwriteError, Problem
from reviewlib.io import read_table, write_csv
from reviewlib.records import fields as F
from reviewlib.screening import layout as L
from reviewlib.screening import prioritise as P
from reviewlib.screening.decisions import PASS, title_abstract_status
from reviewlib.screening.folder import ScreeningFolder
from reviewlib.screening.stopping import StopTest, stopping_test

RANKING_HEADER = ["rank", "record_id", "score", "title"]
SAMPLE_HEADER = ["position", "record_id", "title", "pool", "seed"]


class TooLittleToLearn(InputError):
    """Fewer than one relevant and one irrelevant settled decision."""


@dataclass
class TrainingSet:
    """Records of title/abstract screening with their settled label (1 relevant, 0 not,
    -1 still to screen, -2 disputed without consensus)."""

    records: pd.DataFrame   # the folder's kept records taking part, in folder order
    label: np.ndarray
    todo: np.ndarray        # records to rank (undecided, or not yet decided by a reviewer)

    @property
    def n_relevant(self) -> int:
        return int((self.label == 1).sum())

    @property
    def n_irrelevant(self) -> int:
        return int((self.label == 0).sum())


def training_set(folder: ScreeningFolder, reviewer: str | None = None) -> TrainingSet:
    """Settled labels of every title/abstract record.

    With ``reviewer``, records that reviewer has not decided are "to screen" (−1) even when
    another reviewer has, so that the list is that reviewer's to-do list; their other
    reviewers' decisions still train the model.
    """
    status = title_abstract_status(folder)
    part = (status["basis"] != "not title-checked").to_numpy()
    status = status[part].reset_index(drop=True)
    records = folder.records[part].reset_index(drop=True)
    label = np.where(status["final"].isin(PASS), 1, 0)
    label = np.where(status["final"] == "", -1, label)
    disputed = (status["conflict"] & (status["consensus"] == "")).to_numpy()
    label = np.where(disputed, -2, label)
    todo = label == -1
    if reviewer is not None:
        mine = set(folder.rows(L.TITLE_ABSTRACT, consensus=False)
                   .query("reviewer == @reviewer")["record_id"])
        todo = ~records[F.ID].isin(mine).to_numpy() & (status["consensus"] == "").to_numpy()
    return TrainingSet(records, label, todo)


def _replaceable(path, header: list[str], what: str, force: bool) -> None:
    if path.is_dir():
        raise OverwriteError(f"{path} is a folder")
    if path.exists() and not force and read_table(path).header != header:
        raise OverwriteError(f"{path} exists and is not an earlier {what} (header "
                             f"{','.join(header)}); move it away or pass --force")


def rank(folder: ScreeningFolder, *, reviewer: str | None = None) -> pd.DataFrame:
    """The records still to screen, most likely relevant first.

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = screen first), ``record_id``, ``score`` (the model's relevance score
        in (0, 1), see :meth:`reviewlib.screening.prioritise.Model.fit_predict`: it shows
        how strongly the model favours the record and is not a probability of inclusion;
        the order follows the model's unrounded margins) and ``title``.

    Raises
    ------
    TooLittleToLearn
        When there is not yet one relevant (include/maybe) and one excluded settled decision.
    """
    ts = training_set(folder, reviewer)
    if ts.n_relevant < 1 or ts.n_irrelevant < 1:
        raise TooLittleToLearn(Problem(
            folder.path(L.TITLE_ABSTRACT), None, None,
            f"too little to learn from: {ts.n_relevant} include/maybe and {ts.n_irrelevant} "
            "exclude decision(s) settled; the ranking needs at least one of each. Screen in "
            "any order (or a random sample: 'reviewlib screen sample') until then"))
    X = P.features(P.record_text(ts.records))
    train = np.flatnonzero(ts.label >= 0)
    margins = P.Model().margins(X, train, ts.label[train])
    todo = P.order_by_score(margins, np.flatnonzero(ts.todo))
    scores = expit(margins)
    return pd.DataFrame({"rank": np.arange(1, len(todo) + 1),
                         "record_id": ts.records[F.ID].to_numpy()[todo],
                         "score": [f"{s:.4f}" for s in scores[todo]],
                         "title": ts.records["title"].fillna("").to_numpy()[todo]})


def write_ranking(folder: ScreeningFolder, frame: pd.DataFrame, *, force: bool = False):
    """Write ``title_abstract/ranking.csv`` (replacing an earlier ranking only)."""
    from pathlib import Path
    path = Path(folder.path(L.TITLE_ABSTRACT, L.RANKING_FILE))
    _replaceable(path, RANKING_HEADER, "ranking", force)
    return write_csv(frame, path, overwrite=True)


# ------------------------------------------------------------------ random sample and test
def draw_sample(folder: ScreeningFolder, n: int, seed: int) -> pd.DataFrame:
    """``n`` records drawn at random (``random.Random(seed)``) from those nobody has decided
    at title/abstract yet, in the order to screen them."""
    ts = training_set(folder)
    pool = ts.records[F.ID].to_numpy()[ts.label == -1]
    if n < 1:
        raise ValueError("the sample needs at least one record")
    if not len(pool):
        raise InputError(Problem(folder.path(L.TITLE_ABSTRACT), None, None,
                                 "no undecided records to sample from"))
    picked = random.Random(seed).sample(sorted(pool), min(n, len(pool)))
    titles = dict(zip(ts.records[F.ID], ts.records["title"].fillna("")))
    return pd.DataFrame({"position": np.arange(1, len(picked) + 1), "record_id": picked,
                         "title": [titles[i] for i in picked], "pool": len(pool),
                         "seed": seed})


def write_sample(folder: ScreeningFolder, frame: pd.DataFrame, *, force: bool = False):
    """Write ``title_abstract/random_sample.csv``; an existing sample is never replaced
    without ``force`` (the stopping test is only valid for the sample as first drawn)."""
    from pathlib import Path
    path = Path(folder.path(L.TITLE_ABSTRACT, L.RANDOM_SAMPLE_FILE))
    if path.exists() and not force:
        raise OverwriteError(f"{path} exists: a sample is drawn once and then screened; pass "
                             "--force to draw a new one (screen it from the start)")
    return write_csv(frame, path, overwrite=True)


@dataclass
class SampleStatus:
    """What :func:`sample_test` found."""

    pool: int
    sample_size: int
    seed: str
    test: StopTest | None
    late: int            # records outside the sample decided after it was drawn


def read_sample(folder: ScreeningFolder) -> pd.DataFrame | None:
    """The random sample file, or None when there is none. InputError when malformed."""
    import os
    path = folder.path(L.TITLE_ABSTRACT, L.RANDOM_SAMPLE_FILE)
    if not os.path.isfile(path):
        return None
    t = read_table(path)
    t.raise_for_problems()
    if t.header != SAMPLE_HEADER:
        raise InputError(Problem(path, t.header_line or 1, None, "header must be " +
                                 ",".join(SAMPLE_HEADER) + " (as 'reviewlib screen sample' "
                                 "writes it)"))
    f = t.to_frame()
    problems = []
    pools = set(f["pool"])
    if len(pools) > 1 or not all(p.isdigit() for p in pools):
        problems.append(Problem(path, None, 4, "column pool must hold one whole number"))
    known = set(folder.records[F.ID])
    for rid, line in zip(f["record_id"], t.lines):
        if rid not in known:
            problems.append(Problem(path, line, 2, f"record {rid!r} is not a kept record"))
    if problems:
        raise InputError(problems)
    return f


def sample_test(folder: ScreeningFolder, target: float = 0.95,
                confidence: float = 0.95) -> SampleStatus | None:
    """The stopping test on the screened part of the random sample (None without sample).

    ``n`` = sampled records with a settled decision, ``k`` = relevant among them,
    ``r_before`` = relevant records among the other settled ones, urn = ``pool``.
    """
    f = read_sample(folder)
    if f is None:
        return None
    ts = training_set(folder)
    lab = dict(zip(ts.records[F.ID], ts.label))
    sampled = [lab.get(r, -1) for r in f["record_id"]]
    n = sum(1 for v in sampled if v >= 0)
    k = sum(1 for v in sampled if v == 1)
    in_sample = set(f["record_id"])
    outside = [v for r, v in lab.items() if r not in in_sample]
    r_before = sum(1 for v in outside if v == 1)
    pool = int(f["pool"].iloc[0])
    decided_at_draw = len(ts.records) - pool
    late = max(0, sum(1 for v in outside if v != -1) - decided_at_draw)
    test = stopping_test(pool, n, k, r_before, target, confidence) if n else None
    return SampleStatus(pool, len(f), str(f["seed"].iloc[0]), test, late)
