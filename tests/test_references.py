"""Checks on ``references.bib``, the bibliography the book cites from.

The file is read with both BibTeX libraries the project depends on: bibtexparser 2 (the
one ``reviewlib.io`` uses) and pybtex (the one sphinxcontrib-bibtex uses when the book is
built with warnings as errors). Its entries, as frozen in ``tests/data/example/``, are
compared, field by field, with the text the documents print, kept in ``tests/data/references``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import bibtexparser
import pybtex.errors
import pytest
import yaml
from bibtexparser.model import Entry, ImplicitComment
from pybtex.database import BibliographyData, Person
from pybtex.database import parse_file as pybtex_parse_file
from pybtex.plugin import find_plugin
from pybtex.richtext import Text

ROOT = Path(__file__).resolve().parents[1]
#: The bibliography as frozen with the example's data (tests/data/example/README.md): these
#: tests compare it with the printed documents, so a reviewer's new entry in the live
#: references.bib (which `reviewlib check` and the book build check) never breaks them.
BIB = ROOT / "tests" / "data" / "example" / "references.bib"
BOOK_CONFIG = ROOT / "_config.yml"
DATA = Path(__file__).resolve().parent / "data" / "references"

GROUP_MARKER = re.compile(r"^%\s*group:\s*(\S+)\s*$", re.MULTILINE)
KEY_PATTERN = re.compile(r"^[a-z]+(?:\d{4}|nd)[a-z]+$")
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
PAGES_PATTERN = re.compile(r"^[A-Za-z0-9]+(?:--[A-Za-z0-9]+)?$")
# A character with a special meaning to LaTeX that is not preceded by a backslash.
UNESCAPED_SPECIAL = re.compile(r"(?<!\\)[&%#_$]")
# Fields whose values are identifiers, not text typeset by LaTeX.
IDENTIFIER_FIELDS = {"doi", "url"}

#: Words skipped when choosing the title word of a key: articles, prepositions,
#: conjunctions and the auxiliaries that open question titles ("Does ...", "Can ...").
KEY_STOPWORDS = {
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "and", "or", "with",
    "by", "toward", "towards", "does", "do", "is", "are", "can", "what", "how", "why",
}

#: Key suffix for an entry without a year ("no date").
NO_YEAR = "nd"

#: The five documents the workspace is built on: key -> (entry type, DOI or None).
#: Facts read off each document's first page (see tests/data/references/source_headers.md).
SOURCES = {
    "rizkita2026integrating": ("misc", None),
    "fitriani2023social": ("article", "10.1016/j.joitmc.2023.100171"),
    "suryawijaya2023tailoringa": ("misc", "10.20944/preprints202303.0245.v1"),
    "suryawijaya2023tailoringb": ("article", "10.38156/imka.v3i1.163"),
    "fathiyandexploration": ("misc", None),
}

#: Entries whose year the document does not give; each must say so in its note.
UNDATED = {"fathiyandexploration"}

#: Source fields the first page does not print, with the reason the entry still has them.
NOT_IN_HEADER = {
    ("fitriani2023social", "volume"): "accepted manuscript; the journal's 2023 volume",
}

#: Volume strings the printed list uses for "volume unknown"; the entries leave volume out.
PLACEHOLDER_VOLUMES = ("xxxx",)

#: Size of the review's printed reference list (Rizkita et al. 2026, BIBLIOGRAPHY).
REVIEW_LIST_SIZE = 60


# --------------------------------------------------------------------------- helpers


def plain(value: str) -> str:
    """Return a BibTeX field value as the text it stands for (braces and escapes removed)."""
    value = re.sub(r"\\([&%#_$])", r"\1", value)
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def squash(text: str) -> str:
    """Lower-case text with Markdown emphasis removed and whitespace collapsed."""
    text = re.sub(r"[*#]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def ascii_letters(text: str) -> str:
    """Fold accents, then keep only the letters a-z (lower-cased)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", folded.lower())


def family(person: Person) -> str:
    """The family name of a pybtex person as printed (von part included, braces removed)."""
    return plain(" ".join(person.prelast_names + person.last_names))


