"""Export shapes the shared benchmark sets do not have (tests/data/dedup/unseen, synthetic).

Each folder holds records, gold groups and, where a notice belongs to an article, the pairs
that must be reported in related.csv instead of merged. Scoring follows the benchmark: a
pair in related.csv counts as found, never as a false pair; only merges of different works
are false pairs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from reviewlib.dedup import deduplicate
from reviewlib.dedup.evidence import estimate
from reviewlib.dedup.prepare import prepare

from dedup_support import DATA, load_labelled, pair_scores

UNSEEN = DATA / "unseen"


def run(name):
    records, gold = load_labelled(UNSEEN / name)
    return records, gold, deduplicate(records, workers=1, progress=False)


def related_pairs(result) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for p in zip(result.related["id_a"], result.related["id_b"])}


@pytest.mark.parametrize("name", ["volume_printing", "issue_counter", "pages_issue"])
def test_weak_field_disagreements_do_not_split_a_work(name):
    """Volume "1)"/"1"/"61", an issue counter, "e8-e9" against "e3": still one work each."""
    _, gold, result = run(name)
    s = pair_scores(result, gold)
    assert s["false_pairs"] == 0
    assert s["recall"] == 1.0


def test_volume_typo_merges_but_different_articles_of_that_volume_do_not():
    _, _, result = run("volume_printing")
    merged = {x for m in result.records["merged_ids"] for x in m.split(";") if ";" in m}
    assert {"A01", "B01", "A04", "B04"} <= merged           # volume 1 against 61
    assert not merged & {"C00", "C01", "C02", "C03"}


def test_issue_counter_is_set_aside_by_the_evidence():
    records, _ = load_labelled(UNSEEN / "issue_counter")
    ev = estimate(prepare(records))
    assert ev.set_aside == ["number"]
    assert ev.fields["number"].m < 0.5 < ev.fields["volume"].m
    assert ev.fields["volume"].conflict_weight < -1         # volume still separates works


def test_notices_are_related_not_merged_nor_lost():
    records, gold, result = run("notices")
    expected = pd.read_csv(UNSEEN / "notices" / "related.csv", dtype=str)
    assert set(zip(expected["id_a"], expected["id_b"])) <= related_pairs(result)
    kept = set(result.records["id"])
    assert {"E01", "E02", "E03", "E04"} <= kept             # never merged into their article
    relations = dict(zip(zip(result.related["id_a"], result.related["id_b"]), result.related["relation"]))
    assert relations[("A00", "E01")] == "notice"
    s = pair_scores(result, gold)                           # related pairs count as found
    assert s["false_pairs"] == 0
    assert s["recall"] == 1.0


def test_volume_in_issue_field_merges():
    _, _, result = run("notices")
    merged = set(result.records["merged_ids"])
    assert "A02;B02" in merged and "A03;B03" in merged


def test_cross_library_aliases_entities_and_author_order():
    _, gold, result = run("cross_library")
    s = pair_scores(result, gold)
    assert s["false_pairs"] == 0, "recurring column titles must not merge"
    merged = set(result.records["merged_ids"])
    for k in range(4):
        assert f"acm{k};dblp{k}" in merged
    for k in range(4):
        assert f"acmcol{k};dblpcol{k}" in merged             # same pages: the same column


def test_recurring_column_titles_go_to_maybe_with_reasons():
    _, _, result = run("cross_library")
    maybe = result.maybe
    assert {"agree", "conflict", "score", "rule"} <= set(maybe.columns)
    book = maybe[(maybe["id_a"] == "acmbook") & (maybe["id_b"] == "dblpbook")]
    assert len(book) == 1
    assert "number" in book["conflict"].iloc[0].split(";")
    assert {"title", "authors", "year", "journal", "volume"} <= set(book["agree"].iloc[0].split(";"))
    columns = maybe[maybe["id_a"].str.contains("col")]
    assert len(columns) and (columns["conflict"].str.contains("page")).all()
