"""Claims and their support: verdicts per cited work, citation markers, the claims ledger.

The project built here is the screening fixture of tests/data/screening/review (record ids
P01-P04 of the previous version, S../W../C.. of this update) with a bibliography whose keys
are those record ids, so each citation has a verdict from the fixture's decision files:
P01 in scope (audit), P04 out of scope (audit, ``not_msme``), S07 excluded at full text
(``design``), S06 not retrieved (unclear), S03 excluded at title/abstract (``topic``), and
``methods2020`` is no record at all (not assessed).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reviewlib.synthesis import claims as cl
from reviewlib.synthesis.marks import marker_html
from reviewlib.synthesis.render import html_table
from reviewlib.synthesis.review import load_bib
from reviewlib.synthesis.support import (NOT_ASSESSED, OUT_OF_SCOPE, UNCLEAR, Support,
                                         citation_support)

DATA = Path(__file__).resolve().parents[1] / "data" / "screening" / "review"

KEYS = ("P01", "P04", "S07", "S06", "S03", "methods2020")


def _bib(keys=KEYS) -> str:
    return "\n".join(f"@article{{{k},\n  author = {{Author{i}, A.}},\n  title = {{Work {k}}},\n"
                     f"  journal = {{J}},\n  year = {{{2010 + i}}},\n}}\n"
                     for i, k in enumerate(keys))


CHAPTER = """---
kernelspec:
  name: python3
---

# A chapter

Influencers help small firms sell abroad {cite:p}`P04`.

Customer reviews build trust {cite:p}`P01,P04`, and
this holds across markets {cite:t}`S06`.

```{code-cell} ipython3
# {cite:p}`S07` inside code is not a claim
```

- a list item resting on {cite:p}`S07,S03`
- another on a methods text {cite:p}`methods2020`