def apa_authors(persons: list[Person]) -> str:
    """Authors written the way the review's list prints them ("Family, I. J., & Family, K").

    A name without given names (a mononym, or a full name kept whole in braces) is
    written as it stands. The final period is left off.
    """
    names = []
    for person in persons:
        given = plain(" ".join(person.first_names + person.middle_names))
        names.append(f"{family(person)}, {given}" if given else family(person))
    if len(names) > 1:
        names[-1] = "& " + names[-1]
    return ", ".join(names).rstrip(".")


def entries_by_group(library: bibtexparser.Library) -> dict[str | None, list[Entry]]:
    """Group the entries by the ``% group: <name>`` marker that precedes them."""
    groups: dict[str | None, list[Entry]] = {}
    current: str | None = None
    for block in library.blocks:
        if isinstance(block, ImplicitComment):
            markers = GROUP_MARKER.findall(block.comment)
            if markers:
                current = markers[-1]
        elif isinstance(block, Entry):
            groups.setdefault(current, []).append(block)
    return groups


def printed_reference_list() -> list[str]:
    """The entries of the review's printed reference list, one string each.

    A line opening with "- " starts an entry, except a line holding nothing but a DOI
    link, which PDF extraction split off the entry before it.
    """
    entries: list[str] = []
    lines = (DATA / "review_reference_list.md").read_text(encoding="utf-8").splitlines()
    for line in lines:
        line = line.strip()
        if not line or line == "BIBLIOGRAPHY":
            continue
        if re.fullmatch(r"- <https://doi\.org/\S+>", line) and entries:
            entries[-1] += " " + line[2:]
        elif line.startswith("- "):
            entries.append(line[2:])
        else:
            raise AssertionError(f"unexpected line in the printed list: {line!r}")
    return entries


def venue_tail(printed: str, container: str) -> str | None:
    """What the printed entry gives after the italic journal or proceedings title.

    In the list's style that is ", volume(issue), pages." (each part optional), before
    the DOI link. Volumes printed as the placeholder "xxxx" are dropped (see
    ``PLACEHOLDER_VOLUMES``).
    """
    marker = f"*{container}*"
    if marker not in printed:
        return None
    tail = printed.split(marker, 1)[1].split("<https://", 1)[0].strip()
    for placeholder in PLACEHOLDER_VOLUMES:
        tail = tail.replace(f", {placeholder},", ",")
    return tail


def expected_venue_tail(fields) -> str:
    """The venue tail an entry's volume, number and pages fields stand for."""
    parts = []
    if "volume" in fields:
        parts.append(fields["volume"] + (f"({fields['number']})" if "number" in fields else ""))
    if "pages" in fields:
        parts.append(fields["pages"].replace("--", "–"))
    return "".join(f", {part}" for part in parts) + "."


def source_headers() -> dict[str, str]:
    """The opening text of each source document, keyed by its references.bib key."""
    text = (DATA / "source_headers.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (\S+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def bib_text() -> str:
    return BIB.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def library(bib_text: str) -> bibtexparser.Library:
    return bibtexparser.parse_string(bib_text)


@pytest.fixture(scope="module")
def entries(library: bibtexparser.Library) -> dict[str, Entry]:
    return {entry.key: entry for entry in library.entries}


@pytest.fixture(scope="module")
def pybtex_data() -> tuple[BibliographyData, list[Exception]]:
    """The file read by pybtex, with every error pybtex reported while reading it."""
    with pybtex.errors.capture() as errors:
        data = pybtex_parse_file(str(BIB), bib_format="bibtex")
        for entry in data.entries.values():  # names are split on first access
            for persons in entry.persons.values():
                for person in persons:
                    family(person)
    return data, list(errors)


@pytest.fixture(scope="module")
def groups(library: bibtexparser.Library) -> dict[str | None, list[Entry]]:
    return entries_by_group(library)


# --------------------------------------------------------------------------- parsing


def test_bibtexparser_reads_every_entry(bib_text: str, library: bibtexparser.Library) -> None:
    assert library.failed_blocks == []
    declared = re.findall(r"^@\s*(\w+)\s*\{", bib_text, flags=re.MULTILINE)
    assert len(library.entries) == len(declared)
    assert len(library.entries) == REVIEW_LIST_SIZE + len(SOURCES)


def test_pybtex_reads_without_errors(pybtex_data, entries) -> None:
    data, errors = pybtex_data
    assert [str(error) for error in errors] == []
    assert set(data.entries) == set(entries)


def test_every_entry_formats_in_the_book_style(pybtex_data) -> None:
    """sphinxcontrib-bibtex turns a missing required field into a build warning."""
    config = yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))
    style_name = config["sphinx"]["config"]["bibtex_default_style"]
    assert BIB.name in config["bibtex_bibfiles"]
    style = find_plugin("pybtex.style.formatting", style_name)()
    data, _ = pybtex_data
    with pybtex.errors.capture() as errors:
        formatted = {
            entry.key: entry.text.render_as("text")
            for entry in style.format_entries(data.entries.values())
        }
    assert [str(error) for error in errors] == []
    assert set(formatted) == set(data.entries)
    for key, text in formatted.items():
        assert plain(data.entries[key].fields["title"]).split()[0].lower() in text.lower()


