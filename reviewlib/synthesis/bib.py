"""The keys of ``references.bib`` and short author-year labels for them.

Tables in the book show their sources as author-year labels linked to the bibliography
page, so the labels are built here from the BibTeX entries themselves rather than typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import bibtexparser
from docutils.nodes import make_id

from reviewlib.errors import InputError

#: Entry types that are not works (BibTeX's own directives).
_NOT_WORKS = {"comment", "string", "preamble"}

#: ``@type{key,`` at the start of an entry; the key ends at the first comma or space.
_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,")

#: The HTML anchor id sphinxcontrib-bibtex gives an entry on the bibliography page when the
#: book sets ``bibtex_cite_id: "cite-{key}"`` (see _config.yml).
CITE_ID_TEMPLATE = "cite-{key}"


@dataclass(frozen=True)
class BibEntry:
    """What the book needs of one BibTeX entry.

    Attributes
    ----------
    key : str
        The citation key.
    line : int
        The 1-based line of ``references.bib`` where the entry starts.
    authors : tuple of str
        Family names of the authors (or editors), in order; empty when none are given.
    year : str
        The ``year`` field, ``""`` when missing.
    suffix : str
        ``"a"``, ``"b"``, ... when several entries would otherwise get the same label
        (assigned in key order by :func:`read_bib`), else ``""``.
    support : reviewlib.synthesis.support.Support or None
        The review's verdict on the work, when known
        (:func:`~reviewlib.synthesis.review.load_bib` fills it); tables mark citations of
        works found out of scope or unclear.
    """

    key: str
    line: int
    authors: tuple[str, ...]
    year: str
    suffix: str = ""
    support: Any = None

    @property
    def label(self) -> str:
        """An author-year label: ``Chen & Yang 2023``, ``Hung et al. 2022``, ``Fathiya n.d.``."""
        names = self.authors
        if not names:
            who = self.key
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} & {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who} {self.year or 'n.d.'}{self.suffix}"

    @property
    def anchor(self) -> str:
        """The id of the entry's element on the bibliography page."""
        return make_id(CITE_ID_TEMPLATE.format(key=self.key))


def _family(name: str) -> str:
    """The family name of one BibTeX name (``Last, First`` or ``First Last`` or ``{Org}``)."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return name[1:-1].strip()
    if "," in name:
        family = name.split(",", 1)[0]
    else:
        parts = name.split()
        family = parts[-1] if parts else name
    return family.replace("{", "").replace("}", "").strip()


def read_bib(path: str | Path) -> dict[str, BibEntry]:
    """Read the entries of a BibTeX file, keyed by citation key.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.bib`` file.

    Returns
    -------
    dict of str to BibEntry
        Every entry, in file order.

    Raises
    ------
    InputError
        When the file is missing, or a key is defined twice (``path:line``), or the file has
        blocks bibtexparser cannot parse.

    Examples
    --------
    >>> entries = read_bib("references.bib")       # doctest: +SKIP
    >>> entries["fitriani2023social"].label        # doctest: +SKIP
    'Fitriani et al. 2023'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError.at(path, None, f"cannot read the bibliography: {e.strerror}") from e
    lines: dict[str, int] = {}
    problems = []
    for m in _ENTRY_HEAD.finditer(text):
        if m.group(1).lower() in _NOT_WORKS:
            continue
        key, line = m.group(2), text.count("\n", 0, m.start()) + 1
        if key in lines:
            problems.append(f"{path}:{line}: key {key!r} is defined twice (first on line "
                            f"{lines[key]})")
        else:
            lines[key] = line
    if problems:
        raise InputError.at(path, None, "; ".join(problems))
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise InputError.at(path, block.start_line + 1,
                            f"{len(library.failed_blocks)} BibTeX block(s) could not be parsed")
    entries: dict[str, BibEntry] = {}
    for e in library.entries:
        fields = {f.key.lower(): f.value for f in e.fields}
        people = fields.get("author") or fields.get("editor") or ""
        authors = tuple(_family(n) for n in re.split(r"\s+and\s+", str(people)) if n.strip())
        year = str(fields.get("year", "")).strip("{} ")
        entries[e.key] = BibEntry(e.key, lines.get(e.key, e.start_line + 1), authors, year)
    by_label: dict[str, list[str]] = {}
    for key, entry in entries.items():
        by_label.setdefault(entry.label, []).append(key)
    for keys in by_label.values():
        if len(keys) > 1:
            for i, key in enumerate(sorted(keys)):
                entries[key] = replace(entries[key], suffix="abcdefghijklmnopqrstuvwxyz"[i % 26])
    return entries
