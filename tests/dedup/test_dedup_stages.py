"""Each stage alone: normalisers, blocking, page and journal comparison, clustering, merging."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reviewlib.dedup import block, cluster, compare, decide, merge, prepare
from reviewlib.dedup.compare import abbreviation_of, pages_compatible
from reviewlib.dedup.prepare import (doi_key, family_key, first_page_of, fold, journal_key,
                                     last_page_of, split_title, title_features, year_of)
from reviewlib.records import normalize_doi, title_key

from dedup_support import DATA, load_labelled


# -- prepare --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def digital_work():
    return load_labelled(DATA / "samples" / "digital_work")[0]


def test_doi_key_agrees_with_records_normaliser(digital_work):
    values = list(digital_work["doi"]) + ["https://doi.org/10.1000/ABC.", "doi: 10.1000/x(1)y)", "n/a", ""]
    assert [doi_key(v) for v in values] == [normalize_doi(v) for v in values]


def test_fold_agrees_with_title_key(digital_work):
    titles = [t for t in digital_work["title"] if "&" not in t]
    assert [fold(t) for t in titles] == [title_key(t) for t in titles]


@pytest.mark.parametrize("authors, key", [
    ("Zuna, R E and Wang, S S", "zuna wang"),                          # BibTeX
    ("Aha, D.W., Kibler, D. and Albert, M.K.", "aha kibler albert"),   # reference list
    ("C.E. Brodley and P.E. Ut-goff,", "brodley utgoff"),              # given names first, hyphen
    ("Zuna RE, Wang SS", "zuna wang"),                                 # Vancouver
    ("M{\\\"u}ller, J. and van der Berg, K.", "muller berg"),           # LaTeX accent, particles
    ("Wright Jr., T C", "wright"),                                     # suffix
    ("Kélost, Søren and Bélsel, Siti", "kelost belsel"),               # diacritics
    ("", ""),
])
def test_family_key(authors, key):
    assert family_key(authors) == key


@pytest.mark.parametrize("pages, first, last", [
    ("288-297", "288", "297"), ("e0123", "e123", ""), ("iii--xi", "iii", ""),
    ("S109-S112", "s109", "112"), ("2, pp. 524-532,", "524", "532"), ("125-8", "125", "8"), ("", "", ""),
])
def test_pages(pages, first, last):
    assert (first_page_of(pages), last_page_of(pages)) == (first, last)


def test_year_of():
    assert [year_of(y) for y in ["2019", "(1991b).", "n.d.", "12345", ""]] == [2019, 1991, 0, 0, 0]


def test_split_title_notes_translations_retractions():
    assert split_title("Update on HPV. [Review] [33 refs]") == ("Update on HPV.", "", False)
    assert split_title("Effects of Y (the Z study)") == ("Effects of Y (the Z study)", "", False)
    main, alt, _ = split_title("Crowdwork: relational inequality [Arbeiten in der Crowd: relationale Ungleichheit]")
    assert (main, alt) == ("Crowdwork: relational inequality", "Arbeiten in der Crowd: relationale Ungleichheit")
    assert split_title("Some finding [RETRACTED]")[2] is True
    assert split_title("Risk of CIN.[Erratum appears in Lancet Oncol. 201")[0] == "Risk of CIN."


def test_title_features_notice_part_numbers():
    assert title_features("Erratum to: How do requirements evolve?")[4] == "erratum"
    assert title_features("Correction of myopia in children")[4] == ""
    assert title_features("Guidelines for cytology, Part II")[3] == "2"
    assert title_features("A study of 10 000 women")[2] == "10000"


def test_journal_key_and_abbreviation():
    assert journal_key("The Journal of Clinical Virology") == "journal clinical virology"
    assert abbreviation_of("j clin virol", "journal clinical virology")
    assert not abbreviation_of("j clin oncol", "journal clinical virology")


def test_prepare_flags_preprints_and_sorts_by_id():
    frame = pd.DataFrame({"id": ["b", "a"], "title": ["X study of things", "X study of things"],
                          "journal": ["Journal of Things", ""],
                          "doi": ["10.1000/j.1", "10.20944/preprints202303.0245.v1"]})
    prep = prepare(frame)
    assert prep["id"].tolist() == ["a", "b"]
    assert prep["n_preprint"].tolist() == [True, False]


# -- block ----------------------------------------------------------------------------------

def test_block_pairs_are_unique_ordered_and_linear(digital_work):
    prep = prepare(digital_work)
    pairs = block(prep)
    assert (pairs["i"] < pairs["j"]).all()
    assert not pairs.duplicated(["i", "j"]).any()
    n = len(prep)
    assert len(pairs) < 40 * n < n * (n - 1) // 2      # bounded by the windows, not by n^2


def test_block_finds_duplicates_with_a_typo_in_the_first_word():
    frame = pd.DataFrame({"id": [f"r{k}" for k in range(50)],
                          "title": [f"Unrelated title number {k} about topic {k * 7}" for k in range(48)]
                          + ["Persistent infection as surrogate endpoint", "Persistant infection as surrogate endpoint"]})
    prep = prepare(frame)
    pairs = block(prep)
    a, b = (prep.index[prep["id"] == x][0] for x in ("r48", "r49"))
    assert ((pairs["i"] == min(a, b)) & (pairs["j"] == max(a, b))).any()


# -- compare --------------------------------------------------------------------------------

@pytest.mark.parametrize("fa, fb, la, lb, ok", [
    ("s109", "12", "112", "12", True),     # "Suppl-12" for "S109-S112"
    ("488", "487", "", "488", True),       # last page only
    ("1", "e12724", "6", "", True),        # print pages against an article number
    ("246", "250", "250", "254", False),   # two different ranges
])
def test_pages_compatible(fa, fb, la, lb, ok):
    assert pages_compatible(fa, fb, la, lb) is ok


# -- cluster --------------------------------------------------------------------------------

def _three_chained():
    """a~b and b~c look like duplicates, but a and c carry different DOIs."""
    frame = pd.DataFrame({
        "id": ["a", "b", "c"],
        "title": ["Digital marketing in small firms: a survey"] * 3,
        "author": ["Lee, A and Kim, B"] * 3, "year": ["2020"] * 3, "journal": ["Journal of Business"] * 3,
        "doi": ["10.1000/one", "", "10.1000/two"],
    })
    prep = prepare(frame)
    decisions = decide(compare(prep, block(prep)))
    return prep, decisions


def test_cluster_does_not_chain_conflicting_records():
    prep, decisions = _three_chained()
    assert set(decisions.loc[decisions["decision"] == "duplicate", ["i", "j"]].itertuples(index=False)) \
        == {(0, 1), (1, 2)}
    labels = cluster(prep, decisions)
    assert labels[0] != labels[2]
    assert labels[1] in (labels[0], labels[2])


def test_cluster_different_override_holds_transitively():
    prep, decisions = _three_chained()
    prep = prep.assign(n_doi="", n_doi_key="")   # no DOI conflict any more: all three would join
    assert len(set(cluster(prep, decisions))) == 1
    labels = cluster(prep, decisions, different=[(0, 2)])
    assert labels[0] != labels[2]


def test_cluster_rejects_contradicting_overrides():
    prep, decisions = _three_chained()
    with pytest.raises(ValueError):
        cluster(prep, decisions, same=[(0, 1), (1, 2)], different=[(0, 2)])


# -- merge ----------------------------------------------------------------------------------

def test_merge_keeps_most_complete_and_fills_with_origin():
    frame = pd.DataFrame({
        "id": ["x2", "x1", "x3"], "title": ["T"] * 3, "author": ["A"] * 3, "year": ["2020"] * 3,
        "journal": ["J", "J", ""], "volume": ["4", "", ""], "pages": ["", "", "10-12"],
        "doi": ["", "10.1/x", ""], "source": ["b.ris", "a.bib", "c.csv"],
    })
    prep = prepare(frame)                    # rows: x1, x2, x3
    records, kept = merge(prep, np.array([0, 0, 0]), list(frame.columns))
    row = records.iloc[0]
    assert row["id"] == "x1"                 # 4 fields filled, tie with x2 broken by id
    assert (row["volume"], row["pages"]) == ("4", "10-12")
    assert row["merged_ids"] == "x1;x2;x3"
    assert row["source"] == "a.bib;b.ris;c.csv"
    assert row["origin"] == "volume=x2;pages=x3"
    assert kept.tolist() == [0, 0, 0]


# -- settings -------------------------------------------------------------------------------

def test_settings_round_trip_and_validation(tmp_path):
    from reviewlib.dedup import DedupSettings, deduplicate
    from reviewlib.errors import InputError

    s = DedupSettings(workers=2, title_prefilter=0.8)
    path = s.to_file(tmp_path / "dedup_settings.json")
    assert DedupSettings.from_file(path) == s
    with pytest.raises(ValueError, match="title_prefilter"):
        DedupSettings(title_prefilter=1.5)
    for bad in ({"min_m": -0.1}, {"prior_pairs": -1}, {"uninformative_conflict": 0.5}, {"tf_penalty": -2}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            DedupSettings(**bad)
    tuned = DedupSettings(prior_pairs=5, min_m=0.6, uninformative_conflict=-2.0, tf_penalty=6.0)
    assert DedupSettings.from_file(tuned.to_file(tmp_path / "tuned.json")) == tuned
    (tmp_path / "typo.json").write_text('{"worker": 2}', encoding="utf-8")
    with pytest.raises(InputError, match="unknown setting"):
        DedupSettings.from_file(tmp_path / "typo.json")
    (tmp_path / "broken.json").write_text('{\n  "workers": ,\n}', encoding="utf-8")
    with pytest.raises(InputError) as e:
        DedupSettings.from_file(tmp_path / "broken.json")
    assert str(e.value).startswith(f"{tmp_path / 'broken.json'}:2:")
    records = load_labelled(DATA / "special_cases")[0]
    result = deduplicate(records, settings=s, workers=1, progress=False)
    assert result.settings == DedupSettings(workers=1, title_prefilter=0.8)


def test_titles_spaced_differently_compare_equal():
    frame = pd.DataFrame({"id": ["a", "b"],
                          "title": ["An empirical study of learning speed in back-propagation networks",
                                    "An empirical study of learning speed in backpropagation networks"],
                          "author": ["Fahlman, S. E.", "Fahlman S. E."], "year": ["1988", "1988"]})
    prep = prepare(frame)
    assert prep["n_authors"].tolist() == ["fahlman", "fahlman"]
    features = compare(prep, block(prep))
    assert features["title"].tolist() == [1.0]


def test_doi_printed_with_a_dropped_hyphen_is_the_same_doi():
    """Two reference lists of Suryawijaya & Wardhani (2023) print one DOI as
    10.32832/jmuika.v14i.9791 and 10.32832/jm-uika.v14i.9791."""
    prep = prepare(pd.DataFrame({"id": ["a", "b"], "doi": ["10.32832/jmuika.v14i.9791",
                                                           "https://doi.org/10.32832/jm-uika.v14i.9791"]}))
    assert prep["n_doi"].tolist() == ["10.32832/jmuika.v14i.9791", "10.32832/jm-uika.v14i.9791"]
    assert prep["n_doi_key"].nunique() == 1
