"""The fast paths of the prepare stage give exactly what their plain definitions give.

Prepare normalises each distinct value once and skips work that cannot change a value
(a title without a separator is not split, a title without "vol" holds no Web of Science
erratum suffix, a name met before is parsed once). Each shortcut is checked here against
the plain computation, on the shipped fixtures and on generated text full of the
characters the normalisers treat specially.
"""

from __future__ import annotations

import importlib
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewlib.records.authors import family_key, family_keys
from reviewlib.records.doi import _DOI, _PREFIX, _strip_unbalanced, normalize_doi
from reviewlib.records.title import DROP_COMBINING, fold

from dedup_support import DATA, load_labelled

prep = importlib.import_module("reviewlib.dedup.prepare")  # the package re-exports a function of that name

FIXTURES = [DATA / "special_cases", DATA / "samples" / "cytology_screening",
            DATA / "samples" / "digital_work", DATA / "samples" / "cora",
            *sorted(p for p in (DATA / "unseen").iterdir() if (p / "records.csv").exists())]

#: Pieces of text the normalisers treat specially, joined at random by the strategies below.
TRICKY = ["Smith", "J.", "and", " and ", "&", ";", ",", " ", "\t", "\n", "\u00a0", "Kr&#246;ger",
          "&amp;", 'M{\\"u}ller', "\\'{e}", "van der", "Jr.", "RE", "A.-K.", "et al.", "others",
          "\u00d8", "\u00df", "\u0130", "M\u00fcller", "Kr?ger", "\ufffd", "\u0301", "\ufb01",
          "Editorial", "Editor's Notes", ":", " - ", " | ", "/", ".", " \u2013 ", "Part II",
          "Erratum: ", "Reply to", "(vol 85, pg 553, 2010)", "(VOL 3, PP 1-2)", "[Review]",
          "(Provisional abstract)", "1 000", "2,500", "12", "e0123", "Book review column",
          "Chair's Message", "Correction", "Re:", "doi:", "DOI ", "https://doi.org/",
          "urn:doi:", "10.1000/", "10.2139/ssrn.12", "%28b%29", "(1)", ")", "<x>", " "]
text = st.lists(st.sampled_from(TRICKY) | st.text(max_size=4), max_size=12).map("".join)


@pytest.fixture(scope="module")
def fixtures() -> list[pd.DataFrame]:
    return [load_labelled(folder)[0] for folder in FIXTURES]


def _fixture_values(frames: list[pd.DataFrame], column: str) -> list[str]:
    return [v for f in frames if column in f for v in f[column].tolist()]


# -- names --------------------------------------------------------------------------------

def test_family_keys_memo_changes_no_key(fixtures):
    authors = _fixture_values(fixtures, "author")
    authors += ["Zuna RE, Wang SS", "Zuna, R E and Wang, S S", "RE, Zuna", "Wang SS, Zuna RE"]
    assert family_keys(authors) == [family_key(a) for a in authors]


@settings(max_examples=150, deadline=None)
@given(st.lists(text, min_size=1, max_size=6))
def test_family_keys_memo_on_generated_lists(authors):
    assert family_keys(authors) == [family_key(a) for a in authors]


def test_drop_combining_table_equals_the_per_character_test():
    every = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    plain = "".join(ch for ch in every if not unicodedata.combining(ch))
    assert every.translate(DROP_COMBINING) == plain
    assert every.translate(DROP_COMBINING) == plain      # second pass: from the filled table


# -- titles -------------------------------------------------------------------------------

def _column_title_plain(title: str) -> bool:
    return any(prep.is_column_title(fold(seg)) for seg in prep._SEGMENTS.split(title)
               if seg.strip() and seg.count(" ") < prep.COLUMN_TITLE_WORDS)


def _notice_plain(heading: str) -> str:
    return next((kind for kind, pattern in prep._NOTICES if pattern.search(heading)), "")


def test_title_shortcuts_on_fixture_titles(fixtures):
    titles = _fixture_values(fixtures, "title")
    assert [prep.has_column_title(t) for t in titles] == [_column_title_plain(t) for t in titles]
    for t in titles:
        heading = prep.split_title(t)[0].lower()
        assert next((k for k, p in prep._NOTICES if p.match(heading)), "") == _notice_plain(heading)


@settings(max_examples=200, deadline=None)
@given(text)
def test_title_shortcuts_on_generated_titles(title):
    assert prep.has_column_title(title) == _column_title_plain(title)
    if "vol" not in title.lower():
        assert prep._WOS_ERRATUM.search(title) is None
    if not prep._ANY_DIGIT.search(title):
        assert prep._THOUSANDS.sub("", title) == title
    heading = title.lower()
    assert next((k for k, p in prep._NOTICES if p.match(heading)), "") == _notice_plain(heading)


