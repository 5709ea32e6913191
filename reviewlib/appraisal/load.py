"""Read and check an appraisal folder: the tools, each appraiser's file, the consensus.

Layout (all UTF-8 CSV; the same tolerant reading and strict checking as the screening
files)::

    appraisal/
      tools.csv          the instruments (reviewlib.appraisal.tools)
      <reviewer>.csv     one appraiser's answers
      consensus.csv      the answers the appraisers agreed on (optional)

Every answer file has the header ``study_id,tool,category,item,answer,note``, one row per
study, tool and item. ``study_id`` must be a study of the extraction data
(``extraction/studies.csv``). ``category`` is the study's category in the tool (MMAT:
``qualitative``, ``nonrandomized``, ...) and is the same on every row of one study and
tool; it stays empty for a tool without categories. An empty ``answer`` is an item not
answered yet (counted as remaining, never as an answer); a row that is *absent* is an error,
so a study once started lists every item its tool and category require. Items after a
screening (gate) question answered other than favourably may be left out. ``consensus.csv``
holds only the items the appraisers settled (any subset); it is checked row by row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from reviewlib.errors import InputError, Problem
from reviewlib.appraisal.tools import Tool, read_tools
from reviewlib.io import read_table
from reviewlib.screening.folder import _frame, _read

HEADER = ["study_id", "tool", "category", "item", "answer", "note"]
TOOLS_FILE = "tools.csv"
CONSENSUS = "consensus"
#: File names in the folder that are not an appraiser's answers.
RESERVED = {TOOLS_FILE, CONSENSUS + ".csv", "excluded.csv"}
_COL = {h: i + 1 for i, h in enumerate(HEADER)}


@dataclass
class AnswerFile:
    """One appraiser's file (or the consensus file), checked.

    ``frame`` holds the rows as strings with ``line`` and ``valid`` (False when the row has a
    problem; such rows are kept for messages but left out of every computation).
    """

    reviewer: str
    path: str
    frame: pd.DataFrame

    @property
    def is_consensus(self) -> bool:
        return self.reviewer == CONSENSUS


@dataclass
class AppraisalFolder:
    """Everything in an appraisal folder, read and checked (see the module docstring)."""

    root: str
    studies_path: str = ""
    tools: dict[str, Tool] = field(default_factory=dict)
    studies: list[str] = field(default_factory=list)
    included: set[str] = field(default_factory=set)
    files: list[AnswerFile] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def path(self, *parts: str) -> str:
        """A path inside the folder, as shown in messages."""
        return os.path.join(self.root, *parts)

    @property
    def reviewers(self) -> list[str]:
        return [f.reviewer for f in self.files if not f.is_consensus]

    @property
    def consensus(self) -> AnswerFile | None:
        return next((f for f in self.files if f.is_consensus), None)

    def rows(self, *, consensus: bool | None = None) -> pd.DataFrame:
        """Valid rows of every file in long form with ``reviewer`` and ``path``."""
        parts = []
        for f in self.files:
            if consensus is not None and f.is_consensus != consensus:
                continue
            part = f.frame[f.frame["valid"]].copy()
            part.insert(0, "reviewer", f.reviewer)
            part["path"] = f.path
            parts.append(part)
        if not parts:
            return pd.DataFrame(columns=["reviewer", *HEADER, "line", "valid", "path"], dtype=str)
        return pd.concat(parts, ignore_index=True)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _read_studies(folder: AppraisalFolder) -> None:
    path = folder.studies_path
    try:
        table = read_table(path, expected=["study_id"])
    except InputError as e:
        folder.problems.extend(e.problems)
        return
    try:
        sid = table.keys[table.column("study_id") - 1]
    except KeyError:
        folder.problems.append(Problem(path, table.header_line or 1, None,
                                       "no study_id column: the appraisal needs the list of "
                                       "studies"))
        return
    inc = None
    if "included" in table.header:
        inc = table.keys[table.column("included") - 1]
    for row in table.rows:
        s = row.get(sid, "").strip()
        if s:
            folder.studies.append(s)
            if inc is None or row.get(inc, "").strip().lower() == "yes":
                folder.included.add(s)


def _check_file(folder: AppraisalFolder, f: AnswerFile) -> None:
    """Row-level checks of one answer file; marks bad rows ``valid=False``."""
    known = set(folder.studies)
    frame = f.frame
    valid = []
    seen: dict[tuple[str, str, str], int] = {}
    category_of: dict[tuple[str, str], tuple[str, int]] = {}

    def err(line, column, message):
        folder.problems.append(Problem(f.path, int(line), column, message))

    for r in frame.itertuples(index=False):
        ok = not r.ragged
        if not ok:
            valid.append(False)
            continue
        if not r.study_id:
            err(r.line, _COL["study_id"], "study_id is empty")
            ok = False
        elif folder.studies and r.study_id not in known:
            err(r.line, _COL["study_id"],
                f"unknown study {r.study_id!r}: not a study_id of {folder.studies_path}")
            ok = False
        tool = folder.tools.get(r.tool)
        if tool is None:
            what = "tool is empty" if not r.tool else f"unknown tool {r.tool!r}"
            err(r.line, _COL["tool"], f"{what}; {os.path.join(folder.root, TOOLS_FILE)} "
                                      f"defines {', '.join(sorted(folder.tools)) or 'none'}")
            valid.append(False)
            continue
        cats = tool.categories
        if cats and r.category not in cats:
            what = "category is empty" if not r.category else f"unknown category {r.category!r}"
            err(r.line, _COL["category"], f"{what} for {tool.name}; one of {', '.join(cats)}")
            ok = False
        elif not cats and r.category:
            err(r.line, _COL["category"],
                f"{tool.name} has no categories: leave category empty, not {r.category!r}")
            ok = False
        item = tool.item(r.item)
        if item is None:
            err(r.line, _COL["item"], f"unknown item {r.item!r} of {tool.name}")
            ok = False
        elif ok and item.category not in ("", r.category):
            err(r.line, _COL["item"], f"item {r.item} of {tool.name} belongs to category "
                                      f"{item.category}, not {r.category}")
            ok = False
        if item is not None and r.answer and item.match(r.answer) is None:
            err(r.line, _COL["answer"], f"answer {r.answer!r} is not allowed for {tool.name} "
                                        f"{r.item}; one of {'; '.join(item.answers)}")
            ok = False
        key = (r.study_id, r.tool, r.item)
        if ok and key in seen:
            err(r.line, _COL["item"], f"{r.study_id} {r.tool} {r.item} is already answered on "
                                      f"line {seen[key]}")
            ok = False
        if ok and cats:
            first = category_of.setdefault((r.study_id, r.tool), (r.category, r.line))
            if first[0] != r.category:
                err(r.line, _COL["category"],
                    f"{r.study_id} is appraised as {first[0]} with {r.tool} on line "
                    f"{first[1]}, here as {r.category}: one category per study and tool")
                ok = False
        if ok:
            seen[key] = r.line
        valid.append(ok)
    frame["valid"] = valid
    # answers written with another case or spacing are stored as the tool spells them
    for i in frame.index[frame["valid"]]:
        item = folder.tools[frame.at[i, "tool"]].item(frame.at[i, "item"])
        if frame.at[i, "answer"]:
            frame.at[i, "answer"] = item.match(frame.at[i, "answer"])
    if not f.is_consensus:   # the consensus file holds the settled items only
        _check_complete(folder, f)


def _check_complete(folder: AppraisalFolder, f: AnswerFile) -> None:
    """Every study started with a tool lists every item its category requires."""
    frame = f.frame[f.frame["valid"]]
    # items written on rows with another problem count as present: one message per problem
    written = f.frame[~f.frame["ragged"]].groupby(["study_id", "tool"])["item"].agg(set)
    for (study, tool_name), rows in frame.groupby(["study_id", "tool"], sort=False):
        tool = folder.tools[tool_name]
        category = rows["category"].iloc[0]
        given = dict(zip(rows["item"], rows["answer"]))
        present = written.get((study, tool_name), set())
        required = tool.items_for(category)
        gated = any(it.gate and given.get(it.item) and given[it.item] != it.answers[0]
                    for it in required)
        missing = [it.item for it in required if it.item not in present
                   and not (gated and not it.gate)]
        if missing:
            where = f"{category} " if category else ""
            folder.problems.append(Problem(
                f.path, int(rows["line"].min()), _COL["item"],
                f"{study}: items missing for {tool_name} {where}study: {', '.join(missing)} "
                "(add a row for each, with an empty answer if not answered yet)"))


def load_folder(root: str | os.PathLike = "appraisal", *,
                studies: str | os.PathLike | None = None) -> AppraisalFolder:
    """Read an appraisal folder and check every file; never writes, never raises for content.

    Parameters
    ----------
    root : str or path-like, default ``"appraisal"``
    studies : str or path-like, optional
        The list of studies (a CSV with a ``study_id`` column). Default:
        ``extraction/studies.csv`` next to the folder.

    Returns
    -------
    AppraisalFolder
        With ``problems`` sorted by file, line and column (empty when clean).
    """
    root = str(root)
    if studies is None:
        studies = os.path.join(os.path.dirname(os.path.normpath(root)) or ".",
                               "extraction", "studies.csv")
    folder = AppraisalFolder(root=root, studies_path=str(studies))
    if not os.path.isdir(root):
        folder.problems.append(Problem(root, None, None, "no such folder"))
        return folder
    tools_path = folder.path(TOOLS_FILE)
    if not os.path.isfile(tools_path):
        folder.problems.append(Problem(tools_path, None, None,
                                       "missing: the folder needs the instruments it uses"))
    else:
        folder.tools, problems, notes = read_tools(tools_path)
        folder.problems.extend(problems)
        folder.notes.extend(notes)
    _read_studies(folder)
    names = sorted(n for n in os.listdir(root)
                   if n.lower().endswith(".csv") and n not in RESERVED and not n.startswith("."))
    if os.path.isfile(folder.path(CONSENSUS + ".csv")):
        names.append(CONSENSUS + ".csv")
    for name in names:
        table = _read(folder, name, HEADER)
        if table is None:
            continue
        f = AnswerFile(name[:-4], folder.path(name), _frame(table, HEADER))
        f.frame["valid"] = True
        folder.files.append(f)
        if folder.tools:
            _check_file(folder, f)
        else:
            f.frame["valid"] = False
    folder.problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0))
    return folder
