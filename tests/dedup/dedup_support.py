"""Shared by the deduplication tests: where the copied data is, and pairwise scoring."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup"


def load_labelled(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Records (strings) and gold groups (indexed by id) of a labelled folder."""
    records = pd.read_csv(folder / "records.csv", dtype=str, keep_default_na=False)
    groups = pd.read_csv(folder / "groups.csv", dtype=str, keep_default_na=False)
    return records, groups.set_index("id")["group"]


def pair_scores(result, gold: pd.Series) -> dict:
    """Pairwise recall, precision, false and missed pairs of a DedupResult against gold groups.

    As in benchmarks/dedup_bench.py, a gold pair whose two works are listed in related.csv
    (an article and its erratum, a letter and its reply) counts as found, never as false.
    """
    kept = {}
    for k, merged in zip(result.records["id"], result.records["merged_ids"]):
        for x in merged.split(";"):
            kept[x] = k
    predicted = pd.Series(kept).reindex(gold.index).to_numpy()
    g = gold.to_numpy()

    def pairs(counts):
        return int(sum(c * (c - 1) // 2 for c in counts))

    tp = pairs(pd.DataFrame({"p": predicted, "g": g}).value_counts())
    pp = pairs(pd.Series(predicted).value_counts())
    gp = pairs(pd.Series(g).value_counts())
    by_work = pd.DataFrame({"p": predicted, "g": g}).groupby(["p", "g"]).size()
    linked = 0
    for a, b in zip(result.related["id_a"], result.related["id_b"]):
        if a in by_work.index.get_level_values(0) and b in by_work.index.get_level_values(0):
            ga, gb = by_work.loc[a], by_work.loc[b]
            linked += int(sum(ga[k] * gb[k] for k in ga.index.intersection(gb.index)))
    found = tp + linked
    return {"recall": found / gp if gp else 1.0, "precision": tp / pp if pp else 1.0,
            "false_pairs": pp - tp, "missed_pairs": gp - found}
