"""Appraisal instruments as data: ``tools.csv``, one row per item.

Columns (header exactly as below)::

    tool,category,item,domain,wording,answers,ordered,gate

``tool``
    Short identifier of the instrument (``mmat2018``, ``jbi_cross_sectional``).
``category``
    The kind of study the item applies to (MMAT: ``qualitative``, ``randomized``,
    ``nonrandomized``, ``descriptive``, ``mixed``). Empty: the item applies to every study
    appraised with the tool, whatever its category (MMAT's screening questions, or every item
    of a single-category checklist such as JBI's).
``item``
    Item code, unique within the tool (``S1``, ``3.4``, ``D2``).
``domain``
    Optional grouping shown in plots (RoB 2's domains; ``screening`` for MMAT's S1 and S2).
``wording``
    The question in the team's own words.
``answers``
    Allowed answers, ``;``-separated. The first answer is the favourable one (the criterion
    is met, or low risk of bias); for ``ordered`` tools they run from best to worst.
``ordered``
    ``yes`` when the answers are ordinal (Low < Some concerns < High): agreement is then a
    linearly weighted kappa. ``no`` (or empty) for nominal answers.
``gate``
    ``yes`` for a screening question: when it is not answered with the favourable answer the
    category's items may be left out (MMAT 2018 advises that further appraisal may not be
    feasible then).

A team adds an instrument by adding rows; no code changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewlib.errors import Problem
from reviewlib.io import read_table

TOOLS_HEADER = ["tool", "category", "item", "domain", "wording", "answers", "ordered", "gate"]

_FLAGS = {"": False, "no": False, "yes": True}


@dataclass(frozen=True)
class Item:
    """One question of an instrument (one row of ``tools.csv``)."""

    tool: str
    category: str
    item: str
    domain: str
    wording: str
    answers: tuple[str, ...]
    ordered: bool
    gate: bool
    line: int = 0

    def match(self, answer: str) -> str | None:
        """The allowed answer equal to ``answer`` ignoring case and surrounding spaces."""
        key = " ".join(answer.split()).casefold()
        for a in self.answers:
            if a.casefold() == key:
                return a
        return None


@dataclass
class Tool:
    """An instrument: its items in file order, grouped by category."""

    name: str
    items: list[Item] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        """Named categories in file order (empty list for a single-category checklist)."""
        out: list[str] = []
        for it in self.items:
            if it.category and it.category not in out:
                out.append(it.category)
        return out

    @property
    def ordered(self) -> bool:
        return bool(self.items) and all(it.ordered for it in self.items)

    def item(self, code: str) -> Item | None:
        return next((it for it in self.items if it.item == code), None)

    def items_for(self, category: str) -> list[Item]:
        """The items a study of ``category`` is appraised on: common ones, then its own."""
        return [it for it in self.items if it.category in ("", category)]

    def answers(self) -> tuple[str, ...]:
        """Every answer any item allows, in first-seen order."""
        out: list[str] = []
        for it in self.items:
            out.extend(a for a in it.answers if a not in out)
        return tuple(out)


def read_tools(path: str) -> tuple[dict[str, Tool], list[Problem], list[Problem]]:
    """Read and check ``tools.csv``.

    Returns
    -------
    (dict of str to Tool, list of Problem, list of Problem)
        The tools by name (rows with problems left out), the errors
        (``path:line:column``) and the accepted quirks (notes).

    Examples
    --------
    >>> tools, problems, notes = read_tools("appraisal/tools.csv")  # doctest: +SKIP
    >>> [it.item for it in tools["mmat2018"].items_for("qualitative")]  # doctest: +SKIP
    ['S1', 'S2', '1.1', '1.2', '1.3', '1.4', '1.5']
    """
    from reviewlib.errors import InputError

    try:
        table = read_table(path, expected=TOOLS_HEADER)
    except InputError as e:
        return {}, list(e.problems), []
    problems = list(table.problems)
    if table.header != TOOLS_HEADER:
        problems.append(Problem(path, table.header_line or 1, 1,
                                f"header must be exactly {','.join(TOOLS_HEADER)}"))
        return {}, problems, list(table.notes)
    col = {h: i + 1 for i, h in enumerate(TOOLS_HEADER)}
    tools: dict[str, Tool] = {}
    seen: dict[tuple[str, str], int] = {}
    for row, line in zip(table.rows, table.lines):
        cell = {h: row.get(h, "").strip() for h in TOOLS_HEADER}
        bad = []
        for name in ("tool", "item", "wording", "answers"):
            if not cell[name]:
                bad.append(Problem(path, line, col[name], f"{name} is empty"))
        answers = tuple(" ".join(a.split()) for a in cell["answers"].split(";") if a.strip())
        if cell["answers"] and len(answers) < 2:
            bad.append(Problem(path, line, col["answers"],
                               "answers needs at least two answers separated by ';'"))
        folded = [a.casefold() for a in answers]
        if len(set(folded)) != len(folded):
            bad.append(Problem(path, line, col["answers"], "an answer is listed twice"))
        flags = {}
        for name in ("ordered", "gate"):
            value = cell[name].lower()
            if value not in _FLAGS:
                bad.append(Problem(path, line, col[name],
                                   f"{name} must be yes or no, not {cell[name]!r}"))
            flags[name] = _FLAGS.get(value, False)
        if flags["gate"] and cell["category"]:
            bad.append(Problem(path, line, col["gate"],
                               "a gate (screening) item must apply to every category: leave "
                               "its category empty"))
        key = (cell["tool"], cell["item"])
        if cell["tool"] and cell["item"] and key in seen:
            bad.append(Problem(path, line, col["item"],
                               f"item {cell['item']} of {cell['tool']} is already defined on "
                               f"line {seen[key]}"))
        if bad:
            problems.extend(bad)
            continue
        seen[key] = line
        tools.setdefault(cell["tool"], Tool(cell["tool"])).items.append(
            Item(cell["tool"], cell["category"], cell["item"], cell["domain"], cell["wording"],
                 answers, flags["ordered"], flags["gate"], line))
    return tools, problems, list(table.notes)
