"""A matching key for titles: markup, braces, accents, case and punctuation folded away.

The key is for comparing titles only; the record keeps its title as written. Folding removes
what differs between exports of the same work: BibTeX case-protecting braces and LaTeX
accent commands, HTML/MathML tags and entities from publisher feeds, diacritics, typographic
quotes and dashes, and case.
"""

from __future__ import annotations

import html
import re
import unicodedata

# LaTeX letters written as commands (\o, \ss, \ae ...), mapped to plain letters.
_LATEX_LETTERS = {
    "o": "o", "O": "o", "ss": "ss", "ae": "ae", "AE": "ae", "oe": "oe", "OE": "oe",
    "aa": "a", "AA": "a", "l": "l", "L": "l", "i": "i", "j": "j",
}
# Accent commands: \'e, \'{e}, {\"o}, \c{c}, \v{s} ... keep the letter, drop the accent.
_ACCENT = re.compile(r"\\([`'^\"~=.]|[uvHtcdbkr](?=[\s{]))\s*\{?\s*([A-Za-z])\s*\}?")
_LETTER_CMD = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*|\\.")
_TAG = re.compile(r"<[^<>]{0,200}>")
_NON_WORD = re.compile(r"[^\w]+")


def _fold_latex(text: str) -> str:
    text = _ACCENT.sub(lambda m: m.group(2), text)
    text = _LETTER_CMD.sub(lambda m: _LATEX_LETTERS[m.group(1)], text)
    text = text.replace("$", " ")
    text = _COMMAND.sub(" ", text)
    return text.replace("{", "").replace("}", "")


def strip_markup(text: str) -> str:
    """The text of a title without HTML tags/entities, LaTeX commands and braces.

    Case and accents are kept, so this is fit for display.

    Examples
    --------
    >>> strip_markup("{E}-Commerce and {\\\\'{e}}xport: <i>a</i> &amp; b")
    'E-Commerce and export: a & b'
    """
    text = _TAG.sub(" ", str(text))
    text = html.unescape(text)
    text = _fold_latex(text)
    return re.sub(r"\s+", " ", text).strip()


#: LaTeX accent commands and braces as found in BibTeX exports (M{\"u}ller, \'{e}): the fast path
#: of :func:`title_key` for values without letter commands.
_LATEX_FAST = re.compile(r"\\[`'\"^~=.]|\\(?:textit|textbf|emph|textsc|mathrm|it|bf|em)\b ?|[{}$]")
#: Letters that Unicode decomposition leaves unchanged but exports often spell in ASCII.
_ASCII_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
                             "ð": "d", "þ": "th", "ı": "i"})
#: A letter lost in a character-set conversion: "?" or U+FFFD between two letters
#: ("Kr?ger", "Universit\ufffdt"). It is dropped, so that the rest of the word stays one word.
_LOST_LETTER = re.compile(r"(?<=[^\W\d_])[?\ufffd]+(?=[^\W\d_])")
_FOLD_NON_WORD = re.compile(r"[\W_]+")


class _DropCombining(dict):
    """``str.translate`` table that deletes combining marks (``unicodedata.combining`` > 0)
    and keeps every other character. It learns each code point on first sight, so a text
    is filtered in C instead of one Python test per character."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


#: The one table of :class:`_DropCombining` (shared: it only grows, by identical entries).
DROP_COMBINING = _DropCombining()


def fold(text: str | None) -> str:
    """Lower-case ASCII words joined by single spaces: the one folding of titles and names.

    Removes what differs between exports of the same text: LaTeX accent commands and braces,
    HTML/XML tags and entities (``&amp;``, ``&#246;``, ``&ouml;``), diacritics, case,
    punctuation; ``&`` becomes "and"; a letter lost in a character-set conversion (``?`` or
    U+FFFD inside a word) is dropped. Used by :func:`title_key` and by every stage of
    :mod:`reviewlib.dedup` (titles, journal names, family names).

    Examples
    --------
    >>> fold("Søn & <i>Ökonomie</i>: Müller")
    'son and okonomie muller'
    >>> fold("Kr&#246;ger") == fold("Kröger") == "kroger"
    True
    """
    if not text:
        return ""
    text = str(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if "\\" in text:
        text = _fold_latex(text)
    elif "{" in text or "$" in text:
        text = _LATEX_FAST.sub("", text)
    if "?" in text or "\ufffd" in text:
        text = _LOST_LETTER.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(DROP_COMBINING)
    text = text.lower()
    if not text.isascii():
        text = text.translate(_ASCII_FOLD)
    if "&" in text:
        text = text.replace("&", " and ")
    return _FOLD_NON_WORD.sub(" ", text).strip()


def title_key(title: str | None) -> str:
    """A key under which two spellings of the same title compare equal (:func:`fold`).

    Parameters
    ----------
    title : str or None
        A title as exported (BibTeX braces, LaTeX, HTML and accents allowed).

    Returns
    -------
    str
        Lower-case ASCII-folded words joined by single spaces; ``""`` for no title.

    Examples
    --------
    >>> title_key("The Role of {Influencers} in Live Streaming E-Commerce: Influencer Trust")
    'the role of influencers in live streaming e commerce influencer trust'
    >>> title_key("Determining factors in MSMEs success: An empirical study in México")
    'determining factors in msmes success an empirical study in mexico'
    """
    return fold(title)
