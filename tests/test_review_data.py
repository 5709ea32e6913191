"""Checks on the review's own data: ``screening/`` and ``extraction/`` as shipped.

The screening folder holds an update of Rizkita, Sudarmiati & Pratikto (2026): the 60 studies
of its reference list are the previous version; four supplied reports (Fitriani et al. 2023;
Suryawijaya & Wardhani 2023, journal article and preprint; Fathiya) and their four reference
lists are the new identification. ``extraction/`` holds study characteristics and the effects
printed in Fitriani et al. (2023, Tables 3-5) and Suryawijaya & Wardhani (2023, Table 3).

These tests read only files inside the repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pandas as pd
import pytest

from reviewlib.io import read_records
from reviewlib.screening.load import load_folder

ROOT = Path(__file__).resolve().parents[1]
SCREENING = ROOT / "screening"
EXTRACTION = ROOT / "extraction"


#: Printed entries of each reference list (counted by hand in the documents) and of the
#: previous version's bibliography.
EXPECTED_RECORDS = {
    "previous": 60,                        # Rizkita et al. (2026), bibliography
    "supplied": 4,                         # the four supplied reports
    "cit_fitriani2023": 70,                # Fitriani et al. (2023), reference list
    "cit_suryawijaya2023_article": 20,     # journal version, "Refferences"
    "cit_suryawijaya2023_preprint": 16,    # preprint, "References" 1-16
    "cit_fathiya": 15,                     # Fathiya, "REFERENCES"
}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _team(folder, stage: str) -> pd.DataFrame:
    """The team's file at ``stage`` with its decisions (derived when the file is coded)."""
    return next(d for d in folder.decisions if d.stage == stage and d.reviewer == "team").frame


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return _csv(SCREENING / "sources.csv")


@pytest.fixture(scope="module")
def exports(sources) -> dict[str, pd.DataFrame]:
    """Records of every source, read with the package's own readers."""
    return {s.source_id: read_records(SCREENING / s.file).frame for s in sources.itertuples()}


@pytest.fixture(scope="module")
def folder():
    """The screening folder loaded (and deduplicated) once for the module."""
    return load_folder(str(SCREENING))


@pytest.fixture(scope="module")
def studies() -> pd.DataFrame:
    return _csv(EXTRACTION / "studies.csv")


@pytest.fixture(scope="module")
def effects() -> pd.DataFrame:
    return _csv(EXTRACTION / "effects.csv")


# ----------------------------------------------------------------------------- exports
def test_every_source_has_its_printed_number_of_records(exports):
    assert {k: len(v) for k, v in exports.items()} == EXPECTED_RECORDS


def test_record_ids_are_unique_across_all_exports(exports):
    ids = pd.concat([f["id"] for f in exports.values()])
    assert ids.str.fullmatch(r"[a-z0-9]+").all(), "ids are lower-case ASCII keys"
    assert not ids.duplicated().any(), sorted(ids[ids.duplicated()])


def test_previous_version_keys_are_the_keys_of_references_bib(exports):
    refs = {e.key for e in bibtexparser.parse_file(str(ROOT / "references.bib")).entries}
    previous = set(exports["previous"]["id"])
    assert len(previous) == 60
    assert previous <= refs, sorted(previous - refs)


def test_supplied_reports_use_the_keys_of_references_bib(exports):
    refs = {e.key for e in bibtexparser.parse_file(str(ROOT / "references.bib")).entries}
    supplied = set(exports["supplied"]["id"])
    assert supplied == {"fitriani2023social", "suryawijaya2023tailoringa",
                        "suryawijaya2023tailoringb", "fathiyandexploration"}
    assert supplied <= refs


def test_no_cited_work_is_one_of_the_previous_studies(exports):
    """The four reference lists share no DOI and no title with the previous version."""
    def norm(t: str) -> str:
        return re.sub(r"[^a-z0-9]", "", t.lower())
    prev = exports["previous"]
    prev_doi = set(prev["doi"].str.lower()) - {""}
    prev_title = set(prev["title"].map(norm))
    for sid, frame in exports.items():
        if sid == "previous":
            continue
        assert not (set(frame["doi"].str.lower()) - {""}) & prev_doi, sid
        assert not set(frame["title"].map(norm)) & prev_title, sid


