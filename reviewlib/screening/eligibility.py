"""Eligibility derived from coded criteria: the verdict follows from the judgements.

The protocol declares its eligibility criteria, in order, in ``criteria.csv`` of the
screening folder::

    criterion,label,description,reason_no,reason_unclear
    period,Published 2018-2026,...,wrong_period,period_unclear
    population,"Micro, small or medium enterprises",...,not_msme,msme_unclear

A decision file (title/abstract or full text) or the audit of the previous version may then
be *coded*: instead of ``decision``/``verdict`` and ``reason`` it has one column per
criterion, in protocol order, holding the reviewer's judgement of that record:

``yes``      the record meets the criterion
``no``       the record fails it
``unclear``  the record does not show whether it meets it
(empty)      allowed only after a criterion coded ``no``: the record already fails (at full
             text, a retrieved report with every criterion empty is not assessed yet)

reviewlib derives the outcome and its reason, so that a note and its verdict cannot
disagree (:func:`judge`):

1. the first criterion, in protocol order, coded ``no`` gives the outcome *fails* and its
   ``reason_no``;
2. else the first criterion coded ``unclear`` gives *unclear* and its ``reason_unclear``;
3. else the record *meets* every criterion.

Each stage turns the outcome into its own decision (:data:`OUTCOMES`): at title/abstract
*fails* is ``exclude``, *unclear* is ``maybe`` and *meets* is ``include``; at full text
*fails* is ``exclude``, *meets* is ``include`` and *unclear* leaves the assessment pending;
in the audit they are ``out_of_scope``, ``unclear`` and ``in_scope``.

A file is either coded or in the decision form (``decision``/``verdict`` and ``reason``
columns), never a mix; both forms may be used side by side in one folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from reviewlib.errors import Problem
from reviewlib.io import read_table

#: File of the protocol's criteria, inside a screening folder.
CRITERIA_FILE = "criteria.csv"
CRITERIA_HEADER = ["criterion", "label", "description", "reason_no", "reason_unclear"]

#: Allowed judgements of one criterion.
JUDGEMENTS = ("yes", "no", "unclear")
MEETS, FAILS, UNCLEAR = "meets", "fails", "unclear"

#: Column names a criterion may not take (they belong to the decision files).
RESERVED = frozenset({"record_id", "decision", "verdict", "reason", "note", "retrieved",
                      "study_id", "line", "ragged", "valid", "reviewer", "path", "criterion"})

#: What each stage decides for each outcome.
OUTCOMES = {
    "title_abstract": {FAILS: "exclude", UNCLEAR: "maybe", MEETS: "include"},
    "full_text": {FAILS: "exclude", UNCLEAR: "", MEETS: "include"},
    "audit": {FAILS: "out_of_scope", UNCLEAR: "unclear", MEETS: "in_scope"},
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

NOT_RETRIEVED = ("a report that was not retrieved cannot be assessed: leave its criteria "
                 "empty")


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion of the protocol (a row of ``criteria.csv``)."""

    code: str
    label: str
    description: str
    reason_no: str
    reason_unclear: str
    line: int


@dataclass(frozen=True)
class Judgement:
    """The outcome a row's coded criteria give.

    Attributes
    ----------
    outcome : str
        ``meets``, ``fails`` or ``unclear``.
    criterion : str
        The criterion that decided (``""`` when every criterion is met).
    reason : str
        Its ``reason_no`` (fails) or ``reason_unclear`` (unclear); ``""`` otherwise.
    """

    outcome: str
    criterion: str
    reason: str

    def decision(self, stage: str) -> str:
        """The decision (or audit verdict) this outcome means at ``stage``."""
        return OUTCOMES[stage][self.outcome]


def judge(values: dict[str, str], criteria: list[Criterion]) -> Judgement:
    """Derive the outcome from one row's judgements (criteria in protocol order).

    Examples
    --------
    >>> cs = [Criterion("period", "", "", "wrong_period", "", 2),
    ...       Criterion("asia", "", "", "not_asia", "asia_unclear", 3),
    ...       Criterion("drivers", "", "", "no_driver", "drivers_unclear", 4)]
    >>> judge({"period": "yes", "asia": "unclear", "drivers": "no"}, cs)
    Judgement(outcome='fails', criterion='drivers', reason='no_driver')
    >>> judge({"period": "yes", "asia": "unclear", "drivers": "yes"}, cs)
    Judgement(outcome='unclear', criterion='asia', reason='asia_unclear')
    >>> judge({"period": "yes", "asia": "yes", "drivers": "yes"}, cs).outcome
    'meets'
    """
    for c in criteria:
        if values.get(c.code) == "no":
            return Judgement(FAILS, c.code, c.reason_no)
    for c in criteria:
        if values.get(c.code) == "unclear":
            return Judgement(UNCLEAR, c.code, c.reason_unclear)
    return Judgement(MEETS, "", "")