# --------------------------------------------------------------------------- keys and fields


def test_keys_are_unique_ignoring_case(bib_text: str) -> None:
    keys = re.findall(r"^@\s*\w+\s*\{\s*([^,\s]+)\s*,", bib_text, flags=re.MULTILINE)
    repeated = [key for key, n in Counter(k.lower() for k in keys).items() if n > 1]
    assert repeated == []


def test_keys_follow_author_year_word(pybtex_data, entries) -> None:
    """Key = family name of the first author + year (or "nd") + first significant title
    word, with a final a/b only where two entries would otherwise share a key."""
    data, _ = pybtex_data
    bases = {}
    for key, entry in data.entries.items():
        first_author = entry.persons["author"][0]
        year = entry.fields.get("year", NO_YEAR)
        words = [ascii_letters(w) for w in plain(entry.fields["title"]).split()]
        word = next(w for w in words if w and w not in KEY_STOPWORDS)
        bases[key] = ascii_letters(family(first_author)) + year + word
    shared = Counter(bases.values())
    for key, base in bases.items():
        assert KEY_PATTERN.fullmatch(key), key
        if shared[base] > 1:
            assert key in {base + "a", base + "b"}, (key, base)
        else:
            assert key == base, (key, base)


def test_dois_are_bare(entries) -> None:
    dois = {key: e["doi"] for key, e in entries.items() if "doi" in e.fields_dict}
    assert len(dois) >= 60
    bad = {k: d for k, d in dois.items() if not DOI_PATTERN.fullmatch(d) or "doi.org" in d}
    assert bad == {}


def test_pages_use_double_hyphen(entries) -> None:
    pages = {key: e["pages"] for key, e in entries.items() if "pages" in e.fields_dict}
    bad = {key: value for key, value in pages.items() if not PAGES_PATTERN.fullmatch(value)}
    assert bad == {}
    assert sum("--" in value for value in pages.values()) > 40


def test_title_and_year_present_unless_documented(entries) -> None:
    assert [key for key, e in entries.items() if not e.fields_dict.get("title")] == []
    undated = {key for key, e in entries.items() if "year" not in e.fields_dict}
    assert undated == UNDATED
    for key in undated:
        note = entries[key].fields_dict["note"].value.lower()
        assert "year" in note and "not stated" in note, key
    years = {key: e["year"] for key, e in entries.items() if key not in UNDATED}
    assert {key: y for key, y in years.items() if not re.fullmatch(r"\d{4}", y)} == {}


def test_latex_special_characters_are_escaped(entries) -> None:
    bad = [
        (key, field.key)
        for key, entry in entries.items()
        for field in entry.fields
        if field.key not in IDENTIFIER_FIELDS and UNESCAPED_SPECIAL.search(field.value)
    ]
    assert bad == []
    assert entries["mariani2022ai"]["journal"] == r"Psychology \& Marketing"


def test_acronyms_survive_sentence_casing(entries) -> None:
    """Styles such as plain lower-case titles; braces must protect every acronym."""
    for key, entry in entries.items():
        title = entry["title"]
        cased = Text.from_latex(title).capitalize().render_as("text")
        acronyms = re.findall(r"\w*[A-Z]\w*[A-Z]\w*", plain(title))
        assert [a for a in acronyms if a not in cased] == [], key


# --------------------------------------------------------------------------- groups


def test_groups_hold_the_review_list_and_the_sources(groups) -> None:
    assert set(groups) == {"sources", "review-bibliography"}
    assert len(groups["review-bibliography"]) == REVIEW_LIST_SIZE
    assert {entry.key for entry in groups["sources"]} == set(SOURCES)


