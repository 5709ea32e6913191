"""Markers on citations of works the review's own assessment did not keep.

A citation of a work found out of scope gets a dagger (``†``, class ``cite-out-of-scope``), a
citation of a work judged unclear a lighter double dagger (``‡``, class ``cite-unclear``).
Each marker carries the verdict, where it was made and its reason as a tooltip (``title``)
and as its accessible name. Verdicts come from :func:`~reviewlib.synthesis.support.citation_support`,
read at build time.

Two places render citations:

* prose citations (``{cite:p}``, ``{cite:t}``): :func:`mark_doctree` runs on Sphinx's
  ``doctree-resolved`` event, after sphinxcontrib-bibtex has turned each key into a link to
  the bibliography entry (``#cite-<key>``), and puts the marker after the link;
* the ``sources`` columns of tables rendered from data:
  :func:`~reviewlib.synthesis.render.html_table` calls :func:`marker_html` for each key.

Every piece of text from the data files is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reviewlib.synthesis.support import OUT_OF_SCOPE, UNCLEAR, Support

#: Symbol and CSS class of each marked status.
MARKERS = {
    OUT_OF_SCOPE: ("\u2020", "cite-out-of-scope"),
    UNCLEAR: ("\u2021", "cite-unclear"),
}


def marker_html(support: Support | None) -> str:
    """The marker element for one cited work, ``""`` when its citation is not marked.

    Examples
    --------
    >>> marker_html(Support("out_of_scope", "audit", "set <outside> Asia"))[:52]
    '<span class="cite-marker cite-out-of-scope" role="no'
    >>> "&lt;outside&gt;" in marker_html(Support("out_of_scope", "audit", "set <outside> Asia"))
    True
    >>> marker_html(Support("in_scope"))
    ''
    """
    if support is None or support.status not in MARKERS:
        return ""
    symbol, css = MARKERS[support.status]
    text = html.escape(support.describe(), quote=True)
    return (f'<span class="cite-marker {css}" role="note" tabindex="0" title="{text}" '
            f'aria-label="{text}">{symbol}</span>')


def _anchor_key(target: str, anchors: Mapping[str, str]) -> str | None:
    fragment = target.rsplit("#", 1)[-1]
    return anchors.get(fragment)


def mark_doctree(doctree: Any, support: Mapping[str, Support],
                 anchors: Mapping[str, str]) -> int:
    """Put a marker after every citation link whose work is out of scope or unclear.

    Parameters
    ----------
    doctree : docutils.nodes.document
        A resolved doctree (citations already turned into references).
    support : mapping of str to Support
        Verdicts keyed by citation key.
    anchors : mapping of str to str
        Bibliography anchor id (``cite-<key>`` as Sphinx spells ids) -> citation key.

    Returns
    -------
    int
        The number of markers added.
    """
    from docutils import nodes

    added = 0
    for ref in list(doctree.findall(nodes.reference)):
        target = ref.get("refuri") or ref.get("refid") or ""
        if "cite-" not in target:
            continue
        key = _anchor_key(target, anchors)
        if key is None:
            continue
        mark = marker_html(support.get(key))
        if not mark:
            continue
        ref.parent.insert(ref.parent.index(ref) + 1, nodes.raw("", mark, format="html"))
        added += 1
    return added


def load_marks(root: str | Path) -> tuple[dict[str, Support], dict[str, str]]:
    """Verdicts by citation key and the bibliography anchors of a project.

    Citation keys are the record ids of the screening folder, which is how the example
    review names the reports it cites; a key with no record has no verdict and no marker.
    """
    from reviewlib.synthesis.bib import read_bib
    from reviewlib.synthesis.support import citation_support

    root = Path(root)
    bib_path = root / "references.bib"
    if not bib_path.exists():
        return {}, {}
    entries = read_bib(bib_path)
    verdicts = citation_support(root)
    support = {k: verdicts[k] for k in entries if k in verdicts}
    anchors = {e.anchor: k for k, e in entries.items()}
    return support, anchors
