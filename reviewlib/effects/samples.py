"""How the samples of a study relate: ``extraction/samples.csv``, the companion of effects.csv.

Effects are independent only when they come from different firms (or people). A study that
reports its full sample and then splits it (by region, by sector) prints several effects of
the same firms; pooling a full sample with its own subsample counts those firms twice. The
file that says which sample is part of which is data, kept next to ``effects.csv``:

``study_id``       the study, as in effects.csv
``sample``         the sample label, exactly as the ``sample`` cells of effects.csv use it
``parent_sample``  the sample this one is a subset of; blank for a study's top-level sample(s)
``split``          name of the split of the parent this sample belongs to (e.g. ``region``);
                   samples of one parent in the same split do not overlap, samples of
                   different splits (or with a blank split) may
``n``              number of units in the sample (blank if not reported)
``description``    free text

Relations between two samples of one study (:meth:`SampleTree.relation`):

``same``       the same sample: two effects of the same units
``nested``     one is a subset of the other (``full`` and ``Java``)
``overlap``    neither contains the other, but they may share units (``Java`` and
               ``trade (G)``, two different splits of the same firms)
``disjoint``   no unit in common: two samples of one split, or two top-level samples (a
               study's Study 1 and Study 2)
``unknown``    the study's samples are not declared, so nothing can be said

Samples of different studies are always ``disjoint``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewlib.errors import InputError, Problem
from reviewlib.io import read_table

#: Columns of samples.csv (**contract**, in this order).
SAMPLE_COLUMNS = ("study_id", "sample", "parent_sample", "split", "n", "description")

#: The file name looked for next to an effects file.
SAMPLES_FILE = "samples.csv"

RELATIONS = ("same", "nested", "overlap", "disjoint", "unknown")


def default_samples_path(effects_path: str | Path) -> Path:
    """``samples.csv`` in the folder of ``effects_path``."""
    return Path(effects_path).with_name(SAMPLES_FILE)


def _key(study_id: str, sample: str) -> tuple[str, str]:
    return study_id.strip(), sample.strip().casefold()


@dataclass(frozen=True)
class Sample:
    """One declared sample (one row of samples.csv)."""

    study_id: str
    sample: str
    parent_sample: str
    split: str
    n: int | None
    description: str
    line: int


class SampleTree:
    """The declared samples of every study, and how any two of them relate.

    Build it with :func:`load_samples` (from a file) or :meth:`from_records`; an empty
    tree (no file) knows no sample, so every pair of different samples of one study is
    ``unknown``.

    Examples
    --------
    >>> tree = SampleTree.from_records([
    ...     dict(study_id="s", sample="all", n="100"),
    ...     dict(study_id="s", sample="north", parent_sample="all", split="region", n="40"),
    ...     dict(study_id="s", sample="south", parent_sample="all", split="region", n="60"),
    ...     dict(study_id="s", sample="women", parent_sample="all", split="sex", n="50")])
    >>> [tree.relation(("s", "north"), ("s", x)) for x in ("all", "south", "women")]
    ['nested', 'disjoint', 'overlap']
    """

    def __init__(self, samples: list[Sample] | None = None, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.samples: dict[tuple[str, str], Sample] = {}
        for s in samples or []:
            self.samples.setdefault(_key(s.study_id, s.sample), s)
        self.studies = {s.study_id for s in self.samples.values()}

    def __len__(self) -> int:
        return len(self.samples)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return _key(*key) in self.samples

    def get(self, study_id: str, sample: str) -> Sample | None:
        return self.samples.get(_key(study_id, sample))

    def parent(self, study_id: str, sample: str) -> Sample | None:
        s = self.get(study_id, sample)
        if s is None or not s.parent_sample:
            return None
        return self.get(study_id, s.parent_sample)

    def lineage(self, study_id: str, sample: str) -> list[Sample]:
        """The sample, its parent, the parent's parent ... (stops at a cycle)."""
        out: list[Sample] = []
        s = self.get(study_id, sample)
        while s is not None and s not in out:
            out.append(s)
            s = self.parent(s.study_id, s.sample)
        return out

    def relation(self, a: tuple[str, str], b: tuple[str, str]) -> str:
        """How sample ``a`` = (study_id, sample) relates to ``b``; one of :data:`RELATIONS`."""
        (sa, na), (sb, nb) = a, b
        if sa.strip() != sb.strip():
            return "disjoint"
        if _key(sa, na) == _key(sb, nb):
            return "same"
        la, lb = self.lineage(sa, na), self.lineage(sb, nb)
        if not la or not lb:
            return "unknown"
        if la[0] in lb or lb[0] in la:
            return "nested"
        common = next((s for s in la if s in lb), None)
        if common is None:  # two top-level samples of the study: independent by declaration
            return "disjoint"
        ca, cb = la[la.index(common) - 1], lb[lb.index(common) - 1]  # children of common
        if ca.split and ca.split.casefold() == cb.split.casefold():
            return "disjoint"
        return "overlap"

    @classmethod
    def from_records(cls, records: list[dict[str, str]], path: str | Path = "<memory>",
                     first_line: int = 2) -> "SampleTree":
        """Build and validate a tree from dicts (missing keys blank), for tests and notebooks."""
        rows = [{c: str(rec.get(c, "")) for c in SAMPLE_COLUMNS} for rec in records]
        lines = list(range(first_line, first_line + len(rows)))
        tree, problems = _build(Path(path), rows, lines)
        if problems:
            raise InputError(problems)
        return tree


