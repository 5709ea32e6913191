"""Author lists: parse the ways exports write them, format them the BibTeX way.

Recognised spellings of one name: ``"Family, G."``, ``"Family, Given Middle"``,
``"G. Family"``, ``"Family G"`` (Scopus, Web of Science), ``"Given Family"``, names with
particles (``"van der Berg, J."``, ``"Ludwig van Beethoven"``), BibTeX's
``"von Last, Jr, First"`` and corporate authors in braces (``"{World Health Organization}"``).
Lists may be joined by `` and `` (BibTeX), ``;`` (Scopus, Web of Science), ``&`` or by commas
as APA reference lists do (``"Al Omoush, K., Lassala, C., & Ribeiro-Navarrete, S."``).

The BibTeX conventions follow Patashnik (1988), *BibTeXing*, section 4 ("author" field) and
Markey (2007), *Tame the BeaST*, section 11.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Lower-case name particles that belong to the family name ("van Gogh", "de la Cruz").
PARTICLES = frozenset({
    "van", "von", "de", "der", "den", "del", "della", "di", "da", "dos", "das", "du", "la",
    "le", "ten", "ter", "zu", "af", "al", "el", "bin", "binti", "y",
})
#: Generational suffixes (BibTeX's "Jr" part).
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
#: Most initials one person is given in the exports we have seen ("Wardhana, E. T. D. R. W."
#: has five); written without dots one fewer is accepted, so that an all-capital family name
#: of six letters is not taken for initials.
MAX_INITIALS = 6
#: Values that mean "no author" (Scopus writes the first when a record has none).
NO_AUTHOR = frozenset({"", "[no author name available]", "anonymous", "anon.", "n/a"})
#: What BibTeX writes for "and further authors".
OTHERS = "others"


@dataclass(frozen=True)
class Author:
    """One author: family name, given names (or initials) and an optional suffix.

    A corporate author has the whole name in ``family`` and empty ``given``.
    """

    family: str
    given: str = ""
    suffix: str = ""

    @property
    def initials(self) -> str:
        """Initials of the given names without dots or spaces (``"Tri Ayu"`` -> ``"TA"``)."""
        return "".join(w[0] for w in re.split(r"[\s.\-]+", self.given) if w).upper()

    def __str__(self) -> str:
        return format_authors([self])


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``text`` on ``pattern`` only outside braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = pattern.match(text, i)
            if m and m.end() > i:
                parts.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


_LIST_SEP = re.compile(r"\s+and\s+|\s*;\s*|\s*&\s*|\s*\n\s*", re.IGNORECASE)
_COMMA = re.compile(r"\s*,\s*")


def is_initials(token: str) -> bool:
    """True for initials such as ``"K."``, ``"T. A."``, ``"J.-P."``, ``"NM"``.

    Examples
    --------
    >>> [is_initials(t) for t in ["K.", "T. A.", "J.-P.", "NM", "Nur", "Yudha"]]
    [True, True, True, True, False, False]
    """
    t = token.strip()
    if not t:
        return False
    letters = re.sub(r"[.\-\s\u2010]", "", t)
    if not letters or not letters.isalpha():
        return False
    if "." in t:
        if len(letters) > MAX_INITIALS:
            return False
        # "K.", "T. A.", "Ch." (a two-letter initial as some languages write it)
        return all(len(w) <= 2 and w[0].isupper() for w in re.split(r"[.\-\s]+", t) if w)
    return letters.isupper() and len(letters) <= MAX_INITIALS - 1


def _family_initials(token: str) -> Author | None:
    """``"Chen N."`` / ``"Molina-Sanchez R."`` / ``"Family GF"`` -> Author, else None."""
    words = token.split()
    if len(words) < 2:
        return None
    k = len(words)
    while k > 1 and is_initials(words[k - 1]):
        k -= 1
    if k == len(words) or k == 0:
        return None
    if any(is_initials(w) for w in words[:k]):
        return None
    return Author(" ".join(words[:k]), " ".join(words[k:]))


def _single(token: str) -> Author:
    """One name written without a comma."""
    token = token.strip().rstrip(",").strip()
    if token.startswith("{") and token.endswith("}"):
        return Author(token[1:-1].strip())
    words = token.split()
    if len(words) <= 1:
        # A reference list's final full stop is not part of a one-word name ("Nur.").
        return Author(token[:-1] if token.endswith(".") and len(token) > 3 else token)
    fi = _family_initials(token)
    if fi is not None:
        return fi
    # "Given [von] Family" (BibTeX's "First von Last"; also "G. F. Djayapranata"): the family
    # name is the last word plus any lower-case particles just before it.
    j = len(words) - 1
    while j > 0 and words[j - 1].islower() and words[j - 1] in PARTICLES:
        j -= 1
    return Author(" ".join(words[j:]), " ".join(words[:j]))


def _from_commas(tokens: list[str], listed: bool) -> list[Author]:
    """Authors from the comma-separated tokens of one list item."""
    n = len(tokens)
    if n == 1:
        return [_single(tokens[0])]
    if all(_family_initials(t) is not None for t in tokens):
        return [_family_initials(t) for t in tokens]  # type: ignore[misc]
    if any(is_initials(t) for t in tokens[1:]):
        out: list[Author] = []
        i = 0
        while i < n:
            current = tokens[i]
            # A bare one-letter family name ("P, I.") pairs too; dotted initials do not.
            dotted = is_initials(current) and "." in current
            if i + 1 < n and is_initials(tokens[i + 1]) and not dotted:
                out.append(Author(tokens[i], tokens[i + 1]))
                i += 2
            else:
                out.append(_single(tokens[i]))
                i += 1
        return out
    if n == 2 and not listed:
        return [Author(tokens[0], tokens[1])]
    if n == 3 and tokens[1].lower() in SUFFIXES:
        return [Author(tokens[0], tokens[2], tokens[1])]
    return [_single(t) for t in tokens]


def parse_authors(value: str | list[str] | None) -> list[Author]:
    """Parse an author list as databases and reference managers export it.

    Parameters
    ----------
    value : str, list of str or None
        One string holding the whole list, or one string per author (as RIS ``AU`` lines).

    Returns
    -------
    list of Author
        In the order given. ``"et al."`` and BibTeX's ``and others`` give a final
        ``Author("others")``.

    Examples
    --------
    >>> parse_authors("Fauzi, A. A. and Sheng, M. L.")
    [Author(family='Fauzi', given='A. A.', suffix=''), Author(family='Sheng', given='M. L.', suffix='')]
    >>> [a.family for a in parse_authors("Chen N.; Yang Y.")]
    ['Chen', 'Yang']
    >>> [a.family for a in parse_authors("Al Omoush, K., Lassala, C., & Ribeiro-Navarrete, S.")]
    ['Al Omoush', 'Lassala', 'Ribeiro-Navarrete']
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out: list[Author] = []
        for item in value:
            out.extend(parse_authors(item))
        return out
    text = re.sub(r"\s+", " ", str(value)).strip()
    if text.casefold() in NO_AUTHOR:
        return []
    others = False
    m = re.search(r"[,;\s]*\bet\s+al\.?\s*$", text, re.IGNORECASE)
    if m:
        others, text = True, text[: m.start()]
    # A reference list ends the author list with a full stop ("... & Okta karneli."); it is
    # not part of the last name unless that name ends in an initial ("Sheng, M. L.").
    last = re.search(r"(\S+)\.$", text)
    if last and len(last.group(1).strip("(){}")) > 2 and not is_initials(last.group(0)):
        text = text[:-1]
    items = _split_top(text, _LIST_SEP)
    authors: list[Author] = []
    for item in items:
        item = item.strip()
        listed = item.endswith(",") or len(items) > 1 and item.count(",") > 1
        item = item.strip(",").strip()
        if not item:
            continue
        if item.lower() == OTHERS:
            others = True
            continue
        tokens = [t for t in _split_top(item, _COMMA) if t.strip()]
        authors.extend(_from_commas([t.strip() for t in tokens], listed))
    if others:
        authors.append(Author(OTHERS))
    return authors


def format_authors(authors: list[Author]) -> str:
    """The BibTeX form of an author list: ``"Family, Given and Family, Given"``.

    Corporate names (several words, no given name) are braced so BibTeX keeps them whole.

    Examples
    --------
    >>> format_authors(parse_authors("Chen N.; Yang Y.; {World Health Organization}"))
    'Chen, N. and Yang, Y. and {World Health Organization}'
    """
    parts = []
    for a in authors:
        if a.family == OTHERS and not a.given:
            parts.append(OTHERS)
        elif not a.given:
            parts.append("{" + a.family + "}" if " " in a.family or "," in a.family else a.family)
        elif a.suffix:
            parts.append(f"{a.family}, {a.suffix}, {a.given}")
        else:
            parts.append(f"{a.family}, {a.given}")
    return " and ".join(parts)


def normalize_authors(value: str | list[str] | None) -> str:
    """Parse and re-format an author list in one step (``""`` when there are none).

    Examples
    --------
    >>> normalize_authors(["Hung, K.", "Tse, D. K.", "Chan, T. H."])
    'Hung, K. and Tse, D. K. and Chan, T. H.'
    """
    return format_authors(parse_authors(value))
