"""Screening prioritisation: rank unscreened records by how likely they are to be included.

A model learns from the title/abstract decisions made so far and proposes the records most
likely to be relevant first (active learning, "certainty-based" or "maximum" query). It is an
aid to the order of work only: every record is still decided by a person.

The pieces, all from scikit-learn:

``record_text``   title + abstract + keywords of each record, one string per record
``features``      TF-IDF of those strings (word unigrams and bigrams, sublinear term
                  frequency, words of more than 95 % of the records left out); fitted on
                  *all* records, which needs no labels
``Model``         a linear support vector machine, trained on the decided records with the
                  relevant ones weighted up, gives every record a relevance margin
``simulate``      replays a labelled review from prior records, retraining after every
                  record (in batches in collections of more than 5,000 records), and
                  returns the full screening order
``wss``, ``recall_at``, ``loss``   the usual measures of a screening order

Determinism: the features are deterministic; the SVM solver visits its coordinates in a
random order whose seed each fit draws from a stream seeded by ``Model.seed``; ties in
margin are broken by the records' input order.

How the model was chosen. Fourteen settings were first compared by replaying the five
labelled SYNERGY reviews of the benchmark (Donners 2021, Sep 2021, Nelson 2002, van der
Valk 2021, Meijboom 2021; five runs each from the benchmark's priors; median WSS@95 and
loss per review, judged by the worst review and by leaving each review out in turn):
logistic regression with C = 1, 3 or 10 and balanced or up-weighted relevant records, a
linear SVM with C = 0.11, 0.15 or 0.3, rank averages of two models, and retraining in
batches of several sizes. Larger C found the last includes of the reviews with few
includes sooner (Donners, Meijboom) but lost up to 0.10 WSS@95 on Sep 2021 and van der
Valk 2021, where includes are common; no rank average removed that loss. The only
settings within 0.004 of ASReview LAB's default model (``elas_u4``) on every review were
its own, so the model now follows ASReview LAB 3.0.8's source detail by detail:

- text: title and abstract joined by a space, a missing one empty (keywords are added
  when a file has them; ASReview reads title and abstract only);
- TF-IDF: scikit-learn's ``TfidfVectorizer`` with ngram_range (1, 2), sublinear_tf,
  min_df 1, max_df 0.95, its default lower-casing and token pattern, no stop words and
  no accent folding (folding accents, tried, changed the screening order from position
  29 to 245 in every run of Donners and Sep), float64, l2 norm, smoothed idf;
- weights: relevant records 1, irrelevant ``n1 / (9.8 · n0)``, rescaled to a mean of 1
  (ASReview's ``balanced`` balancer with ratio 9.8);
- classifier: ``LinearSVC(C=0.11)`` with every other setting at scikit-learn's default
  (squared hinge, l2, dual solver on these data, tol 1e-4, max_iter 1000, intercept);
  no probability calibration; records ordered by the decision function;
- solver seed: ASReview seeds numpy's global stream with ``--seed`` and every fit draws
  its liblinear seed from it; :func:`simulate` draws from one ``RandomState(seed)`` the
  same way (a fixed seed for every fit instead moved the order of two Sep runs and one
  Donners run from position 107 or 222 on);
- query: the unscreened records sorted by descending margin, ties in record order
  (``argsort(-margin, kind="stable")`` over the sorted pool, as ASReview's ``max``);
- retraining after every record from the priors on, the training rows in screening order.

Measured: from the benchmark's five priors of each of the five reviews, :func:`simulate`
gives ASReview LAB 3.0.8's screening order (``asreview simulate --seed 1``) record for
record in all 25 runs, so every measure is level with it; the tests check this on the
Sep 2021 review. It is faster because it fits TF-IDF once, scores without scikit-learn's
per-call input checks and starts no project database. Two differences remain by design:
keywords are read when present, and collections of more than 5,000 records are retrained
in batches (:func:`batch_size`): with a limit of one record per 500, batches changed no
median of the two largest reviews by more than 0.003 but moved single runs by up to 0.07
WSS@95, so they are kept for collections where retraining after every record would take
many minutes per replay.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

#: Fields whose text the model reads, in this order (missing ones are skipped).
TEXT_FIELDS = ("title", "abstract", "keywords")


def record_text(frame: pd.DataFrame, fields: Sequence[str] = TEXT_FIELDS) -> list[str]:
    """Title, abstract and keywords of every row joined into one string.

    Examples
    --------
    >>> record_text(pd.DataFrame({"title": ["A"], "abstract": [None]}))
    ['A']
    """
    cols = [c for c in fields if c in frame.columns]
    parts = [frame[c].fillna("").astype(str).str.strip() for c in cols]
    if not parts:
        return [""] * len(frame)
    out = parts[0]
    for p in parts[1:]:
        out = out.str.cat(p, sep=" ")
    return [s.strip() for s in out]


def features(texts: Sequence[str]):
    """TF-IDF matrix (sparse, one row per text) of word unigrams and bigrams.

    The settings of ASReview LAB 3.0.8's default model: words of two or more letters or
    digits, lower-cased (accents are kept), ``sublinear_tf`` damping repeated words, and
    words found in more than 95 % of the texts left out (they tell no records apart). A
    corpus too small for that cut keeps every word; one without any word (all texts
    empty) gives a matrix with one all-zero column, so that a model can still be trained
    (it then scores every record alike).
    """
    texts = list(texts)
    for max_df in (0.95, 1.0):
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                              max_df=max_df, dtype=np.float64)
        try:
            return vec.fit_transform(texts)
        except ValueError:   # no word left after the cut, or no word at all
            continue
    from scipy.sparse import csr_matrix
    return csr_matrix((len(texts), 1), dtype=np.float64)


@dataclass(frozen=True)
class Model:
    """Settings of the relevance model: a linear support vector machine (scikit-learn's
    ``LinearSVC``, squared hinge loss, its default solver and iteration limit) with
    weighted records.

    ``C`` is the inverse regularisation strength. ``ratio`` sets the weights: the relevant
    records together weigh ``ratio`` times as much as the irrelevant ones together, however
    few they are (:meth:`sample_weight`), so that a handful of includes among many excludes
    still shape the model. ``seed`` seeds the stream from which each fit draws the seed of
    the solver's random order of coordinates (:meth:`margins`).
    """

    C: float = 0.11
    ratio: float = 9.8
    seed: int = 1

    def sample_weight(self, y: np.ndarray) -> np.ndarray:
        """Weight of each training record: 1 for a relevant one, ``n1 / (ratio · n0)`` for
        an irrelevant one (n1, n0 the counts), rescaled to a mean of 1.

        Examples
        --------
        >>> w = Model(ratio=2.0).sample_weight(np.array([1, 0, 0, 0]))
        >>> float(w[0] / w[1:].sum())
        2.0
        """
        y = np.asarray(y)
        n1, n0 = int((y == 1).sum()), int((y == 0).sum())
        w = np.where(y == 1, 1.0, n1 / (self.ratio * n0))
        return w * (len(y) / w.sum())

    def margins(self, X, train: np.ndarray, y: np.ndarray,
                random_state: np.random.RandomState | None = None) -> np.ndarray:
        """Signed distance of every row of ``X`` from the boundary of an SVM trained on the
        rows ``train`` (labels ``y``, 1 = relevant; both classes must be present), in the
        order given. Larger means more likely relevant.

        ``random_state`` is the stream the fit draws its solver seed from (a new
        ``RandomState(seed)`` when None): :func:`simulate` passes one stream to all its
        fits, as ASReview LAB does with its global seed.
        """
        y = np.asarray(y, dtype=int)
        rs = np.random.RandomState(self.seed) if random_state is None else random_state
        clf = LinearSVC(C=self.C, random_state=rs)
        with warnings.catch_warnings(), config_context(assume_finite=True,
                                                       skip_parameter_validation=True):
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X[train], y, sample_weight=self.sample_weight(y))
        # what LinearSVC.decision_function computes, without its input checks
        return np.asarray(X @ clf.coef_.T).ravel() + clf.intercept_[0]

    def fit_predict(self, X, train: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Relevance score in (0, 1) of every row of ``X``: the logistic function of
        :meth:`margins`. It shows how strongly the model favours a record; it is not a
        probability (the heavy weight of the relevant records puts most records on their
        side of the boundary). Order records by :meth:`margins`, which never ties where the
        scores round to the same value."""
        return expit(self.margins(X, train, y))


