"""How much each field says in the input at hand: Fellegi–Sunter m- and u-probabilities.

Exports differ in what their fields hold. One database prints the volume as ``1)``,
another puts a per-record counter in the issue field, a third leaves pages empty. A fixed
rule ("different volumes are different works") fails on such an export; this module
measures instead, on every run, how often each field agrees

* between records of the **same** work (the m-probability), estimated on *anchor pairs*:
  records with the same long title and the same set of family names, which are almost
  always one work whatever their other fields say;
* between **random** records (the u-probability), estimated on a seeded sample of record
  pairs (nearly all of them different works).

Following Fellegi & Sunter (JASA 1969), agreement on a field multiplies the odds of a
match by ``m / u`` and a conflict by ``(1 - m) / (1 - u)``; their base-2 logarithms are
the field's *weights*. The m-estimate is shrunk towards a prior (:data:`PRIOR_M`, worth
:data:`PRIOR_PAIRS` anchor pairs), so that a small input keeps the usual behaviour and a
large one speaks for itself.

A field whose values agree on fewer than :data:`MIN_M` of the anchor pairs (a per-record
counter, a volume in the issue field of one source only, a DOI column holding something
else) is not evidence of anything in that input. A small input has too few anchor pairs to
outweigh the prior, so a per-record counter is also recognised directly: its values are
distinct on (nearly) every record (:data:`COUNTER_DISTINCT`) and no anchor pair, of at least
:data:`COUNTER_ANCHORS`, agrees on it. Such a field :func:`apply` blanks it before blocking,
so that no later stage reads a conflict in it. :func:`weights` gives the per-pair weight
of the fields that remain; :mod:`reviewlib.dedup.decide` uses it where it used fixed
vetoes on volume, issue and pages. :func:`term_frequencies` adds the frequency-based
weights of exact agreements (a common title or family name says less than a rare one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Fields measured, with the prepared columns that hold them (the first is compared; all
#: are blanked when the field is set aside).
FIELDS: dict[str, tuple[str, ...]] = {
    "doi": ("n_doi_key", "n_doi"),
    "year": ("n_year",),
    "journal": ("n_journal",),
    "volume": ("n_volume",),
    "number": ("n_number",),
    "page": ("n_page", "n_page_last"),
}
#: Prior m-probability (how often a field agrees between two records of one work when both
#: have it) and its weight in anchor pairs.
PRIOR_M = 0.9
PRIOR_PAIRS = 10
#: Prior u-probabilities (chance agreement between different works), used for an input too
#: small to sample; each is likewise worth :data:`PRIOR_PAIRS` random pairs.
PRIOR_U = {"doi": 0.001, "year": 0.1, "journal": 0.05, "volume": 0.05, "number": 0.15, "page": 0.01}
#: A field present on both sides of fewer than this share of random pairs is absent from
#: the input (:meth:`Evidence.absent`).
MIN_PRESENT = 0.05
#: Below this m-probability a field is set aside for the run.
MIN_M = 0.5
#: A field is a per-record counter when at least this share of the records that have it
#: hold a value no other record has, and none of at least :data:`COUNTER_ANCHORS` anchor
#: pairs agrees on it (its m-probability is then the measured 0, not shrunk to the prior).
COUNTER_DISTINCT = 0.95
COUNTER_ANCHORS = 3
#: Random pairs sampled for the u-probabilities, and the seed (results must not vary
#: between runs).
U_SAMPLE = 20000
SEED = 20261202
#: Anchor pairs: titles of at least this many characters (folded, without spaces), not
#: generic, with the same non-empty set of family names, in groups of at most
#: :data:`MAX_ANCHOR_GROUP` records.
ANCHOR_TITLE_CHARS = 30
MAX_ANCHOR_GROUP = 12


@dataclass(frozen=True)
class FieldEvidence:
    """Agreement statistics of one field in one input."""

    name: str
    m: float
    u: float
    anchor_pairs: int          # anchor pairs with the field present on both sides
    random_pairs: int          # sampled random pairs with the field present on both sides
    counter: bool = False      # values distinct per record and never shared by anchor pairs
    min_m: float = MIN_M       # the threshold of :attr:`used` in this run

    @property
    def used(self) -> bool:
        """Whether the field counts as evidence in this input (m >= :data:`MIN_M`, or the
        run's ``min_m``)."""
        return self.m >= self.min_m

    @property
    def agree_weight(self) -> float:
        """log2(m / u): what agreement adds to the match weight."""
        return math.log2(self.m / self.u)

    @property
    def conflict_weight(self) -> float:
        """log2((1 - m) / (1 - u)): what a conflict adds (negative when informative)."""
        return math.log2((1.0 - self.m) / (1.0 - self.u))


@dataclass(frozen=True)
class Evidence:
    """The field statistics of one run (:func:`estimate`), or the priors (:func:`prior`)."""

    fields: dict[str, FieldEvidence] = field(default_factory=dict)
    anchor_pairs: int = 0
    sampled: int = 0             # random pairs sampled for the u-probabilities
    #: Per record (prepared row order), the term-frequency adjustment in bits of each key of
    #: :data:`TF_KEYS` (:func:`term_frequencies`); empty for the priors.
    tf: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def absent(self, name: str) -> bool:
        """Whether field ``name`` is (nearly) absent from the input: present on both sides of
        fewer than :data:`MIN_PRESENT` of the sampled random pairs, or set aside (not
        evidence, blanked by :func:`apply`). The priors (no data measured) count as present."""
        ev = self.fields.get(name)
        return ev is not None and self.sampled > 0 and (ev.random_pairs < MIN_PRESENT * self.sampled or not ev.used)

    @property
    def set_aside(self) -> list[str]:
        """Fields that are not evidence in this input (blanked by :func:`apply`)."""
        return [k for k, v in self.fields.items() if not v.used]

    def to_frame(self) -> pd.DataFrame:
        """One row per field: m, u, both weights, support, used."""
        return pd.DataFrame([{"field": v.name, "m": round(v.m, 4), "u": round(v.u, 4),
                              "agree_weight": round(v.agree_weight, 3),
                              "conflict_weight": round(v.conflict_weight, 3),
                              "anchor_pairs": v.anchor_pairs, "random_pairs": v.random_pairs,
                              "counter": v.counter, "used": v.used} for v in self.fields.values()])


#: Term-frequency keys (Splink's term-frequency adjustment): an exact agreement on a value is
#: worth more when the value is rare in the input, less when it is common. Title (folded,
#: without spaces), first author's family name, and first author with year.
TF_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("n_title_key",),
    "author": ("n_first_author",),
    "author_year": ("n_first_author", "n_year"),
}


