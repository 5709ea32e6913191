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

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from reviewlib.records.title import _ASCII_FOLD, _LOST_LETTER, DROP_COMBINING
from reviewlib.records.title import _LATEX_FAST as _LATEX

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


def _given_family(token: str) -> bool:
    """Whether ``token`` reads as one whole name in "Given [Middle] Family" order: two to four
    words, the first capitalised and not a particle, the last not initials or a suffix
    ("Mathias Weske", "M. Seetha Lakshmi", "Sebastiaan H. von Solms"; not "Weske",
    "Weske M.", "van Dijk")."""
    words = token.split()
    if len(words) < 2 or words[0].casefold() in PARTICLES or words[-1].casefold() in SUFFIXES:
        return False
    if is_initials(words[-1]) or _family_initials(token) is not None:
        return False
    # later words may start in lower case: particles ("von Solms", "d'Onofrio") and names
    # whose first letter a conversion dropped ("Z. Meral zsoyoglu" for Özsoyoglu)
    return words[0][:1].isupper() and len(words) <= 4


def _from_commas(tokens: list[str], listed: bool, alone: bool = False) -> list[Author]:
    """Authors from the comma-separated tokens of one list item (``alone``: the item is the
    whole author field, not one of several names separated by "and" or ";")."""
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
    if n == 2 and alone and _given_family(tokens[0]) and _given_family(tokens[1]):
        # "Gottfried Vossen, Mathias Weske": two names in given-family order (computer-science
        # libraries), not "Family, Given". A single author with a two-word family name and two
        # given names written "Family, Given" reads the same way and is split (rare; the
        # order-free comparison of family names limits the harm).
        return [_single(t) for t in tokens]
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
        authors.extend(_from_commas([t.strip() for t in tokens], listed, len(items) == 1))
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


# -- family-name key ----------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")
#: Stands for a letter lost in a character-set conversion ("Kr?ger" -> "kr0ger"); a family
#: name holds no digits otherwise, so :func:`family_names_match` can treat it as a wildcard.
LOST_LETTER_MARK = "0"

#: A segment that holds only initials: "R E", "D.W.", "M. K.", "A.-K.", "Th".
_INITIALS = re.compile(r"(?:[A-Z][a-z]?\.?\s*-?\s*){1,4}")
_VANCOUVER = re.compile(r"^[^\s]+ [A-Z]{1,3}$")
_GIVEN_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_PEOPLE_SPLIT = re.compile(r"\s*(?:\band\b|&|;)\s*")
#: Generational suffixes written after the family name ("Wright Jr., T C").
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_ET_AL = {"others", "et al", "et al.", "etal"}
#: A name particle that is not the family name itself (van der Berg -> berg).
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "la", "le", "du",
              "dos", "das", "do", "ter", "ten", "bin", "ibn", "al", "el", "mc", "st"}


def _family(person: str) -> str:
    """Family-name key of one person written "Family, Given", "Given Family" or "Family GI"."""
    if "," in person:
        family = person.split(",", 1)[0]
    else:
        tokens = [t for t in person.split() if t.lower().strip(".") not in _SUFFIXES] or person.split()
        if len(tokens) > 1 and _GIVEN_INITIALS.fullmatch(tokens[-1]):
            while len(tokens) > 1 and _GIVEN_INITIALS.fullmatch(tokens[-1]):
                tokens = tokens[:-1]                  # "Zuna RE", "Kibler E.", "Fahlman S. E."
            family = " ".join(tokens)
        else:
            family = tokens[-1] if tokens else ""     # "R. E. Zuna", "Carla E. Brodley"
    words = family.lower().replace("-", "").replace("'", "").replace(".", " ").split()
    words = [w for w in words if w not in _PARTICLES and w not in _SUFFIXES] or words
    return _NON_WORD.sub("", words[-1]) if words else ""


