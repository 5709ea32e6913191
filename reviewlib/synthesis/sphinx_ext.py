"""A small Sphinx extension the book loads (``sphinx.extra_extensions`` in ``_config.yml``).

Every page is read again on every build. ``execute_notebooks: force`` runs a notebook each
time Sphinx *reads* it, but Sphinx re-reads only pages whose source file changed: after an
edit to a CSV file alone, an incremental build would keep every page as it was, computed
from the old data. :func:`reread_everything` tells Sphinx that every page is outdated, so
each build executes each notebook against the data as it is now.

Jupyter Book 1.0.4 with sphinx-thebe 0.3.1 adds the inline script that declares
``const THEBE_JS_URL`` (and sphinx-togglebutton's selector script) to every page twice, so
each page raises "Identifier 'THEBE_JS_URL' has already been declared" in the browser
console. This extension removes exact duplicate
``<script>`` entries from each page's context before the page is written; scripts that
differ in file, attributes or body are all kept, in their order.

Citations of works the review's own assessment found out of scope or unclear get a marker
with the verdict and its reason (:mod:`reviewlib.synthesis.marks`): the verdicts are read
from the project's screening folder once per build (:func:`load_support`), and each page's
citation links are marked once they are resolved (:func:`mark_citations`). A screening
folder with problems is reported as a Sphinx warning, which ``-W`` turns into a failed build.
"""

from __future__ import annotations

from typing import Any


def _identity(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    # A body-only script has filename None or "" depending on how it was added.
    return (str(getattr(script, "filename", script) or ""),
            tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict,
                   doctree: Any) -> None:
    """Keep the first of every set of identical scripts in ``context["script_files"]``."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        key = _identity(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def reread_everything(app: Any, env: Any, added: set, changed: set,
                      removed: set) -> list[str]:
    """Mark every known page as changed (Sphinx's ``env-get-outdated`` event)."""
    return sorted(set(env.found_docs) - set(removed))


def load_support(app: Any) -> None:
    """Read the verdicts on cited works (Sphinx's ``builder-inited`` event)."""
    from sphinx.util import logging

    from reviewlib.errors import InputError
    from reviewlib.synthesis.marks import load_marks

    try:
        app.reviewlib_marks = load_marks(app.config.reviewlib_root or app.srcdir)
    except InputError as e:
        app.reviewlib_marks = ({}, {})
        logging.getLogger(__name__).warning(
            "citation markers: the screening data could not be read: %s", e)


def mark_citations(app: Any, doctree: Any, docname: str) -> None:
    """Mark the page's citations of out-of-scope and unclear works (``doctree-resolved``)."""
    from reviewlib.synthesis.marks import mark_doctree

    support, anchors = getattr(app, "reviewlib_marks", ({}, {}))
    if support:
        mark_doctree(doctree, support, anchors)


def setup(app: Any) -> dict:
    """Register the handlers; safe for parallel reading and writing."""
    # The project whose screening folder holds the verdicts (default: the book's source).
    app.add_config_value("reviewlib_root", "", "env")
    app.connect("builder-inited", load_support)
    app.connect("doctree-resolved", mark_citations)
    app.connect("env-get-outdated", reread_everything)
    # Last, so that scripts other handlers add for the page are seen too.
    app.connect("html-page-context", dedupe_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