def term_frequencies(prep: pd.DataFrame) -> dict[str, np.ndarray]:
    """Term-frequency adjustment of every record for every key of :data:`TF_KEYS`, in bits.

    Frequencies count *works*, not records: the copies of one record in several exports
    would otherwise make every duplicated title look common. A work is approximated by its
    (title, first author) pair, counted once however often it occurs. For a key, let
    ``f(v)`` be the share of these works with value ``v`` (among those that have the key),
    and ``u = sum f(v)**2`` the chance that two random works agree on it (the key's average
    u-probability). Two records agreeing on ``v`` agree by chance with probability ``f(v)``
    instead (Fellegi & Sunter's frequency-based weights; Splink's term-frequency
    adjustment), so the agreement weight changes by ``log2(u / f(v))``: negative for a
    common value (a title printed by many authors, a frequent family name), positive for a
    rare one. Records without the value get 0.
    """
    n = len(prep)
    work = pd.factorize(prep["n_title_key"].astype(str) + "|" + prep["n_first_author"].astype(str))[0]
    out = {}
    for name, columns in TF_KEYS.items():
        key = prep[columns[0]].astype(str)
        present = (key != "").to_numpy().copy()
        for c in columns[1:]:
            other = prep[c].astype(str)
            present &= ((other != "") & (other != "0")).to_numpy()
            key = key + "|" + other
        adj = np.zeros(n, dtype=np.float64)
        if present.sum() >= 2:
            codes = pd.factorize(key[present])[0]
            works = pd.DataFrame({"k": codes, "w": work[present]}).drop_duplicates()
            counts = np.bincount(works["k"].to_numpy(), minlength=codes.max() + 1)
            f = counts / counts.sum()
            adj[present] = np.log2((f ** 2).sum() / f[codes])
        out[name] = adj
    return out


