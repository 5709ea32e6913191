"""Editing a data file changes the rebuilt book; a data file citing a missing key fails it.

A tiny book in a temporary folder, built exactly as ``make book`` builds the real one (same
``_config.yml``), has one page that reads ``extraction/items.csv`` through
``reviewlib.synthesis``. The test builds it, edits only the CSV file, builds again, and
checks that the HTML follows the data; then it makes the file cite a key that is not in
``references.bib`` and checks that the build fails naming the file, line and column.
"""

from __future__ import annotations

from bookhelpers import NOTEBOOK_HEADER, build_book, write_tiny_book

BIB = """@article{known2020paper,
  author = {Known, Ann and Other, Bob},
  title = {A paper that exists},
  journal = {Journal of Tests},
  year = {2020},
}
"""

PAGE = NOTEBOOK_HEADER + """
# Items

```{code-cell} ipython3
:tags: [remove-input]

from myst_nb import glue
from reviewlib import synthesis as syn
from reviewlib.io.table import read_table

root = syn.project_root()
bib = syn.load_bib(root)
syn.check_data_citations(root, bib)
items = read_table(root / "extraction" / "items.csv").to_frame()
glue("n_items", len(items), display=False)
syn.html_table(items, bib=bib)
```

The file holds {glue:text}`n_items` items.
"""

HOSTILE = '<script>alert("x")</script> $\\frac{a}{b}$ {unbalanced'


def _csv(value: str, sources: str = "known2020paper") -> str:
    return ("item,value,sources\n"
            f"first,{value},{sources}\n"
            f"second,\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",{sources}\n")


def test_rebuild_follows_the_data_and_rejects_unknown_keys(tmp_path):
    data = tmp_path / "extraction" / "items.csv"
    write_tiny_book(tmp_path, {"items": PAGE}, BIB, {"extraction/items.csv": _csv("alpha41")})
    html = tmp_path / "_build" / "html" / "chapters" / "items.html"

    first = build_book(tmp_path)
    assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
    page = html.read_text(encoding="utf-8")
    assert "alpha41" in page and "holds <span" in page
    # Hostile text is shown as text: escaped, never executed, never typeset.
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<script>alert("x")</script>' not in page
    assert "$\\frac{a}{b}$ {unbalanced" in page
    assert "mathjax_ignore" in page
    # Sources are linked to their bibliography entries by label.
    assert "Known &amp; Other 2020" in page

    # Change only the data file: one value, and one more row.
    data.write_text(_csv("omega97") + "third,gamma,known2020paper\n", encoding="utf-8")
    second = build_book(tmp_path)
    assert second.returncode == 0, (second.stdout + second.stderr)[-3000:]
    page = html.read_text(encoding="utf-8")
    assert "omega97" in page and "alpha41" not in page
    assert "gamma" in page
    assert '<span class="pasted-text">3</span>' in page

    # A key the bibliography lacks stops the build and says where it is.
    data.write_text(_csv("omega97", sources="known2020paper;ghost1999key"), encoding="utf-8")
    third = build_book(tmp_path)
    output = third.stdout + third.stderr
    assert third.returncode != 0
    log = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in (tmp_path / "_build" / "html" / "reports").rglob("*.log"))
    assert "ghost1999key" in log + output
    assert "items.csv:2:3" in log + output
