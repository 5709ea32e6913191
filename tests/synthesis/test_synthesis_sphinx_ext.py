"""The book's Sphinx extension: duplicate scripts dropped, every page re-read."""

from __future__ import annotations

from types import SimpleNamespace

from sphinx.builders.html._assets import _JavaScript

from reviewlib.synthesis.sphinx_ext import dedupe_scripts, reread_everything


def test_identical_scripts_are_kept_once_in_order():
    body = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript("a.js"), _JavaScript(None, body=body), _JavaScript("b.js"),
               _JavaScript("", body=body), _JavaScript("a.js", async_="async")]
    context = {"script_files": scripts}
    dedupe_scripts(None, "page", "page.html", context, None)
    kept = context["script_files"]
    assert kept is scripts                          # edited in place
    assert [s.filename for s in kept] == ["a.js", None, "b.js", "a.js"]


def test_every_found_page_is_marked_outdated():
    env = SimpleNamespace(found_docs={"chapters/a", "chapters/b", "chapters/c"})
    assert reread_everything(None, env, set(), set(), {"chapters/c"}) == ["chapters/a",
                                                                          "chapters/b"]