def value_problems(values: dict[str, str], criteria: list[Criterion]) -> list[tuple[str, str]]:
    """(criterion, message) for each judgement that is not allowed, in protocol order.

    A judgement is ``yes``, ``no`` or ``unclear``; it may be left empty only after a
    criterion coded ``no`` (the record fails already, later criteria cannot change that).

    Examples
    --------
    >>> cs = [Criterion("period", "", "", "wrong_period", "", 2),
    ...       Criterion("asia", "", "", "not_asia", "", 3)]
    >>> value_problems({"period": "no", "asia": ""}, cs)
    []
    >>> value_problems({"period": "", "asia": "perhaps"}, cs)      # doctest: +NORMALIZE_WHITESPACE
    [('period', "criterion 'period' is empty: code yes, no or unclear (a criterion may be
      left empty only after one coded no)"),
     ('asia', "criterion 'asia': 'perhaps' is not one of yes, no, unclear")]
    """
    out = []
    failed = False
    for c in criteria:
        v = values.get(c.code, "")
        if v == "":
            if not failed:
                out.append((c.code, f"criterion {c.code!r} is empty: code yes, no or unclear "
                                    "(a criterion may be left empty only after one coded no)"))
        elif v not in JUDGEMENTS:
            out.append((c.code, f"criterion {c.code!r}: {v!r} is not one of "
                                f"{', '.join(JUDGEMENTS)}"))
        failed = failed or v == "no"
    return out


def normalise(value: str) -> str:
    """A judgement as written in a cell, made comparable (``" Yes "`` -> ``"yes"``)."""
    return value.strip().lower()


def read_criteria(path: str | os.PathLike,
                  reason_codes: set[str] | None = None) -> tuple[list[Criterion], list[Problem]]:
    """Read and check ``criteria.csv``.

    Parameters
    ----------
    path : str or path-like
        The file; a missing file gives no criteria and no problem (coded files then fail
        their own check).
    reason_codes : set of str, optional
        Every code of ``reasons.csv`` (any stage); when given, ``reason_no`` and
        ``reason_unclear`` must be among them.

    Returns
    -------
    (list of Criterion, list of Problem)
        The valid criteria in file order, and every problem at ``path:line:column``.
    """
    path_s = os.fspath(path)
    if not os.path.isfile(path_s):
        return [], []
    table = read_table(path_s, expected=CRITERIA_HEADER)
    problems = list(table.problems)
    if not table.header:
        return [], problems
    missing = [h for h in CRITERIA_HEADER if h not in table.header]
    if missing:
        problems.append(Problem(path_s, table.header_line or 1, None,
                                f"header must be {','.join(CRITERIA_HEADER)} (missing "
                                f"{', '.join(missing)})"))
        return [], problems
    col = table.column
    criteria: list[Criterion] = []
    seen: dict[str, int] = {}
    for row, line in zip(table.rows, table.lines):
        cells = {h: (row.get(h) or "").strip() for h in CRITERIA_HEADER}
        code = cells["criterion"]
        good = True
        if not _NAME.match(code):
            problems.append(Problem(path_s, line, col("criterion"),
                                    f"criterion {code!r} must be a lower-case name (letters, "
                                    "digits, _), used as a column of the coded files"))
            good = False
        elif code in RESERVED:
            problems.append(Problem(path_s, line, col("criterion"),
                                    f"criterion {code!r} is a reserved column name"))
            good = False
        elif code in seen:
            problems.append(Problem(path_s, line, col("criterion"),
                                    f"criterion {code!r} already declared on line {seen[code]}"))
            good = False
        seen.setdefault(code, line)
        if not cells["label"]:
            problems.append(Problem(path_s, line, col("label"), "label is empty"))
        if not cells["reason_no"]:
            problems.append(Problem(path_s, line, col("reason_no"),
                                    "reason_no is empty: a failed criterion needs the reason "
                                    "code it excludes with"))
            good = False
        for h in ("reason_no", "reason_unclear"):
            v = cells[h]
            if v and reason_codes is not None and v not in reason_codes:
                problems.append(Problem(path_s, line, col(h),
                                        f"{h} {v!r} is not a code of reasons.csv"))
        if good:
            criteria.append(Criterion(code, cells["label"], cells["description"],
                                      cells["reason_no"], cells["reason_unclear"], line))
    return criteria, problems


def coded_header(header: list[str], criteria: list[Criterion]) -> list[str]:
    """The header of the coded form of a file whose decision form is ``header``.

    ``decision``/``verdict`` and ``reason`` give way to the criteria, in protocol order.

    Examples
    --------
    >>> cs = [Criterion("period", "", "", "x", "", 2), Criterion("asia", "", "", "y", "", 3)]
    >>> coded_header(["record_id", "retrieved", "decision", "reason", "study_id", "note"], cs)
    ['record_id', 'retrieved', 'period', 'asia', 'study_id', 'note']
    """
    out: list[str] = []
    for h in header:
        if h in ("decision", "verdict"):
            out.extend(c.code for c in criteria)
        elif h != "reason":
            out.append(h)
    return out


