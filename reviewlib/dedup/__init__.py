"""Deduplication of bibliographic records: prepare -> block -> compare -> decide -> cluster -> merge.

Each stage is a module with one verb-named function that takes a DataFrame and returns a
new one, so that every stage can be run and inspected alone:

>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["pubmed:1", "scopus:7"],
...                       "title": ["Social media and MSME performance", "Social Media and MSME Performance."],
...                       "author": ["Fitriani, A and Setiawan, B", "Fitriani A, Setiawan B"],
...                       "year": ["2023", "2023"]})
>>> prep = prepare(frame)                 # normalised fields and document-kind flags
>>> pairs = block(prep)                   # candidate pairs (sorted neighbourhoods)
>>> features = compare(prep, pairs)       # field similarities per pair
>>> decisions = decide(features)          # named rules: duplicate / related / maybe / different
>>> decisions[["decision", "rule"]].values.tolist()
[['duplicate', 'ti100_au80_yr_ct']]
>>> labels = cluster(prep, decisions)     # works, without chaining conflicting records
>>> records, kept = merge(prep, labels, list(frame.columns))
>>> records["merged_ids"].tolist()
['pubmed:1;scopus:7']

:func:`deduplicate` runs them all, applies a reviewer's overrides and returns a
:class:`DedupResult`.
"""

from reviewlib.dedup.prepare import prepare
from reviewlib.dedup.block import block
from reviewlib.dedup.compare import compare
from reviewlib.dedup.decide import decide
from reviewlib.dedup.cluster import cluster
from reviewlib.dedup.merge import merge
from reviewlib.dedup.engine import DedupResult, DedupSettings, deduplicate, read_overrides

__all__ = ["prepare", "block", "compare", "decide", "cluster", "merge", "deduplicate",
           "DedupResult", "DedupSettings", "read_overrides"]
