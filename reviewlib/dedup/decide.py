"""Stage 4 of deduplication: named rules turn field similarities into decisions.

Every pair gets one decision:

``duplicate``
    the first matching rule in :data:`DUPLICATE_RULES` fired and no veto applies;
``related``
    a veto (different DOIs, preprint versus published version, years apart) separates two
    records whose titles and authors agree: two *reports* of one study, never merged;
``maybe``
    close enough that a person should look (:data:`MAYBE_RULES`), not close enough to merge;
``different``
    everything else.

Volume, issue and pages are weak evidence: exports disagree on them for one work. A conflict
in one of them separates a pair only when the field is informative in the input at hand
(its Fellegi–Sunter conflict weight, measured by :mod:`reviewlib.dedup.evidence`, is below
:data:`UNINFORMATIVE_CONFLICT`) and title, authors and year do not agree with the container
fields outweighing the conflict; a pair so held apart still goes to ``maybe``. Generic
titles (column titles, titles recurring in one journal) need the same DOI, first page, or
volume and issue to merge, else they go to ``maybe`` (rule ``generic_title``); so do merges
on title, authors and year whose values are common in the input (rule ``common_values``,
:data:`TF_PENALTY`). A field the input lacks, or that is set aside, leaves a rule's place
test to the fields that remain (:func:`_place_same`).

Rule names follow the pattern used by CoLRev bib-dedupe's match conditions: the fields that
must agree and the similarity floor in percent (``ti95_au90_yr`` = title >= 0.95, authors
>= 0.90, same year). The thresholds are module constants so that a reader can see, and a
test can pin, exactly what merges two records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from reviewlib.dedup import evidence as _ev
from reviewlib.dedup.compare import CONFLICT, EQUAL, MISSING

Mask = Callable[[pd.DataFrame], np.ndarray]

DUPLICATE, RELATED, MAYBE, DIFFERENT = "duplicate", "related", "maybe", "different"


@dataclass(frozen=True)
class Rule:
    """A named condition on the comparison table.

    ``test`` takes the table of :func:`reviewlib.dedup.compare.compare` and returns one
    boolean per pair; ``description`` says in words what it checks (shown in reports).
    """

    name: str
    description: str
    test: Mask

    def __call__(self, f: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.test(f), dtype=bool)


# -- building blocks -------------------------------------------------------------------

def _v(f: pd.DataFrame, c: str) -> np.ndarray:
    return f[c].to_numpy()


def _title(f, floor):
    return (_v(f, "title") >= floor) | (_v(f, "title_sort") >= floor)


def _authors_strong(f):
    """Author lists agree: nearly the same string, or one contains the other and first authors agree."""
    return (_v(f, "author") >= 0.9) | ((_v(f, "author_set") >= 0.95) & (_v(f, "first_author") == EQUAL))


def _authors_ok(f):
    """Author lists overlap: the same first author, or most family names shared in any order
    (``author_set`` compares the lists as sets: sources order authors differently)."""
    return (_v(f, "first_author") == EQUAL) | (_v(f, "author_set") >= 0.8)


def _year_same(f):
    """Same year; or, in an input that has (nearly) no years at all, no year on either side,
    a title that is not generic and author lists of the same length (a conference paper and
    its longer journal version; the absence of a field the whole input lacks must not
    hold a pair back; the other conditions of each rule still apply)."""
    same = _v(f, "year_diff") == 0
    if _evidence(f).absent("year"):
        same = same | ((_v(f, "year_missing") == 2) & ~_v(f, "generic") & (_v(f, "author_count") != CONFLICT))
    return same


def _year_ok(f):
    return _v(f, "year_diff") <= 0          # same, or missing on one side (-1)


def _place_same(f, *names):
    """The fields ``names`` (volume, number, page) agree. A field the input (nearly) lacks, or
    that is not evidence in it (a per-record counter, see :mod:`reviewlib.dedup.evidence`),
    cannot agree; it is left out of the test, which then needs agreement on every other of
    ``names`` and on at least one of them (never on none). A field that conflicts always fails."""
    ev = _evidence(f)
    ok = np.ones(len(f), dtype=bool)
    some = np.zeros(len(f), dtype=bool)
    for name in names:
        code = _v(f, name)
        equal = code == EQUAL
        ok &= equal | ((code == MISSING) & ev.absent(name))
        some |= equal
    return ok & some


def _container_ok(f):
    return (_v(f, "journal") >= 0.9) | (_v(f, "journal") == 0)


def _container_same(f):
    return _v(f, "journal") >= 0.9


#: A title this long (folded, without spaces) is specific enough that, with the very same
#: author list, a one-year difference is taken as a database's publication-date variant
#: (online-first versus issue year) rather than a recurring title such as an editorial.
LONG_TITLE_CHARS = 40


def _same_author_list_long_title(f):
    """Long close titles, the same author list, and a compatible container named on at least
    one side (an online-first year belongs to a journal article; with no container on either
    side a one-year difference is as likely an annual item, such as a conference track's
    introduction)."""
    return ((_v(f, "title") >= 0.95) & (_v(f, "author") >= 0.9) & (_v(f, "author_count") == EQUAL)
            & (_v(f, "title_chars") >= LONG_TITLE_CHARS) & _container_ok(f) & (_v(f, "journal_missing") < 2))


def _same_volume(f):
    """Close titles and authors in the same volume of the same container, pages not conflicting."""
    return (_title(f, 0.95) & _authors_strong(f) & _container_same(f) & (_v(f, "volume") == EQUAL)
            & (_v(f, "page") != CONFLICT))


def _bibliographic(f):
    """Same container, year, volume, issue and first page, and the same authors (all present:
    with titles allowed to differ, no missing field may stand in)."""
    return ((_v(f, "first_author") == EQUAL) & (_v(f, "author") >= 0.9) & _year_same(f) & _container_same(f)
            & (_v(f, "volume") == EQUAL) & (_v(f, "number") == EQUAL) & (_v(f, "page") == EQUAL))


# -- weak fields: evidence, not vetoes ---------------------------------------------------

#: Fields that place an article in its container. Exports disagree on them for the same work
#: (a volume printed "61" for "1", an issue field holding a record counter, "e8-e9" against
#: "e3"), so a conflict in one of them is weighed against the others, with the weights
#: measured on the input (:mod:`reviewlib.dedup.evidence`).
WEAK_FIELDS = ("journal", "volume", "number", "page")
#: A conflict whose Fellegi–Sunter weight is above this (in bits) is too common between
#: records of one work in this input to separate two records by itself.
UNINFORMATIVE_CONFLICT = -1.0



def _evidence(f: pd.DataFrame) -> _ev.Evidence:
    """The field evidence attached to a comparison table by :func:`decide` (else the priors)."""
    return f.attrs.get("evidence") or _ev.prior()


def _core(f):
    """Title, authors and year (or DOI) agree, and the title is specific enough to identify a work."""
    return (_title(f, 0.95) & _authors_strong(f) & (_year_same(f) | (_v(f, "doi") == EQUAL))
            & ~_v(f, "generic") & (_v(f, "title_chars") >= 20))


def weak_weight(f: pd.DataFrame, evidence: _ev.Evidence | None = None) -> np.ndarray:
    """Sum of the Fellegi–Sunter weights of :data:`WEAK_FIELDS` for every pair."""
    return _ev.weights(f, evidence or _evidence(f), WEAK_FIELDS)


def _weak_veto(f, name):
    """A conflict in ``name`` separates the pair unless the DOI confirms the match, the conflict
    is common between records of one work in this input, or title, authors and year agree and
    the container fields agree more than they conflict (their summed weight is not negative)."""
    ev = _evidence(f).fields[name]
    conflict = (_v(f, name) == CONFLICT) & (_v(f, "doi") != EQUAL)
    if ev.conflict_weight > f.attrs.get("uninformative_conflict", UNINFORMATIVE_CONFLICT):
        return np.zeros(len(f), dtype=bool)
    if not conflict.any():
        return conflict
    return conflict & ~(_core(f) & (weak_weight(f) >= 0))


def place_agrees(f: pd.DataFrame) -> np.ndarray:
    """Same DOI, same first page (not front matter in Roman numerals, where every issue's
    editorial starts), or same volume and issue: where in the literature a record is."""
    page = (_v(f, "page") == EQUAL) & ~_v(f, "page_front")
    return (_v(f, "doi") == EQUAL) | page | ((_v(f, "volume") == EQUAL) & (_v(f, "number") == EQUAL))


# -- vetoes ------------------------------------------------------------------------------

#: Conditions under which two records are never the same work, whatever the rules say.
#: ``related`` marks the vetoes that still allow a report-of-the-same-study relation.
VETOES: tuple[tuple[Rule, bool], ...] = (
    (Rule("preprint_vs_published", "exactly one of the two is a preprint or working paper",
          lambda f: _v(f, "preprint")), True),
    (Rule("doi_differs", "both have a DOI and the DOIs differ", lambda f: _v(f, "doi") == CONFLICT), True),
    (Rule("notice", "an erratum, correction, retraction or expression of concern is never the article it is about",
          lambda f: _v(f, "notice")), True),
    (Rule("part_differs", "different parts of a series (Part I / Part II)", lambda f: _v(f, "part") == CONFLICT), False),
    (Rule("part_one_side", "only one title names a part of a series, and neither the DOI nor the first page "
          "confirms that the other is that part",
          lambda f: _v(f, "part_one_side") & (_v(f, "doi") != EQUAL) & (_v(f, "page") != EQUAL)), False),
    (Rule("title_numbers_differ", "the titles contain different numbers (years, study numbers, volumes), "
          "unless year, volume and first page all agree (then a typo is the likelier explanation)",
          lambda f: (_v(f, "numbers") == CONFLICT) & ~(_year_same(f) & _place_same(f, "volume", "page"))), False),
    (Rule("title_labels_differ", "the titles differ only in a final one-letter label (Case A / Case B)",
          lambda f: _v(f, "label") == CONFLICT), False),
    (Rule("years_apart", "years differ by more than one",
          lambda f: _v(f, "year_diff") > 1), True),
    (Rule("year_off_by_one", "years differ by one without the same DOI, the same volume and first page, "
          "or a long identical title with the same author list",
          lambda f: (_v(f, "year_diff") == 1) & (_v(f, "doi") != EQUAL)
          & ~(_place_same(f, "volume", "page")) & ~_same_author_list_long_title(f)
          & ~_same_volume(f)), True),
    (Rule("pages_differ", "first pages differ, the DOI does not confirm the match, and the other "
          "evidence does not outweigh the conflict (see WEAK_FIELDS)",
          lambda f: _weak_veto(f, "page")), False),
    (Rule("issues_differ", "issue numbers differ, the DOI does not confirm the match, and the other "
          "evidence does not outweigh the conflict",
          lambda f: _weak_veto(f, "number")), False),
    (Rule("volumes_differ", "volumes differ, the DOI does not confirm the match, and the other "
          "evidence does not outweigh the conflict",
          lambda f: _weak_veto(f, "volume")), False),
)

# -- duplicate rules ---------------------------------------------------------------------

#: Ordered from the most to the least direct evidence; the first that fires names the pair.
DUPLICATE_RULES: tuple[Rule, ...] = (
    Rule("doi_ti80", "same DOI and titles at least 0.80 similar",
         lambda f: (_v(f, "doi") == EQUAL) & _title(f, 0.80)),
    Rule("ti100_au80_yr_ct", "identical folded titles, authors overlap, same year, compatible container",
         lambda f: (_v(f, "title") >= 0.999) & _authors_ok(f) & _year_same(f) & _container_ok(f)),
    Rule("ti95_au90_yr_pg", "titles >= 0.95, authors agree, same or missing year, same first page",
         lambda f: _title(f, 0.95) & _authors_strong(f) & _year_ok(f) & (_v(f, "page") == EQUAL)),
    Rule("ti95_au90_yr_ct", "titles >= 0.95, authors agree, same year, same container",
         lambda f: _title(f, 0.95) & _authors_strong(f) & _year_same(f) & _container_same(f)),
    Rule("ti90_au_yr_ct", "titles >= 0.90, the same author list (names and their number), same year and "
         "container, no volume, issue or page conflict (one library abbreviates or spells a title differently)",
         lambda f: _title(f, 0.90) & (_v(f, "author") >= 0.9) & (_v(f, "author_count") == EQUAL)
         & _year_same(f) & _container_same(f) & (_v(f, "volume") != CONFLICT) & (_v(f, "number") != CONFLICT)
         & (_v(f, "page") != CONFLICT)),
    Rule("ti95_au90_yr_noct", "titles >= 0.95, authors agree, same year, container missing on one side",
         lambda f: _title(f, 0.95) & _authors_strong(f) & _year_same(f) & (_v(f, "journal") == 0)),
    Rule("ti90_au90_yr_ct_vl_pg", "titles >= 0.90, authors agree, same year, container, volume and first page",
         lambda f: _title(f, 0.90) & _authors_strong(f) & _year_same(f) & _container_same(f)
         & _place_same(f, "volume", "page")),
    Rule("ti100_au90_yr_vl_nr", "identical titles, authors agree, same year, volume and issue (container names may be translated)",
         lambda f: (_v(f, "title") >= 0.999) & _authors_strong(f) & _year_same(f)
         & _place_same(f, "volume", "number")),
    Rule("ti95_au90_vl_pg", "titles >= 0.95, authors agree, same volume and first page (year may be off by one)",
         lambda f: _title(f, 0.95) & _authors_strong(f) & _place_same(f, "volume", "page")),
    Rule("ti95_yr_ct_vl_pg", "titles >= 0.95 and the same year, container, volume and first page: the same "
         "article even when the author lists disagree (group authors, swapped given and family names)",
         lambda f: _title(f, 0.95) & _year_same(f) & _container_same(f) & _place_same(f, "volume", "page")),
    Rule("ti95_fa_yr_ct_vl_pg", "titles >= 0.95, same first author, year, container, volume and first page",
         lambda f: _title(f, 0.95) & (_v(f, "first_author") == EQUAL) & _year_same(f) & _container_same(f)
         & _place_same(f, "volume", "page")),
    Rule("tiprefix_au90_yr_ct_pg", "one title is the other without its subtitle; authors, year, container and first page agree",
         lambda f: _v(f, "title_prefix") & _authors_strong(f) & _year_same(f) & _container_ok(f)
         & (_v(f, "page") == EQUAL)),
    Rule("doi_tiprefix", "same DOI and one title is the other without its subtitle",
         lambda f: (_v(f, "doi") == EQUAL) & _v(f, "title_prefix")),
    Rule("tiprefix4_au90_yr_ct_vl", "one title (of at least four words) is the other without its subtitle; authors, "
         "year, container and volume agree, issue and pages do not conflict",
         lambda f: _v(f, "title_prefix") & (_v(f, "short_words") >= 4) & _authors_strong(f) & _year_same(f)
         & _container_same(f) & (_v(f, "volume") == EQUAL)),
    Rule("tiprefix_au_yr_ct_noplace", "one title is the other without its subtitle; the same author list, year "
         "and container, in an input without volumes and pages (nothing else could place the pair)",
         lambda f: _v(f, "title_prefix") & (_v(f, "author") >= 0.9) & (_v(f, "author_count") == EQUAL)
         & _year_same(f) & _container_same(f) & _evidence(f).absent("volume") & _evidence(f).absent("page")),
    Rule("bib_au90_yr_ct_vl_nr_pg", "authors, year, container, volume, issue and first page agree; titles may be "
         "translations (first page 1 needs titles >= 0.80: some journals restart pages for every article)",
         lambda f: _bibliographic(f) & ((_v(f, "title_partial") >= 0.8) | (_v(f, "page_one") == 0))),
    Rule("ti95_au90_yr1", "titles >= 0.95 and at least 40 characters, the same author list, years one apart",
         lambda f: _same_author_list_long_title(f) & (_v(f, "year_diff") == 1)),
    Rule("ti95_au90_ct_vl", "titles >= 0.95, authors agree, same container and volume, pages not conflicting "
         "(year may be off by one: online-first versus issue year)",
         lambda f: _same_volume(f) & (_v(f, "year_diff") <= 1)),
    Rule("ti95_au90_noyr_ct", "titles >= 0.95, authors agree, year missing on exactly one side, compatible container",
         lambda f: _title(f, 0.95) & _authors_strong(f) & (_v(f, "year_missing") == 1) & _container_ok(f)),
    Rule("ti95_au90_ct_vl_or_pg", "titles >= 0.95, authors agree, no years, compatible container, same volume or first page",
         lambda f: _title(f, 0.95) & _authors_strong(f) & (_v(f, "year_missing") == 2) & _container_ok(f)
         & ((_v(f, "volume") == EQUAL) | (_v(f, "page") == EQUAL))),
)

#: Pairs worth a reviewer's look when no duplicate rule fired and no hard veto applies.
MAYBE_RULES: tuple[Rule, ...] = (
    Rule("maybe_ti90_au80", "titles >= 0.90 and authors overlap",
         lambda f: _title(f, 0.90) & _authors_ok(f)),
    Rule("maybe_ti80_au90_yr", "titles >= 0.80, authors agree, same or missing year",
         lambda f: _title(f, 0.80) & _authors_strong(f) & _year_ok(f)),
    Rule("maybe_doi", "same DOI but titles differ", lambda f: _v(f, "doi") == EQUAL),
)

#: A report of the same study: titles close and authors overlapping, separated by a veto
#: that allows it. A preprint and its journal version, or a notice and its article, always
#: qualify; other versions (conference paper and journal article, working paper and
#: article) need different containers and at most three years between them, so that a
#: recurring title in one journal (an annual editorial) is not reported.
MAX_VERSION_YEARS = 3

RELATED_TEST = Rule("related", "titles >= 0.90 and authors overlap; a preprint, a notice, or a version in "
                               "another container within three years; a notice (erratum, reply, comment) "
                               "with a title of at least 20 characters needs no common author",
                    lambda f: _title(f, 0.90)
                    & ((_authors_ok(f) & (_v(f, "preprint") | _v(f, "notice")
                                          | ((_v(f, "year_diff") <= MAX_VERSION_YEARS) & ~_container_same(f))))
                       | (_v(f, "notice") & (_v(f, "title_chars") >= 20) & ~_v(f, "generic")
                          & (_v(f, "year_diff") <= MAX_VERSION_YEARS))))


def score(f: pd.DataFrame) -> np.ndarray:
    """A single similarity in [0, 1] for reports: the mean of title and author similarity.

    The decision never depends on it; it orders pairs for the clustering stage and tells a
    reader how close the two records were.
    """
    title = np.maximum(_v(f, "title"), _v(f, "title_sort"))
    author = np.maximum(_v(f, "author"), 0.95 * _v(f, "author_set"))
    return np.round((title + author) / 2.0, 4)


def relation_kind(f: pd.DataFrame) -> np.ndarray:
    """Name of the relation between two reports: preprint, notice, or version."""
    kind = np.full(len(f), "version", dtype=object)
    kind[_v(f, "notice")] = "notice"
    kind[_v(f, "preprint")] = "preprint"
    return kind.astype(str)


#: Fields named in the ``agree`` and ``conflict`` columns of a maybe pair.
EXPLAINED_FIELDS = ("title", "authors", "year", "journal", "volume", "number", "page", "doi")


def explain(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For every pair, the fields that agree and the fields that conflict (";"-joined).

    Title agrees at a similarity of at least 0.95 and conflicts below 0.80; authors agree
    when the lists agree (same names, also in another order) and conflict when no name is
    shared; journal agrees at 0.9 and conflicts below; the others by their codes.
    """
    title = np.maximum(_v(f, "title"), _v(f, "title_sort"))
    tests = {
        "title": (title >= 0.95, title < 0.80),
        "authors": (_authors_strong(f), ~_authors_ok(f) & (_v(f, "first_author") != 0)),
        "year": (_v(f, "year_diff") == 0, _v(f, "year_diff") > 0),
        "journal": (_v(f, "journal") >= 0.9, (_v(f, "journal") > 0) & (_v(f, "journal") < 0.9)),
    }
    for name in ("volume", "number", "page", "doi"):
        tests[name] = (_v(f, name) == EQUAL, _v(f, name) == CONFLICT)
    n = len(f)
    agree = np.full(n, "", dtype=object)
    conflict = np.full(n, "", dtype=object)
    for name in EXPLAINED_FIELDS:
        yes, no = tests[name]
        agree = np.where(yes, np.where(agree == "", name, agree + ";" + name), agree)
        conflict = np.where(no, np.where(conflict == "", name, conflict + ";" + name), conflict)
    return agree.astype(str), conflict.astype(str)