def load_samples(path: str | Path) -> SampleTree:
    """Read and validate a samples file.

    Raises
    ------
    InputError
        Every problem, each at ``path:line:column``: header not :data:`SAMPLE_COLUMNS`,
        blank study_id or sample, a sample declared twice, a parent that is not a sample
        of the same study, a cycle of parents, a split without a parent, an ``n`` that is
        not a positive whole number, larger than its parent's, or samples of one split whose
        sizes add up to more than the parent's.

    Examples
    --------
    >>> tree = load_samples("extraction/samples.csv")                   # doctest: +SKIP
    >>> tree.relation(("fitriani2023social", "Java"),
    ...               ("fitriani2023social", "full"))                   # doctest: +SKIP
    'nested'
    """
    p = Path(path)
    raw = read_table(p, expected=SAMPLE_COLUMNS)
    problems = list(raw.problems)
    if raw.header and list(raw.header) != list(SAMPLE_COLUMNS):
        problems.append(Problem(str(p), raw.header_line or 1, None,
                                "the columns must be, in order: " + ",".join(SAMPLE_COLUMNS)
                                + "; found: " + ",".join(raw.header)))
    if problems:
        raise InputError(problems)
    tree, problems = _build(p, raw.rows, raw.lines)
    if problems:
        raise InputError(problems)
    return tree


def _count(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(text)
    return int(text)


def _build(path: Path, rows: list[dict[str, str]], lines: list[int]
           ) -> tuple[SampleTree, list[Problem]]:
    col = {c: i + 1 for i, c in enumerate(SAMPLE_COLUMNS)}
    problems: list[Problem] = []
    samples: list[Sample] = []
    seen: dict[tuple[str, str], int] = {}

    def problem(line, column, message):
        problems.append(Problem(str(path), line, col[column] if column else None, message))

    for cells, line in zip(rows, lines):
        v = {c: (cells.get(c) or "").strip() for c in SAMPLE_COLUMNS}
        for c in ("study_id", "sample"):
            if not v[c]:
                problem(line, c, f"{c} is blank")
        n = None
        if v["n"]:
            try:
                n = _count(v["n"])
            except ValueError:
                problem(line, "n", f"n must be a positive whole number written without "
                                   f"separators, not {v['n']!r}")
        if v["split"] and not v["parent_sample"]:
            problem(line, "split", f"split {v['split']!r} needs a parent_sample: a split "
                                   "divides the parent sample")
        if not v["study_id"] or not v["sample"]:
            continue
        key = _key(v["study_id"], v["sample"])
        if key in seen:
            problem(line, "sample", f"sample {v['sample']!r} of {v['study_id']} is declared "
                                    f"again (first on line {seen[key]})")
            continue
        seen[key] = line
        samples.append(Sample(v["study_id"], v["sample"], v["parent_sample"], v["split"], n,
                              v["description"], line))
    tree = SampleTree(samples, path)
    for s in samples:
        if not s.parent_sample:
            continue
        parent = tree.get(s.study_id, s.parent_sample)
        if parent is None:
            problem(s.line, "parent_sample",
                    f"parent_sample {s.parent_sample!r} is not a sample of {s.study_id} in "
                    f"this file; declare it on a line of its own")
            continue
        chain = tree.lineage(s.study_id, s.sample)
        last = chain[-1]
        above = tree.get(last.study_id, last.parent_sample) if last.parent_sample else None
        if above is chain[0]:
            problem(s.line, "parent_sample",
                    f"{s.sample!r} is its own ancestor ("
                    + " -> ".join(repr(x.sample) for x in chain + [chain[0]])
                    + "); a sample cannot contain its parent")
            continue
        if above is not None:  # below a cycle, which is reported on its own lines
            continue
        if s.n is not None and parent.n is not None and s.n > parent.n:
            problem(s.line, "n", f"n = {s.n} is larger than n = {parent.n} of its parent "
                                 f"{parent.sample!r} (line {parent.line})")
    splits: dict[tuple[str, str, str], list[Sample]] = {}
    for s in samples:
        if s.split and s.parent_sample:
            splits.setdefault((s.study_id, s.parent_sample.casefold(), s.split.casefold()),
                              []).append(s)
    for (study, _, _), members in splits.items():
        parent = tree.get(study, members[0].parent_sample)
        sizes = [m.n for m in members]
        if parent is None or parent.n is None or None in sizes:
            continue
        if sum(sizes) > parent.n:
            problem(members[-1].line, "n",
                    f"the samples of split {members[0].split!r} ("
                    + ", ".join(f"{m.sample} {m.n}" for m in members)
                    + f") add up to {sum(sizes)}, more than n = {parent.n} of "
                      f"{parent.sample!r}: samples of one split cannot overlap")
    return tree, sorted(problems, key=lambda q: (q.line or 0, q.column or 0))


def check_declared(tree: SampleTree, table) -> list[Problem]:
    """Effects rows whose sample the tree does not declare, at ``effects path:line:column``.

    A study absent from the samples file is fine while all its rows share one sample;
    once it reports several, how they relate must be declared.
    """
    from .table import COLUMNS

    column = COLUMNS.index("sample") + 1
    out: list[Problem] = []
    by_study: dict[str, set[str]] = {}
    for row in table.rows:
        by_study.setdefault(row.study_id, set()).add(row.sample.strip().casefold())
    where = tree.path.name if tree.path is not None else "the samples file"
    for row in table.rows:
        if row.study_id in tree.studies:
            if tree.get(row.study_id, row.sample) is None:
                out.append(Problem(str(table.path), row.line, column,
                                   f"sample {row.sample!r} of {row.study_id} is not declared "
                                   f"in {where}"))
        elif len(by_study[row.study_id]) > 1:
            out.append(Problem(str(table.path), row.line, column,
                               f"{row.study_id} reports {len(by_study[row.study_id])} samples "
                               f"but {where} does not say how they relate (which is part "
                               "of which)"))
    return out
