"""Properties that must hold for any input: order invariance, idempotence, no id lost."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewlib.dedup import deduplicate

from dedup_support import DATA, load_labelled

POOL = pd.concat([load_labelled(DATA / "samples" / name)[0]
                  for name in ("cytology_screening", "digital_work", "cora")], ignore_index=True)

subsets = st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=60, unique=True)
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(frame: pd.DataFrame):
    return deduplicate(frame.reset_index(drop=True), workers=1, progress=False)


def tables(result):
    return [t.reset_index(drop=True) for t in (result.records, result.duplicates, result.related, result.maybe)]


@SETTINGS
@given(rows=subsets, data=st.data())
def test_order_of_records_does_not_matter(rows, data):
    frame = POOL.iloc[rows]
    shuffled = frame.iloc[data.draw(st.permutations(range(len(frame))))]
    for a, b in zip(tables(run(frame)), tables(run(shuffled))):
        pd.testing.assert_frame_equal(a, b)


@SETTINGS
@given(rows=subsets)
def test_every_id_kept_or_removed_exactly_once(rows):
    frame = POOL.iloc[rows]
    result = run(frame)
    members = [x for m in result.records["merged_ids"] for x in m.split(";")]
    assert sorted(members) == sorted(frame["id"])
    removed = set(result.duplicates["id"])
    assert removed.isdisjoint(result.records["id"])
    assert removed | set(result.records["id"]) == set(frame["id"])
    assert set(result.duplicates["kept_id"]) <= set(result.records["id"])


@SETTINGS
@given(rows=subsets)
def test_deduplicating_the_output_removes_nothing(rows):
    result = run(POOL.iloc[rows])
    again = run(result.records.drop(columns=["merged_ids", "origin"]))
    assert len(again.duplicates) == 0
    assert again.records["id"].tolist() == result.records["id"].tolist()