No citation here.
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(DATA, root / "screening")
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "references.bib").write_text(_bib(), encoding="utf-8")
    (root / "chapters").mkdir()
    (root / "chapters" / "one.md").write_text(CHAPTER, encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/one\n", encoding="utf-8")
    review = root / "extraction" / "review"
    review.mkdir(parents=True)
    (review / "gaps.csv").write_text(
        "gap,description,direction,sources\n"
        "g1,no panel data,run panels,P04;S07\n"
        "g2,few countries,compare more,P01\n", encoding="utf-8")
    return root


def _set_audit(root: Path, record: str, verdict: str, reason: str = "", note: str = "") -> None:
    path = root / "screening" / "previous_audit.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [f"{record},{verdict},{reason},{note}" if ln.startswith(record + ",") else ln
             for ln in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_each_record_gets_the_verdict_of_the_stage_that_decided_it(project):
    s = citation_support(project)
    assert s["P01"].status == "in_scope" and s["P01"].stage == "audit"
    assert s["P04"].status == OUT_OF_SCOPE
    assert s["P04"].reason == "Not about MSMEs under the updated criteria"   # reasons.csv label
    assert s["P04"].note == "consumer purchase intentions only"
    assert (s["S07"].status, s["S07"].stage) == (OUT_OF_SCOPE, "full_text")
    assert (s["S06"].status, s["S06"].stage) == (UNCLEAR, "full_text")   # not retrieved
    assert (s["S03"].status, s["S03"].stage) == (OUT_OF_SCOPE, "title_abstract")
    assert "methods2020" not in s
    # A full-text include is in scope; W04's reviewers disagree and the consensus file
    # settles it as an include.
    assert s["S01"].status == "in_scope"
    assert (s["W04"].status, s["W04"].note) == ("in_scope", "the shoppers are micro-enterprises")


def test_a_project_without_screening_has_no_verdicts(tmp_path):
    assert citation_support(tmp_path) == {}


def test_marker_carries_verdict_and_reason_and_escapes_hostile_text():
    hostile = Support(OUT_OF_SCOPE, "audit", '<script>alert("x")</script>', "a & b")
    mark = marker_html(hostile)
    assert 'class="cite-marker cite-out-of-scope"' in mark
    assert "<script" not in mark
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in mark
    assert "a &amp; b" in mark and ">\u2020</span>" in mark
    assert 'class="cite-marker cite-unclear"' in marker_html(Support(UNCLEAR, "full_text"))
    assert marker_html(Support("in_scope", "audit")) == ""
    assert marker_html(Support(NOT_ASSESSED)) == ""


def test_table_sources_carry_markers_from_the_data(project):
    import pandas as pd

    bib = load_bib(project)
    table = html_table(pd.DataFrame({"sources": ["P01;P04;methods2020"]}), bib=bib).html
    cells = re.findall(r'<a href="[^"]*#cite-(\w+)"[^>]*>[^<]*</a>(<span[^>]*>.</span>)?',
                       table)
    marks = {key.upper() if key.startswith("p") else key: bool(m) for key, m in cells}
    assert marks == {"P01": False, "P04": True, "methods2020": False}
    assert "Not about MSMEs under the updated criteria" in table
    _set_audit(project, "P04", "in_scope")
    assert "cite-out-of-scope" not in html_table(
        pd.DataFrame({"sources": ["P01;P04"]}), bib=load_bib(project)).html


def test_chapter_claims_are_cited_paragraphs_and_list_items(project):
    claims = cl.chapter_claims(project / "chapters" / "one.md", project)
    assert [(c.line, c.keys) for c in claims] == [
        (8, ("P04",)), (10, ("P01", "P04", "S06")), (17, ("S07", "S03")),
        (18, ("methods2020",))]
    assert claims[0].text == "Influencers help small firms sell abroad."
    assert claims[0].path == "chapters/one.md"


def test_ledger_classes_claims_by_their_strongest_source(project):
    ledger = cl.claims_ledger(project, citation_support(project))
    got = {(r.path, r.line): (r.support, r.no_in_scope) for r in ledger.itertuples()}
    assert got == {
        ("chapters/one.md", 8): (OUT_OF_SCOPE, True),
        ("chapters/one.md", 10): ("in_scope", False),
        ("chapters/one.md", 17): (OUT_OF_SCOPE, True),
        ("chapters/one.md", 18): (NOT_ASSESSED, False),
        ("extraction/review/gaps.csv", 2): (OUT_OF_SCOPE, True),
        ("extraction/review/gaps.csv", 3): ("in_scope", False),
    }
    row = ledger[ledger["line"] == 10].iloc[0]
    assert (row.in_scope, row.unclear, row.out_of_scope, row.not_assessed) == (1, 1, 1, 0)
    line = cl.summary_line(cl.chapter_ledger(ledger, project, "one"))
    assert line.startswith("Claims on this page: 4 cite the review’s sources; 1 rests on an "
                           "in-scope source, 0 on unclear sources only, 2 only on sources")


def test_check_warns_with_file_and_line_for_claims_with_only_out_of_scope_support(project):
    problems = cl.claim_problems(project, citation_support(project))
    where = [(p.path, p.line, p.column, p.level) for p in problems]
    assert where == [("chapters/one.md", 8, None, "warning"),
                     ("chapters/one.md", 17, None, "warning"),
                     ("extraction/review/gaps.csv", 2, 4, "warning")]
    assert "P04: Not about MSMEs" in problems[0].message
    _set_audit(project, "P04", "in_scope")
    assert [p.line for p in cl.claim_problems(project, citation_support(project))] == [17]


SPHINX_CONF = """
extensions = ["sphinxcontrib.bibtex", "reviewlib.synthesis.sphinx_ext"]
bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "author_year"
bibtex_cite_id = "cite-{key}"
"""

SPHINX_INDEX = """Test
====

Influencers help {cite_p}`P04`. Readiness matters {cite_t}`P01`. Stores close {cite_p}`S06`.

.. bibliography::
   :all:
"""


def _sphinx_build(project: Path, out: Path) -> str:
    from sphinx.cmd.build import build_main

    (project / "conf.py").write_text(SPHINX_CONF, encoding="utf-8")
    (project / "index.rst").write_text(
        SPHINX_INDEX.replace("{cite_p}", ":cite:p:").replace("{cite_t}", ":cite:t:"),
        encoding="utf-8")
    assert build_main(["-b", "html", "-q", "-E", "-W", str(project), str(out)]) == 0
    return (out / "index.html").read_text(encoding="utf-8")


def _marks(page: str) -> dict[str, str]:
    """Bibliography key of each citation link -> class of the marker after it ("" if none)."""
    out = {}
    for m in re.finditer(r'href="#cite-(\w+)"[^>]*>.*?</a>(<span class="cite-marker ([^"]+)")?',
                         page):
        out.setdefault(m.group(1), m.group(3) or "")
    return out


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_built_page_marks_citations_and_follows_a_changed_verdict(project, tmp_path):
    reasons = project / "screening" / "reasons.csv"
    reasons.write_text(reasons.read_text(encoding="utf-8").replace(
        "Not about MSMEs under the updated criteria", "consumers <b onmouseover=x>only</b>"),
        encoding="utf-8")
    page = _sphinx_build(project, tmp_path / "html1")
    marks = {k.upper(): v for k, v in _marks(page).items()}
    assert marks == {"P04": "cite-out-of-scope", "P01": "", "S06": "cite-unclear"}
    assert "consumers &lt;b onmouseover=x&gt;only&lt;/b&gt;" in page
    assert "<b onmouseover" not in page
    _set_audit(project, "P04", "in_scope")
    page = _sphinx_build(project, tmp_path / "html2")
    assert {k.upper(): v for k, v in _marks(page).items()}["P04"] == ""