# -- DOIs ---------------------------------------------------------------------------------

def _doi_plain(value: str) -> str:
    """normalize_doi written with ``sub`` over the whole value, as the DOI rules read."""
    if not value:
        return ""
    t = str(value).strip().strip("<>").strip()
    if "%" in t:
        from urllib.parse import unquote
        t = unquote(t)
    t = _PREFIX.sub("", t).strip()
    t = re.sub(r"\s+", "", t) if _DOI.match(re.sub(r"\s+", "", t)) else t
    m = _DOI.search(t)
    if not m:
        return ""
    doi = m.group(0)
    if t[: m.start()].lower().endswith("doi="):
        doi = doi.split("&", 1)[0]
    return _strip_unbalanced(doi).lower()


def test_doi_normaliser_on_fixture_dois(fixtures):
    dois = _fixture_values(fixtures, "doi") + ["doi: doi:10.1000/x", " DOI 10.1000/ a b", "https://doi.org/doi.org/10.1/x"]
    assert [normalize_doi(d) for d in dois] == [_doi_plain(d) for d in dois]


@settings(max_examples=200, deadline=None)
@given(text)
def test_doi_normaliser_on_generated_values(value):
    assert normalize_doi(value) == _doi_plain(value)


# -- generic titles -----------------------------------------------------------------------

def _spread_plain(key: pd.Series, value: pd.Series, at_least: int, apart: bool = False) -> set:
    """The definition of prep._spread with a pandas groupby, per (title, container) key."""
    ok = value != ""
    if not ok.any():
        return set()
    t = pd.DataFrame({"k": key[ok].to_numpy(), "v": value[ok].to_numpy()})
    counts = t.groupby(["k", "v"]).size()
    g = counts.groupby(level=0)
    stats = pd.DataFrame({"distinct": g.size(), "top": g.max(), "total": g.sum()})
    good = (stats["distinct"] >= at_least) & (stats["top"] * 2 <= stats["total"])
    if apart:
        y = t.assign(v=t["v"].astype(int)).groupby("k")["v"]
        good &= (y.max() - y.min()).reindex(stats.index).fillna(0).to_numpy() > 1
    return set(stats.index[good.to_numpy()])


def _generic_plain(p: pd.DataFrame) -> np.ndarray:
    column = np.array([_column_title_plain(t) for t in p["title"]], dtype=bool)
    placed = (p["n_title"] != "") & (p["n_journal"] != "")
    flag = np.zeros(len(p), dtype=bool)
    if placed.any():
        sub = p.loc[placed]
        key = sub["n_title_key"] + "|" + sub["n_journal"]
        short = (sub["n_title_key"].str.len() > 0) & (sub["n_title"].str.count(" ") + 1 <= prep.RECURRING_TITLE_WORDS)
        spot = (sub["n_volume"] + "/" + sub["n_number"]).where((sub["n_volume"] != "") | (sub["n_number"] != ""), "")
        years = sub["n_year"].astype(str).where(sub["n_year"] > 0, "")
        recurring = _spread_plain(key, spot, 3)
        short_recurring = _spread_plain(key, sub["n_volume"], 2) | _spread_plain(key, years, 2, apart=True)
        flag[np.flatnonzero(placed.to_numpy())] = (key.isin(recurring) | (short & key.isin(short_recurring))).to_numpy()
    return column | flag


def _recurring_frame(seed: int) -> pd.DataFrame:
    """Titles that recur in one container over volumes, issues and years, some dominated
    by one value, some spread evenly, some short, some with gaps."""
    rng = np.random.default_rng(seed)
    titles = ["Editor's notes", "Annual report of the society", "A study of x", "Letters",
              "Trends in small firm export behaviour across regions", "Reviewers 2020", ""]
    rows = []
    for i in range(600):
        rows.append({"id": f"r{i:04d}", "title": str(rng.choice(titles)),
                     "journal": str(rng.choice(["J Small Bus", "Asian Bus Rev", ""])),
                     "volume": str(rng.choice(["", "1", "2", "3", "3", "3", "3"])),
                     "number": str(rng.choice(["", "1", "2"])),
                     "year": str(rng.choice(["", "2001", "2002", "2004", "2004"])),
                     "author": str(rng.choice(["Lee, K.", "Tan, B. and Lee, K.", ""]))})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generic_titles_equal_the_groupby_definition(seed):
    p = prep.prepare(_recurring_frame(seed))
    assert p["n_generic"].to_numpy().any() and not p["n_generic"].to_numpy().all()
    assert (prep.generic_titles(p) == _generic_plain(p)).all()


def test_generic_titles_on_fixtures_equal_the_groupby_definition(fixtures):
    for frame in fixtures:
        p = prep.prepare(frame)
        assert (prep.generic_titles(p) == _generic_plain(p)).all()
