"""The deduplication facade: the six stages in order, a reviewer's overrides, one result object."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from reviewlib import __version__
from reviewlib.dedup.block import block
from reviewlib.dedup.cluster import MIN_TITLE_SIMILARITY, cluster
from reviewlib.dedup.compare import TITLE_PREFILTER, compare
from reviewlib.dedup.decide import DUPLICATE, MAYBE, RELATED, TF_PENALTY, UNINFORMATIVE_CONFLICT, decide
from reviewlib.dedup.evidence import MIN_M, PRIOR_PAIRS
from reviewlib.dedup.evidence import Evidence
from reviewlib.dedup.evidence import fit as fit_evidence
from reviewlib.dedup.merge import merge
from reviewlib.dedup.prepare import prepare
from reviewlib.errors import InputError, Problem
from reviewlib.records import fields as F

log = logging.getLogger("reviewlib")

#: Columns of an overrides table (screening/dedup_overrides.csv; README, "Deduplication").
OVERRIDE_COLUMNS = ["id_a", "id_b", "decision", "note"]
SAME, DIFFERENT = "same", "different"
OVERRIDE_RULE = "override_same"

DUPLICATE_COLUMNS = [F.ID, F.KEPT_ID, F.RULE, F.SCORE]
RELATED_COLUMNS = ["id_a", "id_b", "relation", F.RULE, F.SCORE]
MAYBE_COLUMNS = ["id_a", "id_b", F.SCORE, F.RULE, "agree", "conflict"]


@dataclass(frozen=True)
class DedupSettings:
    """The settings a deduplication run can be tuned by, kept with its result.

    The rules themselves are named constants in :mod:`reviewlib.dedup.decide`; these are
    the knobs that trade speed against thoroughness. Settings round-trip through JSON
    (:meth:`to_file`, :meth:`from_file`) so that a run can be repeated exactly.

    Attributes
    ----------
    workers : int
        Threads for rapidfuzz's string comparisons (``-1`` = all cores); results do not
        depend on it.
    title_prefilter : float
        Candidate pairs whose titles are less similar are not compared further unless an
        exact key links them (:data:`reviewlib.dedup.compare.TITLE_PREFILTER`).
    min_title_similarity : float
        Two records whose titles are less similar never share a work, whatever links them
        (:data:`reviewlib.dedup.cluster.MIN_TITLE_SIMILARITY`).
    prior_pairs : float
        How many anchor pairs the prior m-probability of a field is worth
        (:data:`reviewlib.dedup.evidence.PRIOR_PAIRS`).
    min_m : float
        A field agreeing on fewer of the anchor pairs is set aside for the run
        (:data:`reviewlib.dedup.evidence.MIN_M`).
    uninformative_conflict : float
        A weak-field conflict weighing more than this many bits (nearer zero) cannot separate
        two records by itself (:data:`reviewlib.dedup.decide.UNINFORMATIVE_CONFLICT`).
    tf_penalty : float
        Bits by which common title and author values must fall below average to send an
        unplaced duplicate to maybe.csv (:data:`reviewlib.dedup.decide.TF_PENALTY`).
    """

    workers: int = 1
    title_prefilter: float = TITLE_PREFILTER
    min_title_similarity: float = MIN_TITLE_SIMILARITY
    prior_pairs: float = PRIOR_PAIRS
    min_m: float = MIN_M
    uninformative_conflict: float = UNINFORMATIVE_CONFLICT
    tf_penalty: float = TF_PENALTY

    def __post_init__(self):
        if not isinstance(self.workers, int) or isinstance(self.workers, bool) or self.workers == 0 \
                or self.workers < -1:
            raise ValueError(f"workers must be a positive integer or -1, not {self.workers!r}")
        ranges = {"title_prefilter": (0, 1), "min_title_similarity": (0, 1), "min_m": (0, 1),
                  "prior_pairs": (0, float("inf")), "uninformative_conflict": (float("-inf"), 0),
                  "tf_penalty": (0, float("inf"))}
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"{name} must be a number between {low:g} and {high:g}, not {value!r}")

    def to_dict(self) -> dict:
        """The settings as a plain dict (JSON-serialisable)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "DedupSettings":
        """Settings from a dict; unknown keys are an error (a typo must not pass silently)."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**values)

    def to_file(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the settings as JSON, atomically (refuses to replace a file unless asked)."""
        from reviewlib.io import atomic_write

        return atomic_write(path, json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n",
                            overwrite=overwrite)

    @classmethod
    def from_file(cls, path: str | Path) -> "DedupSettings":
        """Read settings written by :meth:`to_file` (or by hand).

        Raises
        ------
        InputError
            Unreadable file, invalid JSON (with its line and column), unknown keys or
            values out of range.
        """
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError.at(path, None, f"cannot read settings: {e}") from None
        try:
            values = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError.at(path, e.lineno, f"not valid JSON: {e.msg}", column=e.colno) from None
        if not isinstance(values, dict):
            raise InputError.at(path, 1, "settings must be a JSON object")
        try:
            return cls.from_dict(values)
        except (TypeError, ValueError) as e:
            raise InputError.at(path, None, str(e)) from None


