"""The built "Quality appraisal" page (``make book`` first) shows what appraisal/ holds."""

from __future__ import annotations

import re

from bookhelpers import REPO, built_page
from reviewlib.appraisal import check_folder, judgements
from reviewlib.synthesis import load_studies


def test_appraisal_page_is_computed_from_the_appraisal_files():
    html = built_page("appraisal")
    pasted = re.findall(r'<span class="pasted-text">([^<]*)</span>', html)
    folder, problems = check_folder(REPO / "appraisal",
                                    studies=REPO / "extraction" / "studies.csv")
    assert problems == []
    judged = judgements(folder)
    assert str(judged["study_id"].nunique()) in pasted
    for summary in judged["summary"]:
        assert summary in html
    studies = load_studies(REPO)
    included = set(studies.loc[studies["included"] == "yes", "study_id"])
    assert str(len(included - set(judged["study_id"]))) in pasted
    if len(folder.reviewers) == 1:
        assert any("single appraiser" in p for p in pasted)
    for figure in ("fig-appraisal-traffic-mmat", "fig-appraisal-summary-mmat",
                   "fig-appraisal-traffic-jbi", "fig-appraisal-summary-jbi"):
        assert f'id="{figure}"' in html


def test_meta_analysis_page_cites_the_appraisal():
    html = built_page("meta_analysis")
    assert "How these studies were appraised" in html and 'href="appraisal.html' in html