def order_by_score(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """``candidates`` sorted by descending score; ties keep their input order."""
    return candidates[np.argsort(-scores[candidates], kind="stable")]


#: Collections of up to this many records are retrained after every record (then a replay
#: gives ASReview LAB's order); larger ones in batches (:func:`batch_size`).
EVERY_RECORD_UP_TO = 5000


def batch_size(n_labelled: int, n_total: int) -> int:
    """How many records are screened before the model is retrained.

    After every record in a collection of up to :data:`EVERY_RECORD_UP_TO` records, as
    ASReview LAB does. In larger collections one at a time at first, then 2 % of what is
    labelled, at most one record per :data:`EVERY_RECORD_UP_TO` in the collection, so that
    the cost of retraining does not grow with the square of the collection's size.

    Examples
    --------
    >>> [batch_size(n, 5000) for n in (2, 500, 4999)]
    [1, 1, 1]
    >>> [batch_size(n, 20_000) for n in (2, 50, 51, 100, 151, 9000)]
    [1, 1, 2, 2, 4, 4]
    """
    return max(1, min(math.ceil(0.02 * n_labelled), math.ceil(n_total / EVERY_RECORD_UP_TO)))


def simulate(X, labels: Sequence[int], priors: Sequence[int], model: Model | None = None,
             ) -> np.ndarray:
    """Replay a review: screen in the model's order, revealing each label.

    Parameters
    ----------
    X : sparse matrix
        Features of every record (:func:`features`).
    labels : sequence of 0/1
        The true decision of every record (1 = relevant).
    priors : sequence of int
        Row positions screened first, in this order; at least one relevant and one
        irrelevant record.
    model : Model, optional

    Returns
    -------
    numpy.ndarray
        Row positions in screening order: the priors, then every other record once.
    """
    model = model or Model()
    y = np.asarray(labels, dtype=int)
    n = len(y)
    order = list(dict.fromkeys(int(p) for p in priors))
    if len(set(y[order])) < 2:
        raise ValueError("the priors need at least one relevant and one irrelevant record")
    seen = np.zeros(n, dtype=bool)
    seen[order] = True
    stream = np.random.RandomState(model.seed)
    while len(order) < n:
        train = np.asarray(order)
        margins = model.margins(X, train, y[train], stream)
        rest = order_by_score(margins, np.flatnonzero(~seen))
        take = rest[:batch_size(len(order), n)]
        order.extend(int(i) for i in take)
        seen[take] = True
    return np.asarray(order, dtype=int)


# ------------------------------------------------------------------------------ measures
def _found(labels_in_order: Sequence[int]) -> np.ndarray:
    return np.cumsum(np.asarray(labels_in_order, dtype=int))


def n_to_recall(labels_in_order: Sequence[int], recall: float) -> int:
    """Records screened (1-based) until ``ceil(recall * R)`` relevant ones are found."""
    found = _found(labels_in_order)
    need = math.ceil(round(recall * found[-1], 9))
    return int(np.searchsorted(found, need) + 1)


def wss(labels_in_order: Sequence[int], recall: float = 0.95) -> float:
    """Work saved over sampling at ``recall``: (N − n)/N − (1 − recall), with n the records
    screened until ``ceil(recall · R)`` of the R relevant ones are found (Cohen et al. 2006).
    """
    n_total = len(labels_in_order)
    return (n_total - n_to_recall(labels_in_order, recall)) / n_total - (1 - recall)


def recall_at(labels_in_order: Sequence[int], share: float = 0.10) -> float:
    """Share of the relevant records found after screening ``ceil(share · N)`` records."""
    found = _found(labels_in_order)
    k = max(1, math.ceil(round(share * len(found), 9)))
    return float(found[k - 1] / found[-1])


def _area(found: np.ndarray) -> float:
    return float(np.trapezoid(found))


def loss(labels_in_order: Sequence[int]) -> float:
    """Area between the perfect recall curve and this one, normalised so that the perfect
    order scores 0 and the worst (every relevant record last) scores 1. Recall curves are
    counts of relevant records found after 1, 2, …, N screened, integrated by trapezoids.
    """
    y = np.asarray(labels_in_order, dtype=int)
    r = int(y.sum())
    best = _area(np.cumsum(np.sort(y)[::-1]))
    worst = _area(np.cumsum(np.sort(y)))
    if best == worst:
        return 0.0
    return (best - _area(np.cumsum(y))) / (best - worst)


def measures(labels_in_order: Sequence[int]) -> dict[str, float]:
    """WSS@95, WSS@100, recall@10% and loss of one screening order."""
    return {"wss95": wss(labels_in_order, 0.95), "wss100": wss(labels_in_order, 1.0),
            "recall10": recall_at(labels_in_order, 0.10), "loss": loss(labels_in_order)}
