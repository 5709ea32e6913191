"""Term-frequency adjustment: an agreement on a common value (a short title many authors
use, a frequent family name in one year) counts for less than on a rare one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reviewlib.dedup import DedupSettings, deduplicate
from reviewlib.dedup.decide import COMMON_RULE
from reviewlib.dedup.evidence import term_frequencies
from reviewlib.dedup.prepare import prepare

COLUMNS = ["id", "title", "author", "year", "journal", "volume", "number", "pages", "doi", "abstract"]
WORDS = ("adoption diffusion platform export trust payment logistics marketplace cluster policy "
         "innovation finance skills network survey panel region village craft tourism retail").split()
SYLLABLES = ("ka ri mo tu se la no vi de pa go ha mi ru ze bo ne wa yo ki").split()


def population(n: int = 220, seed: int = 7) -> list[list[str]]:
    """``n`` unrelated works: distinct titles and distinct family names (seeded)."""
    rng = np.random.default_rng(seed)
    titles, names, rows = set(), set(), []
    while len(rows) < n:
        title = " ".join(rng.choice(WORDS, 5, replace=False))
        name = "".join(rng.choice(SYLLABLES, 3)).capitalize()
        if title in titles or name in names:
            continue
        titles.add(title)
        names.add(name)
        rows.append([f"F{len(rows):03d}", title.capitalize(), f"{name}, A.", str(2000 + len(rows) % 20),
                     "", "", "", "", "", ""])
    return rows


def common_values() -> list[list[str]]:
    """Eight different works titled "Social commerce" and ten by a Wang in 2019."""
    rows = [[f"S{k}", "Social commerce", f"{name}, B.", str(2010 + k), "", "", "", "", "", ""]
            for k, name in enumerate(("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Kowalski", "Haddad", "Novak"))]
    rows += [[f"W{k}", f"{w} of small exporters in coastal provinces", f"Wang, C{k}.", "2019", "", "", "", "", "", ""]
             for k, w in enumerate(("Payment habits", "Courier choice", "Credit access", "Website quality", "Returns policy",
                                    "Language barriers", "Customs delays", "Social media use", "Bank relations", "Price setting"))]
    return rows


PAIR = [["X1", "Social commerce", "Wang, Li", "2019", "", "", "", "", "", ""],
        ["X2", "Social commerce", "Wang, Hui", "2019", "", "", "", "", "", ""]]


def run(rows, **settings):
    return deduplicate(pd.DataFrame(rows, columns=COLUMNS), settings=DedupSettings(**settings), workers=1,
                       progress=False)


def merged(result) -> set[frozenset[str]]:
    return {frozenset(m.split(";")) for m in result.records["merged_ids"] if ";" in m}


def maybe(result) -> dict[tuple[str, str], str]:
    return {tuple(sorted(p)): r for *p, r in zip(result.maybe["id_a"], result.maybe["id_b"], result.maybe["rule"])}


def test_frequencies_count_works_not_copies():
    rows = population(40) + [["C1", "Payment habits of small exporters", "Wang, C.", "2019", "", "", "", "", "", ""]] * 1
    rows += [["C2", "Payment habits of small exporters", "Wang, C.", "2019", "", "", "", "", "", ""]]
    prep = prepare(pd.DataFrame(rows, columns=COLUMNS))
    tf = term_frequencies(prep)
    rows_c = prep.index[prep["id"].isin(["C1", "C2"])]
    # two copies of one work: as rare as any other title, no penalty
    assert np.allclose(tf["title"][rows_c], tf["title"][prep.index[prep["id"] == "F000"]][0])


def test_common_title_and_frequent_name_need_more_than_title_author_year():
    result = run(population() + common_values() + PAIR)
    assert frozenset({"X1", "X2"}) not in merged(result)
    assert maybe(result)[("X1", "X2")] == COMMON_RULE


def test_the_same_pair_merges_where_its_values_are_rare():
    result = run(population() + PAIR)
    assert frozenset({"X1", "X2"}) in merged(result)


def test_common_values_merge_when_the_place_agrees():
    pair = [row[:7] + ["101-118"] + row[8:] for row in PAIR]
    assert frozenset({"X1", "X2"}) in merged(run(population() + common_values() + pair))


@pytest.mark.parametrize("penalty, expected", [(float("inf"), True), (4.0, False)])
def test_tf_penalty_setting(penalty, expected):
    result = run(population() + common_values() + PAIR, tf_penalty=penalty)
    assert (frozenset({"X1", "X2"}) in merged(result)) is expected