# ------------------------------------------------------------------------ deduplication
def test_the_two_lists_of_one_study_collapse_into_one(folder, exports):
    """The preprint's 16 references are all in the journal version's list of 20.

    15 match by rule; the 16th (Suryawijaya et al. 2023, printed with two spellings of one
    DOI) is joined by ``dedup_overrides.csv``. 125 records in, 109 kept.
    """
    assert len(folder.identified) == 125
    assert len(folder.records) == 109
    removed = folder.duplicates.set_index("id")["kept_id"]
    preprint_list = set(exports["cit_suryawijaya2023_preprint"]["id"])
    assert set(removed.index) == preprint_list
    for rid, kept in removed.items():
        assert kept == rid[:-1] + "a", (rid, kept)   # ...b merges into ...a


def test_journal_article_and_preprint_stay_two_reports(folder):
    kept = set(folder.records["id"])
    assert {"suryawijaya2023tailoringa", "suryawijaya2023tailoringb"} <= kept


# ----------------------------------------------------------------------------- decisions
def test_every_decision_names_a_kept_record(folder):
    kept = set(folder.records["id"])
    ta = _team(folder, "title_abstract")
    ft = _team(folder, "full_text")
    assert set(ta["record_id"]) <= kept
    assert set(ft["record_id"]) <= kept
    # every citation record got a title check; the four supplied reports went to full text
    supplied = {"fitriani2023social", "suryawijaya2023tailoringa",
                "suryawijaya2023tailoringb", "fathiyandexploration"}
    assert set(ta["record_id"]) == kept - supplied
    passed = set(ta.loc[ta["decision"].isin(["include", "maybe"]), "record_id"])
    assert set(ft["record_id"]) == passed | supplied


def test_only_supplied_reports_were_retrieved(folder):
    ft = _team(folder, "full_text")
    retrieved = set(ft.loc[ft["retrieved"] == "yes", "record_id"])
    assert retrieved == {"fitriani2023social", "suryawijaya2023tailoringa",
                         "suryawijaya2023tailoringb", "fathiyandexploration"}
    assert (ft.loc[ft["retrieved"] == "no", "decision"] == "").all()


def test_journal_article_and_preprint_share_one_study_id(studies):
    ft = _csv(SCREENING / "full_text" / "team.csv").set_index("record_id")
    assert ft.loc["suryawijaya2023tailoringa", "study_id"] == \
        ft.loc["suryawijaya2023tailoringb", "study_id"] == "suryawijaya2023tailoring"
    row = studies.set_index("study_id").loc["suryawijaya2023tailoring"]
    assert set(row["reports"].split(";")) == {"suryawijaya2023tailoringa",
                                              "suryawijaya2023tailoringb"}


def test_audit_covers_every_previous_study_once(exports, folder):
    audit = folder.audit
    assert sorted(audit["record_id"]) == sorted(exports["previous"]["id"])
    # the records plainly outside the review's field are out of scope
    off = set(audit.loc[audit["reason"] == "off_topic", "record_id"])
    assert off == {"hu2025performance", "li2023ship", "sun2023optimization"}
    verdict = audit.set_index("record_id")["verdict"]
    assert verdict["nsude2025removal"] == "out_of_scope"        # Nigeria
    assert verdict["molinasanchez2022determining"] == "out_of_scope"  # Mexico