def tf_bits(features: pd.DataFrame, evidence: "Evidence") -> np.ndarray:
    """Term-frequency adjustment of every compared pair, in bits (0 without frequencies).

    The title counts where the titles agree (similarity >= 0.95), with the more common of
    the two records' titles; the first author where both name the same one, with the year
    when the years agree too (first author and year), else the name alone.
    """
    total = np.zeros(len(features), dtype=np.float64)
    if not evidence.tf:
        return total
    from reviewlib.dedup.compare import EQUAL

    i = features["i"].to_numpy(np.int64)
    j = features["j"].to_numpy(np.int64)
    tf = evidence.tf
    title = np.maximum(features["title"].to_numpy(), features["title_sort"].to_numpy()) >= 0.95
    total += np.where(title, np.minimum(tf["title"][i], tf["title"][j]), 0.0)
    first = features["first_author"].to_numpy() == EQUAL
    same_year = features["year_diff"].to_numpy() == 0
    author = np.where(same_year, np.minimum(tf["author_year"][i], tf["author_year"][j]),
                      np.minimum(tf["author"][i], tf["author"][j]))
    total += np.where(first, author, 0.0)
    return total


def _shrunk(hits: int, total: int, prior: float, strength: float = PRIOR_PAIRS) -> float:
    if total + strength <= 0:
        return prior
    value = (hits + prior * strength) / (total + strength)
    return float(min(max(value, 1e-4), 1 - 1e-4))


def prior() -> Evidence:
    """The evidence assumed without data: the prior m and u of every field."""
    return Evidence({k: FieldEvidence(k, PRIOR_M, PRIOR_U[k], 0, 0) for k in FIELDS})


