"""An unknown citation key in a chapter fails the build (same settings as the real book)."""

from __future__ import annotations

from bookhelpers import NOTEBOOK_HEADER, build_book, write_tiny_book

BIB = """@article{known2020paper,
  author = {Known, Ann},
  title = {A paper that exists},
  journal = {Journal of Tests},
  year = {2020},
}
"""


def test_unknown_cite_key_fails_the_build(tmp_path):
    page = NOTEBOOK_HEADER + """
# Citing

A known work {cite:p}`known2020paper` and one that is not in the bibliography
{cite:p}`nosuchwork2099missing`.

```{code-cell} ipython3
1 + 1
```
"""
    bibliography = "# Bibliography\n\n```{bibliography}\n:all:\n```\n"
    write_tiny_book(tmp_path, {"page": page, "bibliography": bibliography}, BIB)
    done = build_book(tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    missing = [line for line in output.splitlines() if "could not find bibtex key" in line]
    # Exactly the unknown key is reported, at its page; the known key resolved.
    assert len(missing) == 1, missing
    assert '"nosuchwork2099missing"' in missing[0] and "page.md" in missing[0]
    assert "build finished with problems" in output
