"""Accuracy and speed of reviewlib's deduplication, next to CoLRev bib-dedupe, on the same input.

For each labelled set (a folder with ``records.csv`` and ``groups.csv``) the script runs
reviewlib's :func:`reviewlib.dedup.deduplicate` in this process and bib-dedupe 0.11.0
(prep, block, match, cluster) in a separate interpreter given by ``--peer-python``, times
both, and scores both pairwise: every pair of records placed in one cluster is a predicted
pair, every pair in one gold group a true pair (recall, precision, false pairs = merges of
different works, missed pairs). A "pooled" run concatenates all sets (ids prefixed by the
set name) to measure speed on one larger input.

``--synthetic N ...`` adds runs on generated exports (see ``synthetic.py``), each in a
child process so that its peak memory (``resource.getrusage``) is its own.

Usage::

    python benchmarks/dedup_bench.py --data ../shared/benchmarks/dedup \\
        --peer-python /path/to/venv-with-bib-dedupe/bin/python --synthetic 100000

bib-dedupe is not a dependency of reviewlib: install it in a separate environment
(``requirements-bench.txt``) and pass that environment's python.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

SETS = ("special_cases", "cytology_screening", "digital_work", "cora")

#: Run inside the peer's interpreter: bib-dedupe's documented pipeline, timed from the
#: DataFrame in memory to the clusters (the same span as reviewlib's deduplicate()).
PEER_SCRIPT = r"""
import json, sys, time
import pandas as pd
import bib_dedupe.bib_dedupe as bd
records = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
records = records.rename(columns={"id": "ID"})
records["ENTRYTYPE"] = "article"
start = time.perf_counter()
prepared = bd.prep(records, verbosity_level=0)
pairs = bd.block(prepared, verbosity_level=0)
matched = bd.match(pairs, verbosity_level=0)
clusters = bd.cluster(matched, verbosity_level=0)
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "clusters": [sorted(c) for c in clusters]}, open(sys.argv[2], "w"))
"""


# --------------------------------------------------------------------------- data and scores
def load_set(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Records and gold groups (indexed by id) of one labelled set."""
    records = pd.read_csv(folder / "records.csv", dtype=str, keep_default_na=False)
    groups = pd.read_csv(folder / "groups.csv", dtype=str, keep_default_na=False)
    return records, groups.set_index("id")["group"]


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def score(predicted: pd.Series, gold: pd.Series) -> dict:
    """Pairwise scores of a clustering.

    Parameters
    ----------
    predicted : pandas.Series
        Cluster label per record id (any hashable labels).
    gold : pandas.Series
        Gold group per record id.

    Returns
    -------
    dict
        ``recall``, ``precision``, ``false_pairs``, ``missed_pairs``, ``true_pairs``.
    """
    p = predicted.reindex(gold.index).to_numpy()
    g = gold.to_numpy()
    both = pd.DataFrame({"p": p, "g": g}).value_counts().to_numpy()
    tp = _pairs(both)
    pp = _pairs(pd.Series(p).value_counts().to_numpy())
    gp = _pairs(pd.Series(g).value_counts().to_numpy())
    return {"recall": tp / gp if gp else 1.0, "precision": tp / pp if pp else 1.0,
            "false_pairs": pp - tp, "missed_pairs": gp - tp, "true_pairs": gp}


def labels_from_records(records: pd.DataFrame) -> pd.Series:
    """Cluster label (kept id) per input id, from the ``merged_ids`` column."""
    kept, member = [], []
    for k, merged in zip(records["id"], records["merged_ids"]):
        for x in merged.split(";"):
            kept.append(k)
            member.append(x)
    return pd.Series(kept, index=member)


# --------------------------------------------------------------------------- the two engines
def run_reviewlib(records: pd.DataFrame, workers: int, progress: bool) -> tuple[pd.Series, float]:
    from reviewlib.dedup import deduplicate

    start = time.perf_counter()
    result = deduplicate(records, workers=workers, progress=progress)
    seconds = time.perf_counter() - start
    return labels_from_records(result.records), seconds