#: Vetoes on weak fields: a pair they hold apart still goes to maybe.csv when close.
WEAK_VETOES = ("pages_differ", "issues_differ", "volumes_differ")
#: Name of the decision that sends a duplicate with a generic title to maybe.csv.
GENERIC_RULE = "generic_title"
#: A duplicate whose title and first author (with year) are together this many bits more
#: common than average in the input (term-frequency adjustment,
#: :func:`reviewlib.dedup.evidence.tf_bits`), and whose place in the literature does not
#: agree (:func:`place_agrees`), goes to maybe.csv (rule :data:`COMMON_RULE`): a short title
#: that many authors use and a frequent family name need more corroboration.
TF_PENALTY = 4.0
COMMON_RULE = "common_values"


def decide(features: pd.DataFrame, evidence: _ev.Evidence | None = None, *,
           tf_penalty: float = TF_PENALTY, uninformative_conflict: float = UNINFORMATIVE_CONFLICT) -> pd.DataFrame:
    """Apply vetoes and rules to every compared pair.

    Parameters
    ----------
    features : pandas.DataFrame
        Output of :func:`reviewlib.dedup.compare.compare`.
    evidence : reviewlib.dedup.evidence.Evidence, optional
        Field weights measured on the input (:func:`reviewlib.dedup.evidence.estimate`);
        default: the priors.
    tf_penalty : float
        See :data:`TF_PENALTY` (bits; ``inf`` turns the term-frequency test off).
    uninformative_conflict : float
        See :data:`UNINFORMATIVE_CONFLICT` (bits).

    Returns
    -------
    pandas.DataFrame
        ``i``, ``j``, ``decision`` (duplicate / related / maybe / different), ``rule`` (name
        of the rule that fired, or of the veto that blocked it), ``relation`` (for related
        pairs: preprint, notice or version; "" otherwise), ``score``, and for maybe pairs
        ``agree`` and ``conflict`` (the fields that agree and conflict, :func:`explain`).

    Notes
    -----
    A generic title (a column title or one recurring in the input) never merges on title,
    authors and year alone: without the same DOI, first page, or volume and issue the pair
    goes to maybe.csv (rule ``generic_title``); nor do common values without such agreement
    (rule ``common_values``, :data:`TF_PENALTY`).
    """
    features = features.copy(deep=False)
    features.attrs["evidence"] = evidence or _ev.prior()
    features.attrs["uninformative_conflict"] = uninformative_conflict
    n = len(features)
    decision = np.full(n, DIFFERENT, dtype=object)
    rule = np.full(n, "", dtype=object)
    veto = np.zeros(n, dtype=bool)
    veto_soft = np.zeros(n, dtype=bool)   # vetoes that leave room for "related"
    veto_weak = np.zeros(n, dtype=bool)   # vetoes that leave room for "maybe"
    veto_name = np.full(n, "", dtype=object)
    for v, allows_related in VETOES:
        hit = v(features) & ~veto
        veto_name[hit] = v.name
        veto |= hit
        if allows_related:
            veto_soft |= hit
        if v.name in WEAK_VETOES:
            veto_weak |= hit
    hard = veto & ~veto_soft & ~veto_weak

    done = veto.copy()
    for r in DUPLICATE_RULES:
        hit = r(features) & ~done
        decision[hit] = DUPLICATE
        rule[hit] = r.name
        done |= hit
    unplaced = (decision == DUPLICATE) & ~place_agrees(features)
    generic = unplaced & _v(features, "generic")
    decision[generic] = MAYBE
    rule[generic] = GENERIC_RULE
    common = unplaced & ~generic & (_ev.tf_bits(features, features.attrs["evidence"]) < -tf_penalty)
    decision[common] = MAYBE
    rule[common] = COMMON_RULE

    related = veto_soft & RELATED_TEST(features)
    decision[related] = RELATED
    rule[related] = veto_name[related]

    done = (decision != DIFFERENT) | hard | veto_soft
    for r in MAYBE_RULES:
        hit = r(features) & ~done
        decision[hit] = MAYBE
        rule[hit] = r.name
        done |= hit
    blocked = (decision == DIFFERENT) & veto
    rule[blocked] = veto_name[blocked]
    weak_maybe = (decision == MAYBE) & veto_weak
    rule[weak_maybe] = veto_name[weak_maybe]

    relation = np.where(decision == RELATED, relation_kind(features), "")
    agree = np.full(n, "", dtype=object)
    conflict = np.full(n, "", dtype=object)
    may = np.flatnonzero(decision == MAYBE)
    if len(may):
        agree[may], conflict[may] = explain(features.iloc[may])
    return pd.DataFrame({"i": features["i"].to_numpy(), "j": features["j"].to_numpy(),
                         "decision": decision.astype(str), "rule": rule.astype(str),
                         "relation": relation.astype(str), "score": score(features),
                         "agree": agree.astype(str), "conflict": conflict.astype(str)})
