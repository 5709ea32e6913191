"""The built book (``make book`` first) holds every chapter, computed from today's data.

These checks read ``_build/html`` directly; they fail, rather than skip, when the book has
not been built.
"""

from __future__ import annotations

import html.parser
import re

import pytest
import yaml

from bookhelpers import BUILD_HTML, REPO, built_page
from reviewlib import prisma, screening
from reviewlib.synthesis import (check_data_citations, load_bib, load_review_table,
                                 load_studies)


def _chapters() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for c in toc.get("chapters", [])]
    return [f.split("/", 1)[1] for f in files]


def _pasted(html: str) -> list[str]:
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', html)


@pytest.mark.parametrize("name", _chapters())
def test_each_chapter_ran_cleanly(name):
    html = built_page(name)
    assert "Traceback" not in html
    assert "output traceback" not in html and "output stderr" not in html
    assert "&lt;Figure size" not in html            # a figure that was not rendered
    assert "{glue" not in html and "pasted-text-missing" not in html


def test_intro_numbers_come_from_the_data():
    html = built_page("intro")
    pasted = _pasted(html)
    assert str(len(load_review_table("objectives", REPO))) in pasted
    assert str(len(load_bib(REPO))) in pasted
    assert str(len(check_data_citations(REPO, load_bib(REPO)))) in pasted


def test_prisma_numbers_come_from_the_screening_folder():
    html = built_page("prisma")
    counts = prisma.prisma_counts(REPO / "screening").counts
    pasted = _pasted(html)
    for key in ("previous_studies", "total_studies", "citations_results", "other_assessed"):
        assert str(counts[key]) in pasted, key
    # Agreement as the decision files allow: a stage with one reviewer is said to have no
    # estimable kappa; with two or more, each pair's kappa is shown to two decimals.
    agreement = screening.agreement(screening.load_checked(REPO / "screening"))
    for kappa in agreement["kappa"]:
        assert ("not estimable" if kappa != kappa else f"{kappa:.2f}") in html


def test_regions_and_meta_pages_reflect_the_study_table():
    studies = load_studies(REPO)
    assert str(len(studies)) in _pasted(built_page("regions"))
    meta = built_page("meta_analysis")
    assert str(len(studies)) in _pasted(meta)
    assert str(int((studies["included"] == "yes").sum())) in _pasted(meta)
    assert "context: not included by the screening" in meta


def test_bibliography_lists_every_entry_with_its_anchor():
    html = built_page("bibliography")
    for key in load_bib(REPO):
        assert f'id="cite-{key}"' in html, key


def test_data_appendix_lists_the_data_files():
    html = built_page("data")
    for path in ("extraction/studies.csv", "extraction/effects.csv", "screening/sources.csv",
                 "extraction/review/synergies.csv"):
        assert path in html


class _Text(html.parser.HTMLParser):
    """The text a reader sees (attribute values, scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible(name: str) -> str:
    parser = _Text()
    parser.feed(built_page(name))
    return " ".join(parser.parts)


#: Codes the data files use internally; each has a plain label in reviewlib.synthesis.labels.
RAW_CODES = ("out_of_scope", "se_from_p_bound", "log_odds_ratio", "standardized_coef",
             "p_bound_conservative", "personal_shopper", "title_abstract",
             "include_maybe_vs_exclude", "logit_coef")


@pytest.mark.parametrize("name", _chapters())
def test_pages_show_words_not_internal_codes(name):
    text = _visible(name)
    for code in RAW_CODES:
        # As a word of its own; inside a file path (screening/title_abstract/) it is a name.
        assert not re.search(rf"(?<![\w/]){code}(?![\w/])", text), \
            f"{name}: {code!r} reaches the reader"


def test_dense_figures_open_at_full_size():
    for name, figure in (("prisma", "fig-prisma"), ("intro", "fig-ecosystem")):
        html_text = built_page(name)
        start = html_text.index(f'id="{figure}"')
        assert 'class="reference internal image-reference"' in html_text[start:start + 400]


def test_glued_numbers_are_not_bold():
    css = (BUILD_HTML / "_static" / "reviewlib.css").read_text(encoding="utf-8")
    assert "span.pasted-text" in css and "font-weight: inherit" in css