def test_sources_have_their_types_and_dois(entries) -> None:
    for key, (entry_type, doi) in SOURCES.items():
        entry = entries[key]
        assert entry.entry_type == entry_type, key
        if doi is None:
            assert "doi" not in entry.fields_dict, key
        else:
            assert entry["doi"] == doi, key


def test_two_reports_of_one_study_are_two_entries(entries) -> None:
    preprint = entries["suryawijaya2023tailoringa"]
    article = entries["suryawijaya2023tailoringb"]
    assert preprint["doi"] != article["doi"]
    assert preprint["author"] == article["author"]
    assert squash(plain(preprint["title"])) == squash(plain(article["title"]))
    assert preprint["howpublished"] == "Preprints.org"
    assert "journal" not in preprint.fields_dict
    assert plain(article["journal"]) == "Implementasi Manajemen & Kewirausahaan"


# --------------------------------------------------------------------------- against the documents


def test_printed_reference_list_has_sixty_entries() -> None:
    printed = printed_reference_list()
    assert len(printed) == REVIEW_LIST_SIZE
    assert printed[7].endswith("<https://doi.org/10.15680/IJCTECE.2026.0902004>")


def test_review_entries_match_the_printed_list(pybtex_data, groups) -> None:
    """Each printed entry matches exactly one entry of the group, and every field of that
    entry (authors, year, title, venue, volume, issue, pages, DOI) is in the printed text."""
    data, _ = pybtex_data
    review = [data.entries[entry.key] for entry in groups["review-bibliography"]]
    unmatched = {entry.key for entry in review}
    problems = []
    for printed in printed_reference_list():
        text = squash(printed)
        hits = [e for e in review if squash(plain(e.fields["title"])) in text]
        if len(hits) != 1:
            problems.append(("title matches", [e.key for e in hits], printed[:60]))
            continue
        entry = hits[0]
        unmatched.discard(entry.key)
        fields = entry.fields
        printed_doi = re.findall(r"https://doi\.org/(\S+?)>", printed)
        if printed_doi != ([fields["doi"]] if "doi" in fields else []):
            problems.append((entry.key, "doi", printed_doi))
        if f"({fields['year']})" not in printed:
            problems.append((entry.key, "year"))
        printed_authors = re.split(r"\s\(\d{4}\)\.", printed, maxsplit=1)[0]
        if apa_authors(entry.persons["author"]) != printed_authors.rstrip("."):
            problems.append((entry.key, "authors", printed_authors))
        for name in ("journal", "booktitle", "publisher"):
            if name in fields and squash(plain(fields[name])) not in text:
                problems.append((entry.key, name))
        if "pages" in fields and not re.search(
            rf"(?<!\w){re.escape(fields['pages'].replace('--', '–'))}(?!\w)", printed
        ):
            problems.append((entry.key, "pages"))
        if entry.type in ("article", "inproceedings"):
            tail = venue_tail(printed, plain(fields.get("journal") or fields["booktitle"]))
            if tail != expected_venue_tail(fields):
                problems.append((entry.key, "volume/number/pages", tail))
    assert problems == []
    assert unmatched == set()


def test_sources_agree_with_their_first_pages(pybtex_data) -> None:
    data, _ = pybtex_data
    headers = source_headers()
    assert set(headers) == set(SOURCES)
    problems = []
    for key, header in headers.items():
        entry = data.entries[key]
        fields = entry.fields
        text = squash(header)
        if squash(plain(fields["title"])) not in text:
            problems.append((key, "title"))
        for person in entry.persons["author"]:
            if family(person).lower() not in text:
                problems.append((key, "author", family(person)))
        if "year" in fields and fields["year"] not in header:
            problems.append((key, "year"))
        mentions_doi = re.search(r"\bdoi\b", text) is not None
        if ("doi" in fields) != mentions_doi or fields.get("doi", "") not in header:
            problems.append((key, "doi"))
        for name in ("journal", "howpublished", "volume", "number", "pages"):
            if name in fields and (key, name) not in NOT_IN_HEADER:
                value = squash(plain(fields[name])).replace("--", "-")
                if value not in text:
                    problems.append((key, name))
    assert problems == []
