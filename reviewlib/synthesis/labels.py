"""Plain-language labels for the codes that data files and checks use.

The data files keep short codes (``out_of_scope``, ``or_vs_exp``, ``log_odds_ratio``...) so
that programs can rely on them; a reader should not have to. The chapters pass a code column
through :func:`plain` before showing it. A code without a label is shown as it is, so a new
code never breaks a page; it only looks less finished.

The dictionaries below are the packaged wording of the codes reviewlib itself produces, in
general terms. A review words them its own way in its codebook
(``extraction/review/codebook.csv``, :mod:`reviewlib.synthesis.codebook`): a row whose
``dimension`` is one of :data:`WORDING` (``prisma_box``, ``verdict``, ``data_file``...)
replaces or adds a label, and :func:`wording` returns the merged mapping. The review's own
dimensions (drivers, regions, designs) live only in the codebook.

The PRISMA box names are those of the PRISMA2020 R package (Haddaway et al. 2022,
*Campbell Systematic Reviews* 18:e1230, function ``PRISMA_flowdiagram``); the meanings
paraphrase the boxes of the PRISMA 2020 flow diagram for updated reviews (Page et al.
2021, *BMJ* 372:n71, Figure 1).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

import pandas as pd

#: What each count of the PRISMA 2020 template (updated reviews) stands for.
PRISMA_BOXES: dict[str, str] = {
    "previous_studies": "studies included in the previous version",
    "previous_reports": "reports of those studies",
    "previous_excluded_studies": "previous studies excluded by the audit",
    "previous_excluded_reports": "reports of the studies the audit excluded",
    "database_results": "records from databases",
    "register_results": "records from registers",
    "duplicates": "duplicates removed (databases and registers)",
    "excluded_automatic": "records removed by automation tools",
    "excluded_other": "records removed for other reasons",
    "records_screened": "records screened (databases and registers)",
    "records_excluded": "records excluded at screening (databases and registers)",
    "dbr_sought_reports": "reports sought (databases and registers)",
    "dbr_notretrieved_reports": "reports not retrieved (databases and registers)",
    "dbr_assessed": "reports assessed in full (databases and registers)",
    "dbr_excluded": "reports excluded after full-text assessment (databases and registers)",
    "website_results": "records from websites",
    "organisation_results": "records from organisations",
    "citations_results": "records from citation searching",
    "other_results": "records from other sources",
    "other_duplicates": "duplicates removed (other methods)",
    "other_not_sought": "records not sought in full (set aside on a title check)",
    "other_sought_reports": "reports sought (other methods)",
    "other_notretrieved_reports": "reports not retrieved (other methods)",
    "other_assessed": "reports assessed in full (other methods)",
    "other_excluded": "reports excluded after full-text assessment (other methods)",
    "new_studies": "new studies included",
    "new_reports": "reports of new studies included",
    "total_studies": "studies included in this update",
    "total_reports": "reports of the studies included in this update",
}

#: Screening stages and the decision schemes compared for agreement.
SCREENING: dict[str, str] = {
    "title_abstract": "title and abstract",
    "full_text": "full text",
    "include_maybe_vs_exclude": "include or maybe, against exclude",
    "three_category": "include, maybe and exclude",
    "include_vs_exclude": "include against exclude",
}

#: Verdicts of the audit of the previous version, and screening decisions.
VERDICTS: dict[str, str] = {
    "out_of_scope": "out of scope",
    "unclear": "unclear, kept",
    "in_scope": "in scope",
    "include": "include",
    "exclude": "exclude",
    "maybe": "maybe",
    "": "not assessed",
}

#: What each consistency check of reviewlib.effects looks at.
CHECKS: dict[str, str] = {
    "or_vs_exp": "odds ratio is not exp(coefficient)",
    "stars_vs_p": "significance stars do not match the p-value",
    "not_a_number": "cell is not a number",
    "unconvertible": "no effect size can be computed",
    "ambiguous_separators": "thousands or decimal separator cannot be told apart",
    "p_vs_statistic": "p-value does not match the test statistic",
    "decimal_comma": "decimal comma read as a decimal point",
    "p_zero": "p printed as 0.000",
    "t_vs_ratio": "t differs from estimate / standard error",
}

#: Effect-size scales and how a standard error was obtained.
SCALES: dict[str, str] = {
    "log_odds_ratio": "log odds ratio",
    "standardized_coef": "standardised path coefficient",
    "logit_coef": "logistic regression coefficients",
    "path_coef": "SEM path coefficients",
    "se_from_p_bound": "from the upper bound of a p printed as 0.000",
    "se_from_p": "from the printed p-value",
    "se_from_t": "from the printed t statistic",
}

#: Flags that effect-size conversion attaches to a row.
FLAGS: dict[str, str] = {
    "p_bound_conservative": "conservative SE",
    "decimal_comma": "decimal comma",
    "p_zero": "p printed as 0.000",
    "inferred": "value inferred",
    "bootstrap_se": "bootstrap SE",
}


#: What each data file holds, by path pattern (first match wins), for the data appendix.
#: A review describes its own files in its codebook (dimension ``data_file``, the code being
#: the pattern); those descriptions come first.
DATA_FILES: dict[str, str] = {
    "*/README.md": "how the files in this folder are laid out and were made",
    "screening/sources.csv": "the sources searched, with dates and record counts (PRISMA-S)",
    "screening/reasons.csv": "the exclusion reasons reviewers may give, with their wording",
    "screening/criteria.csv": "the eligibility criteria, in the order they are applied",
    "screening/dedup_overrides.csv": "reviewer decisions that overrule the automatic "
                                     "duplicate detection",
    "screening/previous_audit.csv": "the re-check of each study of the previous version",
    "screening/search/*": "one search export, as exported",
    "screening/title_abstract/*.csv": "one reviewer's title and abstract decisions",
    "screening/full_text/*.csv": "one reviewer's full-text decisions",
    "extraction/studies.csv": "characteristics of every study: country, region, design, "
                              "sample size, drivers",
    "extraction/effects.csv": "every effect printed in the quantitative reports, exactly as "
                              "printed",
    "extraction/review/codebook.csv": "the codes of every coded dimension, with their wording",
    "extraction/review/*.csv": "one of the review's own tables",
}

#: The packaged wording that a codebook dimension of the same name may re-word.
WORDING: dict[str, dict[str, str]] = {
    "prisma_box": PRISMA_BOXES,
    "screening": SCREENING,
    "verdict": VERDICTS,
    "check": CHECKS,
    "scale": SCALES,
    "flag": FLAGS,
    "data_file": DATA_FILES,
}


def wording(name: str, codebook=None) -> dict[str, str]:
    """The labels of one set of codes: the review's codebook first, then the packaged ones.

    Parameters
    ----------
    name : str
        A key of :data:`WORDING` (``"prisma_box"``, ``"verdict"``...) or any dimension of the
        codebook (``"driver"``).
    codebook : Codebook, optional
        The review's codebook (:func:`~reviewlib.synthesis.codebook.load_codebook`); the
        packaged wording alone when omitted.

    Returns
    -------
    dict of str to str
        In the packaged order, the codebook's own codes after them (for ``data_file`` the
        codebook's patterns come first, since the first matching pattern wins).

    Examples
    --------
    >>> wording("verdict")["out_of_scope"]
    'out of scope'
    """
    base = dict(WORDING.get(name, {}))
    own = codebook.labels(name) if codebook is not None else {}
    if name == "data_file":
        return {**own, **{k: v for k, v in base.items() if k not in own}}
    base.update(own)
    return base


def describe_file(path: str, codebook=None) -> str:
    """What a data file holds: the review's codebook (dimension ``data_file``), then
    :data:`DATA_FILES` (first matching pattern; "" for a file not described).

    Examples
    --------
    >>> describe_file("screening/full_text/team.csv")
    "one reviewer's full-text decisions"
    >>> describe_file("extraction/new_table.csv")
    ''
    """
    for pattern, text in wording("data_file", codebook).items():
        if fnmatch.fnmatch(path, pattern):
            return text
    return ""


def plain(values: pd.Series, labels: Mapping[str, str], *, sep: str = ";") -> pd.Series:
    """Replace codes by their labels, keeping unknown codes as they are.

    Parameters
    ----------
    values : pandas.Series
        Cells holding one code, or several joined by ``sep``.
    labels : mapping of str to str
        Code to label.
    sep : str
        Separator of several codes in one cell; the labels are joined by ``"; "``.

    Returns
    -------
    pandas.Series
        Same index, labels as text.

    Examples
    --------
    >>> plain(pd.Series(["p_zero;decimal_comma", "other"]), FLAGS).tolist()
    ['p printed as 0.000; decimal comma', 'other']
    """
    def one(cell: object) -> str:
        text = "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell)
        if sep and sep in text:
            return "; ".join(labels.get(c.strip(), c.strip()) for c in text.split(sep)
                             if c.strip())
        return labels.get(text, text)

    return values.map(one)