@dataclass(frozen=True)
class DedupResult:
    """Everything one deduplication run produced.

    Attributes
    ----------
    records : pandas.DataFrame
        One row per work, sorted by id: the input columns with missing fields filled from the
        work's other records, ``merged_ids`` (";"-joined ids of every input record of the work,
        its own included), ``source`` (every file the work was found in) and ``origin``
        (``field=id`` for every value taken from another record).
    duplicates : pandas.DataFrame
        One row per removed record: ``id``, ``kept_id``, ``rule`` (the rule that matched it,
        or ``override_same``) and ``score``.
    related : pandas.DataFrame
        Pairs of kept records that look like two reports of one study (preprint and journal
        version, conference paper and article, notice and article): ``id_a``, ``id_b``,
        ``relation``, ``rule`` (the veto that kept them apart) and ``score``.
    maybe : pandas.DataFrame
        Pairs of kept records close enough for a person to check: ``id_a``, ``id_b``,
        ``score``, ``rule`` (the rule that found the pair, or the veto or generic-title
        test that kept it from merging), ``agree`` and ``conflict`` (";"-joined fields).
    untitled : list of str
        Ids of records without a title: kept as they are and never merged by rule.
    pairs : pandas.DataFrame
        Every compared candidate pair with its decision (for inspection and tuning).
    n_input : int
        Number of input records.
    settings : DedupSettings
        The settings of the run.
    seconds : dict
        Wall time of each stage.
    version : str
        reviewlib version that produced the result.
    evidence : reviewlib.dedup.evidence.Evidence
        How much each field said in this input (m- and u-probabilities, fields set aside).
    """

    records: pd.DataFrame
    duplicates: pd.DataFrame
    related: pd.DataFrame
    maybe: pd.DataFrame
    untitled: list[str]
    pairs: pd.DataFrame
    n_input: int
    settings: DedupSettings = field(default_factory=DedupSettings)
    seconds: dict = field(default_factory=dict)
    version: str = __version__
    evidence: Evidence | None = None

    def summary(self) -> dict:
        """Counts of the run: input records, works kept, duplicates removed, related, maybe."""
        return {"records_in": self.n_input, "records_kept": len(self.records),
                "duplicates_removed": len(self.duplicates), "related_pairs": len(self.related),
                "maybe_pairs": len(self.maybe), "untitled": len(self.untitled)}


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Read an overrides CSV (``id_a,id_b,decision,note``); problems name file, line and column.

    The file is read by :func:`reviewlib.io.read_table`, so a BOM, ``;`` or tab delimiters,
    CRLF line ends and legacy encodings are accepted (and reported as notes).

    Returns
    -------
    pandas.DataFrame
        ``id_a``, ``id_b``, ``decision`` (lower case), ``note`` and ``line`` (1-based line
        in the file); the path is kept in ``frame.attrs["path"]``.

    Raises
    ------
    InputError
        Unreadable file, missing columns, empty ids, or a decision other than ``same`` /
        ``different``; every problem found is reported, not just the first.
    """
    from reviewlib.io import read_table

    table = read_table(path, expected=OVERRIDE_COLUMNS)
    table.raise_for_problems()
    header = {h.strip().lower(): k for h, k in zip(table.header, table.keys)}
    missing = [c for c in OVERRIDE_COLUMNS[:3] if c not in header]
    if missing:
        raise InputError.at(table.path, table.header_line or 1,
                            f"missing column(s) {', '.join(missing)}; expected id_a,id_b,decision,note")
    problems, out = [], []
    for row, line in zip(table.rows, table.lines):
        rec = {c: row.get(header[c], "").strip() if c in header else "" for c in OVERRIDE_COLUMNS}
        for c in ("id_a", "id_b"):
            if not rec[c]:
                problems.append(Problem(str(table.path), line, table.column(header[c]), f"{c} is empty"))
        rec["decision"] = rec["decision"].lower()
        if rec["decision"] not in (SAME, DIFFERENT):
            problems.append(Problem(str(table.path), line, table.column(header["decision"]),
                                    f"decision must be 'same' or 'different', not {rec['decision']!r}"))
        out.append({**rec, "line": line})
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame(out, columns=OVERRIDE_COLUMNS + ["line"])
    frame.attrs["path"] = str(table.path)
    return frame


def _override_pairs(overrides: pd.DataFrame | None, row_of: dict[str, int]):
    if overrides is None or len(overrides) == 0:
        return [], [], {}
    path = overrides.attrs.get("path", "overrides")
    lines = overrides["line"].tolist() if "line" in overrides else list(range(2, len(overrides) + 2))
    problems, same, different, line_of = [], [], [], {}
    for (a, b, d), line in zip(overrides[["id_a", "id_b", "decision"]].astype(str).itertuples(index=False), lines):
        for col, x in ((1, a), (2, b)):
            if x not in row_of:
                problems.append(Problem(str(path), int(line), col, f"unknown record id {x!r}"))
        d = d.strip().lower()
        if d not in (SAME, DIFFERENT):
            problems.append(Problem(str(path), int(line), 3, f"decision must be 'same' or 'different', not {d!r}"))
        if a in row_of and b in row_of and d in (SAME, DIFFERENT):
            if a == b:
                problems.append(Problem(str(path), int(line), 2, "id_a and id_b are the same record"))
                continue
            pair = (min(row_of[a], row_of[b]), max(row_of[a], row_of[b]))
            (same if d == SAME else different).append(pair)
            line_of[pair] = int(line)
    if problems:
        raise InputError(problems)
    return same, different, line_of


def _check_ids(frame: pd.DataFrame) -> None:
    ids = frame[F.ID].astype(str)
    problems = []
    empty = np.flatnonzero((ids.str.strip() == "").to_numpy())
    for k in empty[:20]:
        src = str(frame[F.SOURCE].iloc[k]) if F.SOURCE in frame else "records"
        problems.append(Problem(src or "records", None, None, f"record at position {k + 1} has no id"))
    dup = ids[ids.duplicated(keep=False) & (ids != "")]
    for x in sorted(set(dup))[:20]:
        where = frame.loc[dup.index[dup == x], F.SOURCE].tolist() if F.SOURCE in frame else []
        problems.append(Problem(sorted(set(where))[0] if where and where[0] else "records", None, None,
                                f"id {x!r} is used by {int((dup == x).sum())} records"
                                + (f" (in {', '.join(sorted(set(where)))})" if where else "")))
    if problems:
        raise InputError(problems)


def _pairs_to_works(table: pd.DataFrame, ids: np.ndarray, kept: np.ndarray, labels: np.ndarray,
                    columns: list[str]) -> pd.DataFrame:
    """Map record pairs to pairs of kept records, drop pairs inside one work, one row per pair."""
    if len(table) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=float if c == F.SCORE else str) for c in columns})
    i, j = table["i"].to_numpy(), table["j"].to_numpy()
    t = table.assign(ka=kept[i], kb=kept[j])
    t = t[labels[i] != labels[j]]
    a = ids[np.minimum(t["ka"], t["kb"])]   # rows are id-sorted, so row order = id order
    b = ids[np.maximum(t["ka"], t["kb"])]
    t = t.assign(id_a=a, id_b=b).sort_values(["id_a", "id_b", F.SCORE, F.RULE], ascending=[True, True, False, True],
                                              kind="stable")
    t = t.drop_duplicates(["id_a", "id_b"], keep="first")
    return t[columns].reset_index(drop=True)


def deduplicate(frame: pd.DataFrame, overrides: pd.DataFrame | None = None, *,
                settings: DedupSettings | None = None, workers: int | None = None,
                progress: bool | None = None, prefer=None) -> DedupResult:
    """Find and merge records of the same work.

    Parameters
    ----------
    frame : pandas.DataFrame
        Records, one per row, string columns named as in :mod:`reviewlib.records.fields`
        ("" for missing); ``id`` must be present, non-empty and unique.
    overrides : pandas.DataFrame, optional
        A reviewer's decisions, columns ``id_a, id_b, decision, note`` (see
        :func:`read_overrides`). ``same`` merges two records whatever the rules say;
        ``different`` keeps them in different works, also through other records.
    settings : DedupSettings, optional
        Default: ``DedupSettings()``.
    workers : int, optional
        Threads for the string comparisons (``-1`` = all cores); overrides
        ``settings.workers``.
    progress : bool, optional
        Show a progress bar over the stages; default: only when stderr is a terminal.
    prefer : iterable of str, or mapping of str to int, optional
        Ids to keep as the id of their work whatever the completeness of the other copies
        (e.g. records already screened, so that their decisions keep naming the kept
        record after a new search round). A mapping ranks them: the highest rank of a work
        is kept (then the most complete, then the smallest id). Empty fields are still
        filled from the other copies. Ids not in ``frame`` are ignored.

    Returns
    -------
    DedupResult

    Raises
    ------
    InputError
        Missing, empty or repeated ids; overrides naming unknown ids or contradicting each
        other.

    Notes
    -----
    The result does not depend on the order of the input rows: records are sorted by id
    before any stage runs, and every tie is broken by id.
    """
    if F.ID not in frame.columns:
        raise InputError(Problem("records", None, None, "records need an 'id' column"))
    _check_ids(frame)
    settings = settings or DedupSettings()
    if workers is not None:
        settings = dataclasses.replace(settings, workers=workers)
    columns = [c for c in frame.columns if not str(c).startswith("n_")]
    if F.SOURCE not in columns:
        columns.append(F.SOURCE)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=6, desc="dedup", unit="stage", disable=not show, leave=False)
    seconds = {}
    t0 = time.perf_counter()

    def tick(name):
        nonlocal t0
        now = time.perf_counter()
        seconds[name] = round(now - t0, 3)
        t0 = now
        bar.set_postfix_str(name)
        bar.update(1)
        log.info("dedup: %s done in %.2f s", name, seconds[name])

    prep = prepare(frame)
    prep, evidence = fit_evidence(prep, prior_pairs=settings.prior_pairs, min_m=settings.min_m)
    if evidence.set_aside:
        log.info("dedup: %s set aside: the values rarely agree between records of one work in this input",
                 ", ".join(evidence.set_aside))
    tick("prepare")
    ids = prep[F.ID].to_numpy().astype(str)
    row_of = {x: k for k, x in enumerate(ids)}
    same, different, line_of = _override_pairs(overrides, row_of)
    pairs = block(prep)
    tick("block")
    features = compare(prep, pairs, workers=settings.workers, title_prefilter=settings.title_prefilter)
    tick("compare")
    decisions = decide(features, evidence, tf_penalty=settings.tf_penalty,
                       uninformative_conflict=settings.uninformative_conflict)
    tick("decide")
    try:
        labels = cluster(prep, decisions, same=same, different=different,
                         min_title_similarity=settings.min_title_similarity)
    except ValueError as e:
        path = overrides.attrs.get("path", "overrides") if overrides is not None else "overrides"
        a, b = e.args[1]
        raise InputError(Problem(str(path), line_of.get((a, b)), None,
                                 f"{str(ids[a])!r} and {str(ids[b])!r} are marked 'different', but other lines "
                                 "marked 'same' join them: the overrides contradict each other")) from None
    tick("cluster")
    preferred = None
    if prefer is not None:
        rank = ({str(k): int(v) for k, v in prefer.items()} if isinstance(prefer, dict)
                else {str(x): 1 for x in prefer})
        preferred = np.fromiter((rank.get(x, 0) for x in ids), dtype=np.int64, count=len(ids))
    records, kept = merge(prep, labels, columns, preferred)
    tick("merge")
    bar.close()

    removed = np.flatnonzero(kept != np.arange(len(prep)))
    dup = decisions[decisions["decision"] == DUPLICATE]
    di, dj = dup["i"].to_numpy(), dup["j"].to_numpy()
    inside = labels[di] == labels[dj]
    edges = pd.DataFrame({"r": np.concatenate([di[inside], dj[inside]]),
                          "o": np.concatenate([dj[inside], di[inside]]),
                          F.RULE: np.concatenate([dup[F.RULE].to_numpy()[inside]] * 2),
                          F.SCORE: np.concatenate([dup[F.SCORE].to_numpy()[inside]] * 2)})
    if same:
        sa = np.array(same)
        forced = pd.DataFrame({"r": np.concatenate([sa[:, 0], sa[:, 1]]), "o": np.concatenate([sa[:, 1], sa[:, 0]]),
                               F.RULE: OVERRIDE_RULE, F.SCORE: np.nan})
        edges = pd.concat([forced, edges], ignore_index=True)
    edges = edges[edges["r"].isin(removed)]
    edges = edges.assign(direct=(edges["o"].to_numpy() == kept[edges["r"].to_numpy()]),
                         forced=(edges[F.RULE] == OVERRIDE_RULE))
    edges = edges.sort_values(["r", "direct", "forced", F.SCORE, "o"], ascending=[True, False, False, False, True],
                              kind="stable").drop_duplicates("r")
    best = edges.set_index("r")
    duplicates = pd.DataFrame({
        F.ID: ids[removed],
        F.KEPT_ID: ids[kept[removed]],
        F.RULE: best[F.RULE].reindex(removed).fillna("linked").astype(str).to_numpy(),
        F.SCORE: best[F.SCORE].reindex(removed).to_numpy(dtype=float),
    })

    rel = decisions[decisions["decision"] == RELATED]
    related = _pairs_to_works(rel, ids, kept, labels, RELATED_COLUMNS)
    may = decisions[decisions["decision"] == MAYBE]
    maybe = _pairs_to_works(may, ids, kept, labels, MAYBE_COLUMNS)
    if len(maybe) and len(related):
        key = set(zip(related["id_a"], related["id_b"]))
        maybe = maybe[[p not in key for p in zip(maybe["id_a"], maybe["id_b"])]].reset_index(drop=True)
    if different and len(maybe):
        settled = {tuple(sorted((ids[kept[a]], ids[kept[b]]))) for a, b in different}
        maybe = maybe[[p not in settled for p in zip(maybe["id_a"], maybe["id_b"])]].reset_index(drop=True)

    untitled = prep.loc[prep["n_title"] == "", F.ID].astype(str).tolist()
    if untitled:
        log.info("dedup: %d record(s) without a title were kept unmerged unless an override joins them",
                 len(untitled))
    pair_table = decisions.assign(id_a=ids[decisions["i"].to_numpy()], id_b=ids[decisions["j"].to_numpy()])
    return DedupResult(records=records, duplicates=duplicates, related=related, maybe=maybe,
                       untitled=untitled, pairs=pair_table, n_input=len(prep), settings=settings,
                       seconds=seconds, evidence=evidence)