def run_peer(records: pd.DataFrame, python: str) -> tuple[pd.Series, float]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out, script = Path(tmp, "records.csv"), Path(tmp, "clusters.json"), Path(tmp, "peer.py")
        records.to_csv(src, index=False)
        script.write_text(PEER_SCRIPT)
        subprocess.run([python, str(script), str(src), str(out)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        res = json.loads(out.read_text())
    labels = pd.Series(records["id"].to_numpy(), index=records["id"].to_numpy())
    for c in res["clusters"]:
        head = min(c)
        labels.loc[list(c)] = head
    return labels, res["seconds"]


# --------------------------------------------------------------------------- synthetic child
def synthetic_child(n: int, workers: int, progress: bool) -> dict:
    from synthetic import generate

    records, groups, related = generate(n)
    from reviewlib.dedup import deduplicate

    start = time.perf_counter()
    result = deduplicate(records, workers=workers, progress=progress)
    seconds = time.perf_counter() - start
    s = score(labels_from_records(result.records), groups.set_index("id")["group"])
    kept = labels_from_records(result.records)
    found = set(zip(result.related["id_a"], result.related["id_b"]))
    found |= {(b, a) for a, b in found}
    hit = sum((kept[a], kept[b]) in found for a, b in zip(related["id_a"], related["id_b"]))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"set": f"synthetic {len(records):,}", "n": len(records), "seconds": seconds,
            "peak_mb": peak_mb, "related_found": hit, "related_total": len(related),
            "stages": result.seconds, **s}


# --------------------------------------------------------------------------- test samples
def write_test_samples(data: Path, out: Path, seed: int = 20261123) -> None:
    """Copy whole gold groups of each set into ``out`` (for the regression tests).

    Groups are drawn at random (seeded) until about 300 records (cytology_screening, cora)
    or 400 (digital_work): two thirds of the records from groups with duplicates, the rest
    from single-record works; cora only from groups of at most 40 records.
    """
    rng = np.random.default_rng(seed)
    plan = {"cytology_screening": (300, None), "digital_work": (400, None), "cora": (300, 40)}
    for name, (target, max_size) in plan.items():
        records, gold = load_set(data / name)
        sizes = gold.value_counts()
        groups = sorted(g for g in sizes.index if not max_size or sizes[g] <= max_size)
        multi = [g for g in groups if sizes[g] > 1]
        single = [g for g in groups if sizes[g] == 1]
        chosen = []
        for pool, budget in ((multi, 2 * target // 3), (single, target - 2 * target // 3)):
            total = 0
            for g in rng.permutation(pool):
                if total >= budget:
                    break
                chosen.append(g)
                total += int(sizes[g])
        ids = set(gold[gold.isin(chosen)].index)
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        records[records["id"].isin(ids)].to_csv(folder / "records.csv", index=False)
        gold[gold.index.isin(ids)].rename_axis("id").reset_index().to_csv(folder / "groups.csv", index=False)


# --------------------------------------------------------------------------- report
def _fmt_row(r: dict) -> str:
    ratio = f"{r['peer_seconds'] / r['seconds']:.1f}x" if r.get("peer_seconds") else ""
    peer = (f"{r['peer_recall']:.4f} | {r['peer_precision']:.4f} | {r['peer_false']:,} | {r['peer_missed']:,} | "
            f"{r['peer_seconds']:.2f}") if r.get("peer_seconds") is not None else "| | | |"
    return (f"| {r['set']} | {r['n']:,} | {r['recall']:.4f} | {r['precision']:.4f} | {r['false_pairs']:,} | "
            f"{r['missed_pairs']:,} | {r['seconds']:.2f} | {peer} | {ratio} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, help="folder of labelled sets (records.csv + groups.csv each)")
    p.add_argument("--sets", nargs="*", default=list(SETS), help="sets to run (default: all)")
    p.add_argument("--peer-python", help="python of an environment with bib-dedupe==0.11.0")
    p.add_argument("--synthetic", type=int, nargs="*", default=[], metavar="N",
                   help="also run generated exports of about N records")
    p.add_argument("--workers", type=int, default=-1, help="threads for reviewlib (default: all cores)")
    p.add_argument("--no-pooled", action="store_true", help="skip the pooled run")
    p.add_argument("--progress", action="store_true", help="progress bars on stderr")
    p.add_argument("--write-test-samples", type=Path, metavar="DIR",
                   help="write the regression-test samples (whole groups) to DIR and stop")
    p.add_argument("--child-synthetic", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child_synthetic:
        print(json.dumps(synthetic_child(args.child_synthetic, args.workers, args.progress)))
        return 0
    if args.write_test_samples:
        write_test_samples(args.data, args.write_test_samples)
        return 0

    rows = []
    pooled_records, pooled_gold = [], []
    for name in (args.sets if args.data else []):
        records, gold = load_set(args.data / name)
        labels, seconds = run_reviewlib(records, args.workers, args.progress)
        row = {"set": name, "n": len(records), "seconds": seconds, **score(labels, gold)}
        if args.peer_python:
            plabels, pseconds = run_peer(records, args.peer_python)
            ps = score(plabels, gold)
            row.update(peer_seconds=pseconds, peer_recall=ps["recall"], peer_precision=ps["precision"],
                       peer_false=ps["false_pairs"], peer_missed=ps["missed_pairs"])
        rows.append(row)
        print(_fmt_row(row), file=sys.stderr)
        pooled_records.append(records.assign(id=name + ":" + records["id"]))
        pooled_gold.append(pd.Series(name + ":" + gold.to_numpy(), index=name + ":" + gold.index))
    if len(pooled_records) > 1 and not args.no_pooled:
        records = pd.concat(pooled_records, ignore_index=True)
        gold = pd.concat(pooled_gold)
        labels, seconds = run_reviewlib(records, args.workers, args.progress)
        row = {"set": "pooled", "n": len(records), "seconds": seconds, **score(labels, gold)}
        if args.peer_python:
            plabels, pseconds = run_peer(records, args.peer_python)
            ps = score(plabels, gold)
            row.update(peer_seconds=pseconds, peer_recall=ps["recall"], peer_precision=ps["precision"],
                       peer_false=ps["false_pairs"], peer_missed=ps["missed_pairs"])
        rows.append(row)
    for n in args.synthetic:
        cmd = [sys.executable, __file__, "--child-synthetic", str(n), "--workers", str(args.workers)]
        if args.progress:
            cmd.append("--progress")
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        rows.append(res)
        print(f"{res['set']}: {res['seconds']:.1f} s, peak {res['peak_mb']:.0f} MB, stages {res['stages']}",
              file=sys.stderr)

    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    print()
    print("| set | records | recall | precision | false pairs | missed pairs | seconds "
          "| bib-dedupe recall | precision | false pairs | missed pairs | seconds | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "peak_mb" in r:
            print(f"| {r['set']} | {r['n']:,} | {r['recall']:.4f} | {r['precision']:.4f} | {r['false_pairs']:,} | "
                  f"{r['missed_pairs']:,} | {r['seconds']:.1f} (peak {r['peak_mb']:.0f} MB; related "
                  f"{r['related_found']}/{r['related_total']}) | | | | | | |")
        else:
            print(_fmt_row(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
