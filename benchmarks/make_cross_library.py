"""Write a pair-labelled deduplication set from the DBLP-ACM matching benchmark.

DBLP-ACM (Köpcke, Thor & Rahm, "Evaluation of entity resolution approaches on real-world
match problems", PVLDB 3(1), 2010) lists the same database-conference and journal papers
as two digital libraries describe them: 2,616 DBLP and 2,294 ACM records (title, authors,
venue, year). The copy used here is the one distributed with py_entitymatching 0.4.2
(BSD-3-Clause; ``py_entitymatching/datasets/DBLP.csv``, ``ACM.csv``), whose
``dblp_acm_demo_labels.csv`` labels 415 DBLP-ACM record pairs by hand (231 the same
paper, 184 different papers). Its full gold mapping is not part of that package, so the set
is scored on the labelled pairs (see ``dedup_bench.py --pair-sets``).

Get the files without installing the package::

    pip download --no-deps --no-binary :all: py-entitymatching==0.4.2
    tar xzf py-entitymatching-0.4.2.tar.gz
    python benchmarks/make_cross_library.py \\
        --from py-entitymatching-0.4.2/py_entitymatching/datasets --out ../dblp_acm

The records keep the libraries' own spellings: authors as "Given Family, Given Family",
venues as each library names them, DBLP's years as printed ("1999.0" becomes "1999", the
only change). Ids are ``dblp:<key>`` and ``acm:<id>``; a ``source`` column names the
library (used for scoring only: each library lists a paper once, so a merge inside one
library is a merge of different papers). ``--labelled-only`` keeps just the records of the
labelled pairs (the test sample in ``tests/data/dedup/dblp_acm``).
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pandas as pd

COLUMNS = ["id", "title", "author", "year", "journal", "volume", "number", "pages", "doi", "abstract", "source"]


def _read(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def build(src: Path, labelled_only: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, pairs) of the set; ``pairs`` has ``id_a`` (DBLP), ``id_b`` (ACM), ``label``."""
    frames = []
    for name, prefix in (("DBLP.csv", "dblp"), ("ACM.csv", "acm")):
        t = _read(src / name)
        frames.append(pd.DataFrame({
            "id": prefix + ":" + t["id"], "title": t["title"], "author": t["authors"],
            "year": t["year"].str.replace(r"\.0$", "", regex=True), "journal": t["venue"],
            "source": prefix}))
    records = pd.concat(frames, ignore_index=True)
    for c in COLUMNS:
        if c not in records:
            records[c] = ""
    labels = _read(src / "dblp_acm_demo_labels.csv")
    pairs = pd.DataFrame({"id_a": "dblp:" + labels["ltable.id"], "id_b": "acm:" + labels["rtable.id"],
                          "label": labels["gold"].astype(int)})
    missing = set(pairs["id_a"]).union(pairs["id_b"]) - set(records["id"])
    if missing:
        raise ValueError(f"{len(missing)} labelled ids have no record, e.g. {sorted(missing)[:3]}")
    if labelled_only:
        records = records[records["id"].isin(set(pairs["id_a"]) | set(pairs["id_b"]))]
    return records[COLUMNS].sort_values("id").reset_index(drop=True), pairs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--from", dest="src", type=Path, required=True,
                   help="folder with DBLP.csv, ACM.csv and dblp_acm_demo_labels.csv")
    p.add_argument("--out", type=Path, required=True, help="folder to write records.csv and pairs.csv to")
    p.add_argument("--labelled-only", action="store_true", help="keep only the records of labelled pairs")
    args = p.parse_args(argv)
    records, pairs = build(args.src, args.labelled_only)
    args.out.mkdir(parents=True, exist_ok=True)
    records.to_csv(args.out / "records.csv", index=False)
    pairs.to_csv(args.out / "pairs.csv", index=False)
    print(f"{len(records):,} records, {len(pairs)} labelled pairs ({int(pairs['label'].sum())} same) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