def test_screen_check_exits_zero_on_the_review_folder():
    run = subprocess.run([sys.executable, "-m", "reviewlib", "screen", "check", str(SCREENING)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


# ---------------------------------------------------------------------------- extraction
def test_studies_use_only_the_allowed_codes(studies):
    from reviewlib.synthesis import check_codebook

    assert not studies["study_id"].duplicated().any()
    # drivers, regions and designs: only codes of extraction/review/codebook.csv
    assert [str(p) for p in check_codebook(ROOT)] == []
    assert set(studies["source"]) <= {"previous", "new"}
    assert set(studies["included"]) <= {"yes", "no"}
    assert studies.loc[studies["n"] != "", "n"].str.fullmatch(r"\d+").all()


def test_previous_studies_carry_their_audit_verdict(studies, folder):
    audit = folder.audit.set_index("record_id")["verdict"]
    prev = studies[studies["source"] == "previous"].set_index("study_id")
    assert len(prev) == 60
    assert (prev["audit"] == audit.reindex(prev.index)).all()
    # a previous study stays included unless the audit found it out of scope
    assert ((prev["included"] == "no") == (prev["audit"] == "out_of_scope")).all()


def test_included_studies_match_the_prisma_total(studies):
    run = subprocess.run([sys.executable, "-m", "reviewlib", "prisma", str(SCREENING), "--json"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    counts = json.loads(run.stdout)
    assert counts["total_studies"] == (studies["included"] == "yes").sum()
    assert counts["new_studies"] == ((studies["source"] == "new")
                                     & (studies["included"] == "yes")).sum()
    assert counts["citations_results"] == 70 + 20 + 16 + 15


def test_effects_belong_to_known_studies_and_reports(effects, studies, exports):
    assert set(effects["study_id"]) <= set(studies["study_id"])
    assert set(effects["report"]) <= set(exports["supplied"]["id"])
    assert not effects["effect_id"].duplicated().any()
    assert not effects["location"].duplicated().any()


def test_effects_rows_match_the_structure_of_the_printed_tables(effects):
    """One row per variable x model x (sub)sample, as the tables are laid out.

    Fitriani et al. (2023) Tables 3-5 each fit Models I-III on a sample: Table 3 on the full
    sample, Table 4 on Java and outside Java, Table 5 on trade (G) and non-trade. In every
    sample, social media, cos_man and the constant appear in all three models (3 x 3 = 9),
    int_opr, educ and gender enter from Model II (3 x 2 = 6), and the interaction
    social media#cos_man only in Model III (1): 16 cells per sample, so 16, 32 and 32.
    Suryawijaya & Wardhani (2023) Table 3 has three paths (X->Y, X->Z, Y->Z).
    """
    per_sample = {"social media": 3, "cos_man": 3, "constant": 3,
                  "int_opr": 2, "educ": 2, "gender": 2, "social media#cos_man": 1}
    fit = effects[effects["report"] == "fitriani2023social"]
    table = fit["location"].str.extract(r"^(Table \d)")[0]
    samples = {"Table 3": ["full"], "Table 4": ["Java", "outside Java"],
               "Table 5": ["trade (G)", "non-trade (non-G)"]}
    for tab, subs in samples.items():
        rows = fit[table == tab]
        assert len(rows) == len(subs) * sum(per_sample.values()), tab
        assert sorted(rows["sample"].unique()) == sorted(subs)
        for sub in subs:
            counts = rows[rows["sample"] == sub]["exposure"].value_counts().to_dict()
            assert counts == per_sample, (tab, sub)
    models = fit.groupby("exposure")["model"].apply(set).to_dict()
    assert models["int_opr"] == {"Model II", "Model III"}
    assert models["social media#cos_man"] == {"Model III"}
    assert (fit["measure"] == "logit_coef").all()
    sw = effects[effects["study_id"] == "suryawijaya2023tailoring"]
    assert len(sw) == 3 and (sw["measure"] == "path_coef").all() and (sw["n"] == "100").all()


def test_n_is_the_data_row_of_each_sample(effects):
    """The "data" row of each table, as printed (Fitriani et al. 2023, Tables 3-5)."""
    fit = effects[effects["report"] == "fitriani2023social"]
    n = fit.groupby("sample")["n"].unique().map(list).to_dict()
    assert n == {"full": ["11,077"], "Java": ["5,111"], "outside Java": ["5,966"],
                 "trade (G)": ["5,255"], "non-trade (non-G)": ["5,822"]}


@pytest.mark.parametrize("location, column, printed", [
    # Fitriani et al. (2023), Table 3: commas in the constant, decimal comma in p
    ("Table 3, full, Model I, constant", "estimate", "-1,435,267"),
    ("Table 3, full, Model I, social media", "odds_ratio", "1.868962"),
    ("Table 3, full, Model II, educ", "p", "0.072**"),
    # Table 4: a space before the stars, and an odds ratio below 1 for a positive coefficient
    ("Table 4, outside Java, Model II, social media", "p", "0,000 ***"),
    ("Table 4, Java, Model I, cos_man", "estimate", "0.0368856"),
    ("Table 4, Java, Model I, cos_man", "odds_ratio", "0.9637864"),
    # Table 5: odds ratios with misplaced separators, a negative "odds ratio"
    ("Table 5, non-trade (non-G), Model II, educ", "odds_ratio", "110.211"),
    ("Table 5, non-trade (non-G), Model I, social media", "odds_ratio", "189,856"),
    ("Table 5, non-trade (non-G), Model II, constant", "odds_ratio", "-149,982"),
    # Suryawijaya & Wardhani (2023), Table 3
    ("Table 3, X => Y", "t", "164.130"),
    ("Table 3, Y => Z", "sample_mean", "0.467"),
])
def test_cells_are_kept_exactly_as_printed(effects, location, column, printed):
    row = effects.set_index("location").loc[location]
    assert row[column] == printed


def test_dash_coefficients_are_kept_as_printed_with_a_note(effects):
    """Nine coefficient cells of Table 5 print only a '-'; they hold that dash, nothing filled in."""
    blank = effects[(effects["measure"] == "logit_coef") & (effects["estimate"] == "-")]
    assert len(blank) == 9
    assert blank["location"].str.startswith("Table 5").all()
    assert blank["note"].str.contains("lone '-'").all()