def is_coded(file_header: list[str], criteria: list[Criterion]) -> bool:
    """Whether a file's header is the coded form: no decision/verdict column, and at least
    one declared criterion among its columns."""
    names = {h.strip().lower() for h in file_header}
    if names & {"decision", "verdict"}:
        return False
    return any(c.code in names for c in criteria)


def check_eligibility(root: str | os.PathLike = ".") -> list[Problem]:
    """Every problem of the protocol's criteria and of the coded files, without deduplicating.

    Parameters
    ----------
    root : str or path-like
        A workspace (holding ``screening/``) or a screening folder itself.

    Returns
    -------
    list of Problem
        ``criteria.csv`` problems (names, duplicates, reasons not in ``reasons.csv``) and,
        in every coded decision file and a coded ``previous_audit.csv``, missing criterion
        columns and judgements that are not allowed. Record ids and the rest of the
        screening rules are checked by :func:`reviewlib.screening.check_folder`.
    """
    from reviewlib.screening import layout as L

    base = Path(root)
    folder = base / "screening" if (base / "screening").is_dir() else base
    codes = None
    reasons = folder / L.REASONS_FILE
    if reasons.is_file():
        t = read_table(reasons, expected=L.REASONS_HEADER)
        codes = {(r.get("code") or "").strip() for r in t.rows}
    criteria, problems = read_criteria(folder / CRITERIA_FILE, codes)
    files = [(L.AUDIT_FILE, L.AUDIT_HEADER)] if (folder / L.AUDIT_FILE).is_file() else []
    for stage in L.STAGES:
        d = folder / stage
        if d.is_dir():
            files += [(f"{stage}/{p.name}", L.HEADERS[stage]) for p in sorted(d.glob("*.csv"))]
    for rel, header in files:
        path = folder / rel
        table = read_table(path)
        if not table.header or not is_coded(table.header, criteria):
            continue
        want = coded_header(header, criteria)
        missing = [h for h in want if h not in table.header]
        if missing:
            problems.append(Problem(str(path), table.header_line or 1, None,
                                    f"coded file without column(s) {', '.join(missing)}"))
            continue
        for row, line in zip(table.rows, table.lines):
            values = {c.code: normalise(row.get(c.code) or "") for c in criteria}
            if "retrieved" in header and (row.get("retrieved") or "").strip() == "no":
                coded = [c for c, v in values.items() if v]
                if coded:
                    problems.append(Problem(str(path), line, table.column(coded[0]),
                                            NOT_RETRIEVED))
                continue
            if "retrieved" in header and not any(values.values()):
                continue   # retrieved, not assessed yet
            for code, msg in value_problems(values, criteria):
                problems.append(Problem(str(path), line, table.column(code), msg))
    return problems


def criteria_summary(frame, criteria: list[Criterion]):
    """How a coded file's records were judged on each criterion.

    Parameters
    ----------
    frame : pandas.DataFrame
        A coded decision file or audit as loaded (one column per criterion and the deciding
        ``criterion``), e.g. ``folder.audit``.
    criteria : list of Criterion
        The protocol's criteria, in order (``folder.criteria``).

    Returns
    -------
    pandas.DataFrame
        One row per criterion, in protocol order: ``criterion``, ``label``, ``yes``, ``no``,
        ``unclear``, ``not_coded`` (left empty after an earlier ``no``) and ``decisive``
        (records whose outcome this criterion decided). Empty when the frame is not coded.

    Examples
    --------
    >>> import pandas as pd
    >>> cs = [Criterion("asia", "Asian setting", "", "not_asia", "asia_unclear", 2),
    ...       Criterion("drivers", "A driver", "", "no_driver", "", 3)]
    >>> f = pd.DataFrame({"asia": ["yes", "unclear", "no"], "drivers": ["no", "no", ""],
    ...                   "criterion": ["drivers", "drivers", "asia"]})
    >>> criteria_summary(f, cs).values.tolist()
    [['asia', 'Asian setting', 1, 1, 1, 0, 1], ['drivers', 'A driver', 0, 2, 0, 1, 2]]
    """
    import pandas as pd

    cols = ["criterion", "label", "yes", "no", "unclear", "not_coded", "decisive"]
    if frame is None or "criterion" not in frame.columns:
        return pd.DataFrame(columns=cols)
    if "valid" in frame.columns:
        frame = frame[frame["valid"]]
    out = []
    for c in criteria:
        v = frame[c.code]
        out.append((c.code, c.label, int((v == "yes").sum()), int((v == "no").sum()),
                    int((v == "unclear").sum()), int((v == "").sum()),
                    int((frame["criterion"] == c.code).sum())))
    return pd.DataFrame(out, columns=cols)