def _plain(text: str) -> str:
    """Accents, LaTeX accent commands, braces, HTML entities and lost letters removed; case
    and punctuation kept."""
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if "\\" in text or "{" in text:
        text = _LATEX.sub("", text)
    if "?" in text or "\ufffd" in text:
        text = _LOST_LETTER.sub(LOST_LETTER_MARK, text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(DROP_COMBINING).translate(_ASCII_FOLD)
    return text


def family_key(author: str) -> str:
    """Space-joined family-name keys of an author list, in order.

    Reads BibTeX ("Zuna, R E and Wang, S S"), citation styles ("Aha, D.W., Kibler, D. and
    Albert, M.K."; "C. E. Brodley & P. E. Utgoff") and Vancouver ("Zuna RE, Wang SS").
    The one family-name key of the package (deduplication compares author lists with it);
    :func:`parse_authors` parses names fully for display, and its family names give the same
    key. Several times faster than a full parse, which matters for a million records.

    Examples
    --------
    >>> family_key("Aha, D.W., Kibler, D. and Albert, M.K.")
    'aha kibler albert'
    """
    return _family_key(author, {}, {})


def family_keys(authors: Iterable[str]) -> list[str]:
    """:func:`family_key` of each author list. A name that recurs (the same person on many
    records, the same spelling in many lists) is parsed once.

    Examples
    --------
    >>> family_keys(["Zuna RE, Wang SS", "Wang, S S and Zuna, R E"])
    ['zuna wang', 'wang zuna']
    """
    pieces: dict[str, tuple[str, ...]] = {}
    segments: dict[str, tuple[str, bool]] = {}
    return [_family_key(a, pieces, segments) for a in authors]


def _segment(seg: str, memo: dict[str, tuple[str, bool]]) -> tuple[str, bool]:
    """Family-name key of one comma-separated segment and whether it holds only initials."""
    known = memo.get(seg)
    if known is None:
        known = memo[seg] = (_family(seg), _INITIALS.fullmatch(seg) is not None)
    return known


def _family_key(author: str, pieces: dict[str, tuple[str, ...]], segments: dict[str, tuple[str, bool]]) -> str:
    a = _plain(author.strip())
    if not a:
        return ""
    out: list[str] = []
    split = _PEOPLE_SPLIT.split(a)
    alone = len(split) == 1
    for piece in split:
        memo = ("\0" + piece) if alone else piece
        known = pieces.get(memo)
        if known is None:
            known = pieces[memo] = _piece_keys(piece, segments, alone)
        out.extend(known)
    return " ".join(x for x in out if x)


def _piece_keys(piece: str, memo: dict[str, tuple[str, bool]], alone: bool = False) -> tuple[str, ...]:
    """Family-name keys of one piece of an author list (between "and", "&" or ";"; ``alone``:
    the piece is the whole list)."""
    segs = [x.strip(" .:") for x in piece.split(",")]
    segs = [x for x in segs if x and x.lower() not in _ET_AL]
    if not segs:
        return ()
    if len(segs) == 2 and alone and _given_family(segs[0]) and _given_family(segs[1]):
        return (_segment(segs[0], memo)[0], _segment(segs[1], memo)[0])   # see _from_commas
    if len(segs) == 2 and not _VANCOUVER.match(segs[0]):
        return (_segment(segs[0], memo)[0],)          # "Family, Given"
    out = []
    expect_name = True                                # walk: name [initials] name [initials] ...
    for seg in segs:
        family, initials = _segment(seg, memo)
        if not expect_name and initials:
            expect_name = True
            continue
        out.append(family)
        expect_name = False
    return tuple(out)


def family_names_match(a: str, b: str) -> bool:
    """Whether two family-name keys are equal, a lost letter (:data:`LOST_LETTER_MARK`)
    standing for one or two letters ("kr0ger" matches "kroger"; "m0ller" matches "mueller")."""
    if a == b:
        return True
    if LOST_LETTER_MARK not in a and LOST_LETTER_MARK not in b:
        return False
    if LOST_LETTER_MARK in b and LOST_LETTER_MARK not in a:
        a, b = b, a
    pattern = "".join("[a-z]{1,2}" if ch == LOST_LETTER_MARK else re.escape(ch) for ch in a)
    return re.fullmatch(pattern, b) is not None
