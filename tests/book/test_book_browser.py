"""Open every page of the built book in headless Chromium and fail on anything broken.

The book must have been built first (``make book``); this test does not build it. A local
HTTP server in a thread serves ``_build/html`` on 127.0.0.1 and records every request; one
headless Chromium, driven over the DevTools protocol, loads each page and reports console
errors, uncaught exceptions, failed requests and images that did not load. Screenshots of
the PRISMA diagram and the forest plots are saved in ``_build/screenshots/`` for a person
to look at.
"""

from __future__ import annotations

import os

import pytest

from bookhelpers import BUILD_HTML, CHROMIUM, REPO, Chromium, RecordingServer

SCREENSHOTS = REPO / "_build" / "screenshots"

#: Figures a reader must see, by page and element id, with the screenshot file to write.
FIGURES = {
    "chapters/prisma.html": [("fig-prisma", "prisma_flow.png")],
    "chapters/meta_analysis.html": [("fig-forest-region", "forest_java_outside_java.png"),
                                    ("fig-forest-sector", "forest_trade_non_trade.png"),
                                    ("fig-side-by-side", "effects_side_by_side.png")],
    "chapters/intro.html": [("fig-ecosystem", "ecosystem.png")],
    "chapters/regions.html": [("fig-evidence-heatmap", "evidence_heatmap.png")],
    "chapters/appraisal.html": [("fig-appraisal-traffic-mmat", "appraisal_traffic_mmat.png"),
                                ("fig-appraisal-summary-mmat", "appraisal_summary_mmat.png")],
}


def _pages() -> list[str]:
    if not (BUILD_HTML / "index.html").is_file():
        pytest.fail(f"the book is not built ({BUILD_HTML / 'index.html'} is missing): "
                    "run `make book` first, then `make test`", pytrace=False)
    pages = []
    for path in sorted(BUILD_HTML.rglob("*.html")):
        rel = path.relative_to(BUILD_HTML)
        if rel.parts[0].startswith(("_", ".")) or rel.parts[0] == "reports":
            continue
        pages.append(rel.as_posix())
    return pages


def test_every_page_loads_cleanly_in_chromium(tmp_path):
    pages = _pages()
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(apt-get install chromium)", pytrace=False)
    for page in FIGURES:
        assert page in pages, f"{page} was not built"
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with RecordingServer(BUILD_HTML) as server, Chromium(tmp_path / "profile") as browser:
        # Twice the pixel density, so that the screenshots are sharp enough to read.
        browser.open_tab(width=1400, height=1000, scale=2)
        for page in pages:
            report = browser.visit(server.base + page)
            problems += [f"{page}: {m}" for m in report.console_errors]
            problems += [f"{page}: request failed: {m}" for m in report.failed_requests]
            problems += [f"{page}: image did not load: {src}" for src in report.broken_images]
            for element, name in FIGURES.get(page, []):
                present = browser.evaluate(
                    f"(() => {{ const f = document.getElementById({element!r});"
                    " return !!f && Array.from(f.querySelectorAll('img'))"
                    ".some(i => i.complete && i.naturalWidth > 300); })()")
                if not present:
                    problems.append(f"{page}: figure #{element} has no loaded image")
                    continue
                browser.screenshot(SCREENSHOTS / name, selector=f"#{element}")
        problems += [f"HTTP {code} for {path}" for path, code in server.failures()]
    assert not problems, "\n".join(problems)
    for shots in FIGURES.values():
        for _, name in shots:
            assert (SCREENSHOTS / name).stat().st_size > 20_000, name


def test_a_missing_build_fails_and_says_what_to_run(monkeypatch, tmp_path):
    import test_book_browser as module

    monkeypatch.setattr(module, "BUILD_HTML", tmp_path / "no_build" / "html")
    with pytest.raises(pytest.fail.Exception, match=r"run `make book` first"):
        module._pages()
