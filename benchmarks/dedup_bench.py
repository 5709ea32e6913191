"""Accuracy and speed of reviewlib's deduplication, next to CoLRev bib-dedupe, on the same input.

For each labelled set (a folder with ``records.csv`` and ``groups.csv``) the script runs
reviewlib's :func:`reviewlib.dedup.deduplicate` in this process and bib-dedupe 0.11.0
(prep, block, match, cluster) in a separate interpreter given by ``--peer-python``, times
both, and scores both pairwise: every pair of records placed in one cluster is a predicted
pair, every pair in one gold group a true pair (recall, precision, false pairs = merges of
different works, missed pairs). A "pooled" run concatenates all sets (ids prefixed by the
set name) to measure speed on one larger input.

``--pair-sets DIR ...`` adds sets labelled by pairs rather than groups (DBLP-ACM, written by
``make_cross_library.py``): recall on the pairs labelled the same work, merges of pairs
labelled different works, and merges inside one source.

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


def score(predicted: pd.Series, gold: pd.Series, related: list[tuple[str, str]] = ()) -> dict:
    """Pairwise scores of a clustering.

    Parameters
    ----------
    predicted : pandas.Series
        Cluster label per record id (any hashable labels).
    gold : pandas.Series
        Gold group per record id.
    related : list of (label, label)
        Pairs of clusters a tool reports as related (an article and its erratum, a letter
        and its reply): a gold pair across them counts as found, never as a false pair.

    Returns
    -------
    dict
        ``recall``, ``precision``, ``false_pairs``, ``missed_pairs``, ``true_pairs``,
        ``linked_pairs`` (gold pairs found through ``related``).
    """
    p = predicted.reindex(gold.index).to_numpy()
    g = gold.to_numpy()
    both = pd.DataFrame({"p": p, "g": g}).value_counts()
    tp = _pairs(both.to_numpy())
    pp = _pairs(pd.Series(p).value_counts().to_numpy())
    gp = _pairs(pd.Series(g).value_counts().to_numpy())
    linked = 0
    if len(related):
        per = {}
        for (pl, gl), c in both.items():
            per.setdefault(pl, {})[gl] = int(c)
        seen = set()
        for a, b in related:
            key = (min(a, b), max(a, b))
            if a == b or key in seen or a not in per or b not in per:
                continue
            seen.add(key)
            linked += sum(c * per[b].get(gl, 0) for gl, c in per[a].items())
    found = tp + linked
    return {"recall": found / gp if gp else 1.0, "precision": tp / pp if pp else 1.0,
            "false_pairs": pp - tp, "missed_pairs": gp - found, "true_pairs": gp, "linked_pairs": linked}


def load_pair_set(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series | None]:
    """Records (without ``source``), labelled pairs (``id_a``, ``id_b``, ``label`` 1/0) and the
    source of each record (or None) of a pair-labelled set (``make_cross_library.py``)."""
    records = pd.read_csv(folder / "records.csv", dtype=str, keep_default_na=False)
    pairs = pd.read_csv(folder / "pairs.csv", dtype={"id_a": str, "id_b": str, "label": int})
    source = records.set_index("id")["source"] if "source" in records else None
    return records.drop(columns=["source"], errors="ignore"), pairs, source


def score_pairs(predicted: pd.Series, pairs: pd.DataFrame, source: pd.Series | None = None,
                related: list[tuple[str, str]] = ()) -> dict:
    """Scores of a clustering on labelled pairs.

    ``recall``: share of the pairs labelled the same work that the tool merged or listed as
    related; ``false_labelled``: pairs labelled different works that it merged; and, when
    every record names its ``source`` and each source lists a work once (two libraries
    matched), ``within_source``: merged pairs of two records of one source (each a merge of
    different works).
    """
    a = predicted.reindex(pairs["id_a"]).to_numpy()
    b = predicted.reindex(pairs["id_b"]).to_numpy()
    linked = {(x, y) for x, y in related} | {(y, x) for x, y in related}
    found = (a == b) | np.array([(x, y) in linked for x, y in zip(a, b)], dtype=bool)
    same = pairs["label"].to_numpy() == 1
    out = {"recall": float(found[same].mean()) if same.any() else 1.0, "positives": int(same.sum()),
           "false_labelled": int(((a == b) & ~same).sum()), "negatives": int((~same).sum())}
    if source is not None:
        both = pd.DataFrame({"c": predicted.to_numpy(), "s": source.reindex(predicted.index).to_numpy()})
        out["within_source"] = _pairs(both.value_counts().to_numpy())
    return out


def labels_from_records(records: pd.DataFrame) -> pd.Series:
    """Cluster label (kept id) per input id, from the ``merged_ids`` column."""
    kept, member = [], []
    for k, merged in zip(records["id"], records["merged_ids"]):
        for x in merged.split(";"):
            kept.append(k)
            member.append(x)
    return pd.Series(kept, index=member)


# --------------------------------------------------------------------------- the two engines
def run_reviewlib(records: pd.DataFrame, workers: int, progress: bool,
                  settings=None) -> tuple[pd.Series, float, list[tuple[str, str]]]:
    """Labels (kept id per record), seconds, and the related pairs of kept ids."""
    from reviewlib.dedup import deduplicate

    start = time.perf_counter()
    result = deduplicate(records, workers=workers, progress=progress, settings=settings)
    seconds = time.perf_counter() - start
    return (labels_from_records(result.records), seconds,
            list(zip(result.related["id_a"], result.related["id_b"])))


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


# --------------------------------------------------------------------------- robustness
#: Fields corrupted one at a time by the robustness table, as named in records.csv.
ROBUSTNESS_FIELDS = ("volume", "number", "pages", "journal", "year", "doi", "abstract")
#: The two corruptions: the field blank in every record, or a per-record counter.
CORRUPTIONS = ("blank", "counter")


def corrupt(records: pd.DataFrame, field: str, how: str) -> pd.DataFrame:
    """``records`` with one field blanked in every record or replaced by a per-record counter.

    A counter is what some exports put in a field (a running record number in the issue
    field); for the DOI it has a DOI's shape (``10.9999/rec.<k>``), so that a tool sees two
    different DOIs on every pair.
    """
    out = records.copy()
    if field not in out.columns:
        out[field] = ""
    if how == "blank":
        out[field] = ""
    elif how == "counter":
        k = np.arange(1, len(out) + 1).astype(str)
        out[field] = np.char.add("10.9999/rec.", k) if field == "doi" else k
    else:
        raise ValueError(f"unknown corruption {how!r}")
    return out


def robustness(records: pd.DataFrame, gold: pd.Series, workers: int = 1,
               fields=ROBUSTNESS_FIELDS) -> pd.DataFrame:
    """Recall and false pairs of reviewlib with each field corrupted each way (and intact)."""
    rows = []
    labels, _, related = run_reviewlib(records, workers, False)
    rows.append({"field": "(none)", "corruption": "", **score(labels, gold, related)})
    for f in fields:
        for how in CORRUPTIONS:
            labels, _, related = run_reviewlib(corrupt(records, f, how), workers, False)
            rows.append({"field": f, "corruption": how, **score(labels, gold, related)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- leave one set out
#: Candidate values of the tunable settings (reviewlib.dedup.DedupSettings) searched when a
#: set is held out: the string-similarity floors, the strength of the prior m-probability
#: and the m below which a field is set aside (reviewlib.dedup.evidence), the conflict
#: weight that counts as uninformative and the term-frequency penalty
#: (reviewlib.dedup.decide). The field weights themselves are estimated from each input,
#: without its labels.
SETTING_GRID = {"title_prefilter": (0.70, 0.75), "min_title_similarity": (0.70, 0.80),
                "prior_pairs": (2, 10, 50), "min_m": (0.3, 0.5, 0.7),
                "uninformative_conflict": (-0.25, -1.0, -3.0), "tf_penalty": (1.0, 2.0, 4.0, 6.0)}


def grid_points(grid: dict = SETTING_GRID) -> list[dict]:
    """The defaults, and every single setting moved to each of its other candidate values
    (one at a time: a full product of six settings would be hundreds of runs per set)."""
    from reviewlib.dedup import DedupSettings

    default = {k: getattr(DedupSettings(), k) for k in grid}
    points = [default]
    for name, values in grid.items():
        points += [{**default, name: v} for v in values if v != default[name]]
    return points


def _objective(scores: list[dict]) -> float:
    """Higher is better: mean recall, less ten times the mean share of false pairs."""
    return float(np.mean([s["recall"] - 10 * (1 - s["precision"]) for s in scores]))


def leave_one_set_out(sets: dict[str, tuple[pd.DataFrame, pd.Series]], workers: int = 1,
                      grid: dict = SETTING_GRID) -> list[dict]:
    """For each set: settings chosen on the other sets, then scored on the held-out set.

    Every grid point (:func:`grid_points`) is run once per set; the held-out score of a set
    uses the grid point that did best (:func:`_objective`) on all the *other* sets (ties go
    to the earlier point, the defaults first), and is reported beside the in-sample score of
    the default settings. ``settings`` lists the chosen values that differ from the defaults.
    """
    from reviewlib.dedup import DedupSettings

    names = list(sets)
    grid = grid_points(grid)
    results = {}
    for k, point in enumerate(grid):
        settings = DedupSettings(**point)
        for name in names:
            records, gold = sets[name]
            labels, _, related = run_reviewlib(records, workers, False, settings=settings)
            results[(k, name)] = score(labels, gold, related)
    out = []
    for held in names:
        train = [n for n in names if n != held]
        best = max(range(len(grid)), key=lambda k: (_objective([results[(k, n)] for n in train]), -k))
        changed = {k: v for k, v in grid[best].items() if v != grid[0][k]}
        out.append({"set": held, "in_sample": results[(0, held)], "held_out": results[(best, held)],
                    "settings": changed, "grid": [(p, results[(k, held)]) for k, p in enumerate(grid)]})
    return out


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


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def run_header(peer_python: str | None, load_at_start: str) -> str:
    """When, on what, at which commit and under what load the figures were measured."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).resolve().parent,
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    peer = ""
    if peer_python:
        try:
            version = subprocess.run([peer_python, "-c", "from importlib.metadata import version; print(version('bib-dedupe'))"],
                                     capture_output=True, text=True, check=True).stdout.strip()
            peer = f"; bib-dedupe {version}"
        except (OSError, subprocess.CalledProcessError):
            peer = "; bib-dedupe version unknown"
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}, commit {commit}: {platform.platform()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}{peer}; load average (1, 5, 15 min) {load_at_start} at the start, "
            f"{_load()} at the end")


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
    p.add_argument("--robustness", action="store_true",
                   help="also corrupt each weak field (blank / per-record counter) and report recall and false pairs")
    p.add_argument("--loso", action="store_true",
                   help="also report each set with settings chosen on the other sets (leave one set out)")
    p.add_argument("--pair-sets", type=Path, nargs="*", default=[], metavar="DIR",
                   help="also score sets labelled by pairs (records.csv with a source column + pairs.csv, "
                        "see make_cross_library.py)")
    p.add_argument("--child-synthetic", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child_synthetic:
        print(json.dumps(synthetic_child(args.child_synthetic, args.workers, args.progress)))
        return 0
    if args.write_test_samples:
        write_test_samples(args.data, args.write_test_samples)
        return 0

    load_at_start = _load()
    rows = []
    pooled_records, pooled_gold = [], []
    for name in (args.sets if args.data else []):
        records, gold = load_set(args.data / name)
        labels, seconds, related = run_reviewlib(records, args.workers, args.progress)
        row = {"set": name, "n": len(records), "seconds": seconds, **score(labels, gold, related)}
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
        labels, seconds, related = run_reviewlib(records, args.workers, args.progress)
        row = {"set": "pooled", "n": len(records), "seconds": seconds, **score(labels, gold, related)}
        if args.peer_python:
            plabels, pseconds = run_peer(records, args.peer_python)
            ps = score(plabels, gold)
            row.update(peer_seconds=pseconds, peer_recall=ps["recall"], peer_precision=ps["precision"],
                       peer_false=ps["false_pairs"], peer_missed=ps["missed_pairs"])
        rows.append(row)
    pair_rows = []
    for folder in args.pair_sets:
        records, pairs, source = load_pair_set(folder)
        labels, seconds, related = run_reviewlib(records, args.workers, args.progress)
        row = {"set": folder.name, "n": len(records), "seconds": seconds,
               **score_pairs(labels, pairs, source, related)}
        if args.peer_python:
            plabels, pseconds = run_peer(records, args.peer_python)
            row["peer"] = {"seconds": pseconds, **score_pairs(plabels, pairs, source)}
        pair_rows.append(row)
        print(row, file=sys.stderr)
    sets = {name: load_set(args.data / name) for name in (args.sets if args.data else [])}
    loso = leave_one_set_out(sets, args.workers) if args.loso and len(sets) > 1 else []
    robust = {name: robustness(*sets[name], workers=args.workers) for name in sets} if args.robustness else {}
    for n in args.synthetic:
        cmd = [sys.executable, __file__, "--child-synthetic", str(n), "--workers", str(args.workers)]
        if args.progress:
            cmd.append("--progress")
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        rows.append(res)
        print(f"{res['set']}: {res['seconds']:.1f} s, peak {res['peak_mb']:.0f} MB, stages {res['stages']}",
              file=sys.stderr)

    print(run_header(args.peer_python, load_at_start))
    print()
    labelled = [r for r in rows if "peak_mb" not in r]
    if labelled:
        print("| set | records | recall | precision | false pairs | missed pairs | seconds "
              "| bib-dedupe recall | precision | false pairs | missed pairs | seconds | speed-up |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in labelled:
            print(_fmt_row(r))
    scale = [r for r in rows if "peak_mb" in r]
    if scale:
        if labelled:
            print()
        print("| records | recall | precision | false pairs | seconds | peak memory | stages (s) | related reported |")
        print("|---|---|---|---|---|---|---|---|")
        for r in scale:
            stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
            print(f"| {r['n']:,} | {r['recall']:.4f} | {r['precision']:.4f} | {r['false_pairs']:,} | "
                  f"{r['seconds']:.1f} | {r['peak_mb']:,.0f} MB | {stages} | "
                  f"{r['related_found']:,} of {r['related_total']:,} |")
    if pair_rows:
        print()
        print("| pair-labelled set | records | labelled pairs (same / different) | recall | different merged "
              "| merges within one source | seconds | bib-dedupe recall | different merged "
              "| merges within one source | seconds | speed-up |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in pair_rows:
            def cells(x):
                return (f"{x['recall']:.4f} | {x['false_labelled']} | {x.get('within_source', '')} | "
                        f"{x['seconds']:.2f}")
            peer = r.get("peer")
            print(f"| {r['set']} | {r['n']:,} | {r['positives']} / {r['negatives']} | {cells(r)} | "
                  + (f"{cells(peer)} | {peer['seconds'] / r['seconds']:.1f}x |" if peer else "| | | | |"))
    if loso:
        print()
        print("| set | in-sample recall | false pairs | held-out recall | false pairs | settings chosen on the other sets |")
        print("|---|---|---|---|---|---|")
        for r in loso:
            i, h = r["in_sample"], r["held_out"]
            chosen = ", ".join(f"{k} {v}" for k, v in r["settings"].items()) or "the defaults"
            print(f"| {r['set']} | {i['recall']:.4f} | {i['false_pairs']:,} | {h['recall']:.4f} | {h['false_pairs']:,} | {chosen} |")
        print()
        print("| grid point | " + " | ".join(f"{r['set']} recall | false pairs" for r in loso) + " |")
        print("|---|" + "---|---|" * len(loso))
        default = loso[0]["grid"][0][0]
        for k, (point, _) in enumerate(loso[0]["grid"]):
            moved = ", ".join(f"{n} {v}" for n, v in point.items() if v != default[n]) or "defaults"
            cells = " | ".join(f"{r['grid'][k][1]['recall']:.4f} | {r['grid'][k][1]['false_pairs']:,}" for r in loso)
            print(f"| {moved} | {cells} |")
    if robust:
        print()
        names = list(robust)
        print("| field | corruption | " + " | ".join(f"{n} recall | false pairs" for n in names) + " |")
        print("|---|---|" + "---|---|" * len(names))
        first = robust[names[0]]
        for k in range(len(first)):
            cells = " | ".join(f"{robust[n].iloc[k]['recall']:.4f} | {int(robust[n].iloc[k]['false_pairs']):,}"
                               for n in names)
            print(f"| {first.iloc[k]['field']} | {first.iloc[k]['corruption']} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