def anchor_pairs(prep: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (i < j) that are the same work on title and authors alone (see module doc)."""
    ok = ((prep["n_title_len"] >= ANCHOR_TITLE_CHARS) & (prep["n_authors_sorted"] != "")
          & ~prep["n_generic"].astype(bool) & (prep["n_notice"] == "") & ~prep["n_preprint"].astype(bool)
          & (prep["n_part"] == ""))
    rows = np.flatnonzero(ok.to_numpy())
    if len(rows) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    key = (prep["n_title_key"].to_numpy()[rows] + "|" + prep["n_authors_sorted"].to_numpy()[rows].astype(str))
    codes = pd.factorize(pd.Series(key))[0]
    order = np.lexsort((rows, codes))
    codes, rows = codes[order], rows[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    ii, jj = [], []
    for s, n in zip(starts, sizes):
        if 2 <= n <= MAX_ANCHOR_GROUP:
            g = rows[s:s + n]
            a, b = np.triu_indices(n, 1)
            ii.append(g[a])
            jj.append(g[b])
    if not ii:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ii).astype(np.int64), np.concatenate(jj).astype(np.int64)


def _agreement(values: np.ndarray, i: np.ndarray, j: np.ndarray, journal: bool = False) -> tuple[int, int]:
    """(pairs agreeing, pairs with the value on both sides); journals agree as in
    :mod:`reviewlib.dedup.compare` (similarity >= 0.9, abbreviations included)."""
    a, b = values[i], values[j]
    present = (a != "") & (b != "") & (a != "0") & (b != "0")
    if journal:
        from reviewlib.dedup.compare import _journal_similarity

        same = np.zeros(len(a), dtype=bool)
        k = np.flatnonzero(present)
        same[k] = _journal_similarity(a[k], b[k], 1) >= 0.9
    else:
        same = a == b
    return int((present & same).sum()), int(present.sum())


def distinct_share(values: np.ndarray) -> float:
    """Share of the records holding a value (not "" or "0") whose value no other record holds."""
    present = values[(values != "") & (values != "0")]
    if len(present) == 0:
        return 0.0
    _, counts = np.unique(present, return_counts=True)
    return float((counts == 1).sum() / len(present))


def estimate(prep: pd.DataFrame, seed: int = SEED, sample: int = U_SAMPLE, *,
             prior_pairs: float = PRIOR_PAIRS, min_m: float = MIN_M) -> Evidence:
    """m- and u-probabilities of every field of :data:`FIELDS` in ``prep``.

    Parameters
    ----------
    prep : pandas.DataFrame
        Output of :func:`reviewlib.dedup.prepare.prepare` (sorted by id, so that the seeded
        sample, and with it the result, does not depend on the input order).
    seed, sample : int
        Seed and size of the random-pair sample.
    prior_pairs, min_m : float
        Weight of the prior m-probability in anchor pairs (:data:`PRIOR_PAIRS`), and the
        m-probability below which a field is set aside (:data:`MIN_M`).
    """
    n = len(prep)
    ai, aj = anchor_pairs(prep)
    if n >= 2:
        rng = np.random.default_rng(seed)
        ri = rng.integers(0, n, size=sample)
        rj = rng.integers(0, n - 1, size=sample)
        rj = rj + (rj >= ri)                     # a different record
    else:
        ri = rj = np.zeros(0, np.int64)
    out = {}
    for name, columns in FIELDS.items():
        values = prep[columns[0]].astype(str).to_numpy()
        m_hits, m_total = _agreement(values, ai, aj, name == "journal")
        u_hits, u_total = _agreement(values, ri, rj, name == "journal")
        counter = m_hits == 0 and m_total >= COUNTER_ANCHORS and distinct_share(values) >= COUNTER_DISTINCT
        m = _shrunk(m_hits, m_total, PRIOR_M, 0 if counter else prior_pairs)
        out[name] = FieldEvidence(name, m, _shrunk(u_hits, u_total, PRIOR_U[name]), m_total, u_total, counter,
                                  min_m)
    return Evidence(out, anchor_pairs=len(ai), sampled=len(ri), tf=term_frequencies(prep))


def apply(prep: pd.DataFrame, evidence: Evidence) -> pd.DataFrame:
    """``prep`` with the fields that are not evidence in this input blanked (a copy if any)."""
    aside = evidence.set_aside
    if not aside:
        return prep
    from reviewlib.dedup.prepare import generic_titles

    prep = prep.copy()
    for name in aside:
        for c in FIELDS[name]:
            prep[c] = 0 if c == "n_year" else ""
    prep["n_generic"] = generic_titles(prep)     # a counter in the issue field is no recurrence
    return prep


def fit(prep: pd.DataFrame, **options) -> tuple[pd.DataFrame, Evidence]:
    """Estimate the evidence, blank the fields set aside (:func:`apply`), and measure the
    remaining fields again on the result.

    A field set aside can mislead the first estimate of the others: a per-record counter in
    the issue field makes every title with three copies in one journal look like a title
    printed in three issues (generic), which removes those records from the anchor pairs.
    The second estimate sees the input as the later stages see it; the fields set aside keep
    their first measurement (which is why they were set aside). ``options`` go to
    :func:`estimate`.
    """
    evidence = estimate(prep, **options)
    prep = apply(prep, evidence)
    aside = evidence.set_aside
    if not aside:
        return prep, evidence
    again = estimate(prep, **options)
    fields = {k: (evidence.fields[k] if k in aside else v) for k, v in again.fields.items()}
    return prep, Evidence(fields, anchor_pairs=again.anchor_pairs, sampled=again.sampled, tf=again.tf)


def weights(features: pd.DataFrame, evidence: Evidence, names: tuple[str, ...]) -> np.ndarray:
    """Sum of the Fellegi–Sunter weights of fields ``names`` for every compared pair.

    Agreement adds the field's agree weight, a conflict its conflict weight, a missing
    value nothing. The journal agrees at a similarity of at least 0.9 and conflicts below.
    """
    from reviewlib.dedup.compare import CONFLICT, EQUAL

    total = np.zeros(len(features), dtype=np.float64)
    for name in names:
        ev = evidence.fields[name]
        if name == "journal":
            sim = features["journal"].to_numpy()
            agree, conflict = sim >= 0.9, (sim > 0) & (sim < 0.9)
        elif name == "year":
            diff = features["year_diff"].to_numpy()
            agree, conflict = diff == 0, diff > 0
        else:
            code = features[name].to_numpy()
            agree, conflict = code == EQUAL, code == CONFLICT
        total += np.where(agree, ev.agree_weight, 0.0) + np.where(conflict, ev.conflict_weight, 0.0)
    return total
