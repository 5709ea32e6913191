"""Tables rendered from data show hostile text as text."""

from __future__ import annotations

import html.parser

import pandas as pd

from reviewlib.synthesis import escape_cell, html_table, read_bib
from synthhelpers import make_project

HOSTILE = {
    "script": '<script>alert("owned")</script>',
    "latex": r"$\frac{1}{2}$ and \(x^2\) and $$E=mc^2$$",
    "braces": "{unbalanced {{ }",
    "markup": "<b onmouseover='x()'>bold</b> & <!-- comment --> <img src=x>",
}


class _Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_crafted_row_renders_as_plain_text(tmp_path):
    bib = read_bib(make_project(tmp_path) / "references.bib")
    frame = pd.DataFrame([{**HOSTILE, "sources": "alpha2020first;<i>unknown</i>"}])
    out = html_table(frame, bib=bib).html
    parser = _Collector()
    parser.feed(out)
    # Only the table's own elements and the one source link exist as markup.
    assert set(parser.tags) <= {"div", "table", "thead", "tbody", "tr", "th", "td", "a"}
    assert parser.tags.count("a") == 1
    text = "".join(parser.text)
    for value in HOSTILE.values():
        assert value in text            # every character survives, as text
    assert "<i>unknown</i>" in text     # an unknown key is shown, escaped, not linked
    assert 'href="bibliography.html#cite-alpha2020first"' in out
    assert "Alpha et al. 2020" in text
    # MathJax is told to leave the table alone, so TeX in data is never typeset.
    assert 'class="reviewlib-table-wrap tex2jax_ignore mathjax_ignore"' in out


def test_escape_cell_handles_missing_values_and_newlines():
    assert escape_cell(None) == ""
    assert escape_cell(float("nan")) == ""
    assert escape_cell(pd.NA) == ""
    assert escape_cell("a\nb<") == "a<br>b&lt;"
    assert escape_cell(3) == "3"


def test_headers_caption_and_index_are_escaped():
    frame = pd.DataFrame({"<x>": ["1"]}, index=pd.Index(["<r>"], name="<n>"))
    out = html_table(frame, headers={"<x>": "<X & Y>"}, caption="<cap>", index=True).html
    assert "<caption>&lt;cap&gt;</caption>" in out
    assert "&lt;X &amp; Y&gt;" in out and "&lt;r&gt;" in out and "&lt;n&gt;" in out
    assert html_table(frame).n_rows == 1
