"""Agreement, conflicts, final answers and judgements on the two-appraiser fixture.

Reference values: statsmodels.stats.inter_rater.cohens_kappa (0.15), whose kappa and ASE
follow Fleiss, Cohen & Everitt (1969) as SAS PROC FREQ does, on the contingency tables
written out below by hand from tests/data/appraisal/dual/appraisal/{ana,ben}.csv.
"""

import math

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

from reviewlib.appraisal import (
    agreement,
    conflicts,
    final_answers,
    judgements,
    load_folder,
    progress,
    weighted_kappa,
)

# MMAT, ana (rows) x ben (columns), answers Yes, No, Can't tell, on the 15 items both
# answered: alpha2020 S1 S2 3.2 3.5, beta2021 S1 1.1 1.4 agree on Yes (7); alpha2020 3.1 and
# beta2021 S2 are Yes/No; beta2021 1.2 Yes/Can't tell; alpha2020 3.4, beta2021 1.3 and
# delta2023 S1 agree on No (3); alpha2020 3.3 agrees on Can't tell; delta2023 S2 is
# Can't tell/Yes. (beta2021 1.5 is unanswered by ben.)
MMAT_TABLE = np.array([[7, 2, 1], [0, 3, 0], [1, 0, 1]])
# RoB 2 domains, ordered Low < Some concerns < High, 12 judgements on two studies.
ROB2_TABLE = np.array([[4, 1, 0], [1, 1, 1], [0, 2, 2]])


def _row(agr, tool, item):
    return agr[(agr["tool"] == tool) & (agr["item"] == item)].iloc[0]


def test_overall_kappa_matches_statsmodels(dual):
    agr = agreement(dual)
    ref = sm_kappa(MMAT_TABLE)
    row = _row(agr, "mmat2018", "all")
    assert row["n"] == 15 and not row["weighted"]
    assert row["agreement"] == pytest.approx(11 / 15)
    assert row["kappa"] == pytest.approx(ref.kappa, abs=1e-12)
    assert row["se"] == pytest.approx(ref.std_kappa, rel=1e-9)
    assert row["ci_low"] == pytest.approx(ref.kappa_low, rel=1e-9)


def test_weighted_kappa_for_ordered_answers_matches_statsmodels(dual):
    row = _row(agreement(dual), "rob2", "all")
    ref = sm_kappa(ROB2_TABLE, wt="linear")
    assert row["weighted"] and row["n"] == 12
    assert row["kappa"] == pytest.approx(ref.kappa, abs=1e-12)
    assert row["se"] == pytest.approx(ref.std_kappa, rel=1e-9)


@pytest.mark.parametrize("table", [
    [[5, 1, 0], [1, 4, 1], [0, 1, 2]],
    [[10, 3, 1, 0], [2, 8, 2, 1], [0, 1, 6, 2], [1, 0, 2, 9]],
])
def test_weighted_kappa_function(table):
    ref = sm_kappa(np.array(table), wt="linear")
    res = weighted_kappa(table)
    assert res.kappa == pytest.approx(ref.kappa, abs=1e-12)
    assert res.se == pytest.approx(ref.std_kappa, rel=1e-9)
    # identity weights give the unweighted kappa and its standard error
    plain = sm_kappa(np.array(table))
    res = weighted_kappa(table, weights=np.eye(len(table)))
    assert res.kappa == pytest.approx(plain.kappa) and res.se == pytest.approx(plain.std_kappa)


def test_per_item_rows_and_notes(dual):
    agr = agreement(dual)
    s1 = _row(agr, "mmat2018", "S1")      # 3 studies, all agree, answers Yes Yes No
    assert s1["n"] == 3 and s1["kappa"] == pytest.approx(1.0)
    assert "one study" in _row(agr, "mmat2018", "3.1")["note"]
    assert math.isnan(_row(agr, "rob2", "D3")["kappa"])   # Low/Low twice: undefined


def test_single_appraiser_is_never_perfect_agreement(data, tmp_path):
    import shutil
    ws = tmp_path / "ws"
    shutil.copytree(data / "dual", ws)
    (ws / "appraisal" / "ben.csv").unlink()
    (ws / "appraisal" / "consensus.csv").unlink()
    folder = load_folder(ws / "appraisal")
    agr = agreement(folder)
    assert list(agr["item"]) == ["all", "all"]
    assert agr["kappa"].isna().all() and agr["note"].str.contains("single appraiser").all()
    final = final_answers(folder)
    assert set(final["source"]) == {"single appraiser"}
    assert len(final) == 16 + 12 and conflicts(folder).empty
    assert list(conflicts(folder).columns)[:3] == ["study_id", "tool", "item"]


def test_status_single_appraiser(data, capsys):
    from reviewlib.cli import main
    assert main(["appraise", "status", str(data / "pooling" / "appraisal")]) == 0
    out = capsys.readouterr().out
    assert "Single appraiser (solo)" in out and "Unresolved" not in out


def test_conflicts_and_consensus(dual):
    open_ = conflicts(dual)
    assert sorted(zip(open_["study_id"], open_["item"])) == [
        ("alpha2020", "D2"), ("alpha2020", "D4"), ("alpha2020", "overall"),
        ("beta2021", "1.2"), ("beta2021", "S2"), ("delta2023", "S2"), ("gamma2022", "D5")]
    every = conflicts(dual, unresolved_only=False)
    settled = every[every["resolved"]]
    assert sorted(zip(settled["study_id"], settled["item"], settled["consensus"])) == [
        ("alpha2020", "3.1", "No"), ("gamma2022", "D2", "Some concerns")]


def test_final_answers_and_judgements(dual):
    final = final_answers(dual).set_index(["study_id", "tool", "item"])
    assert final.loc[("alpha2020", "mmat2018", "3.1"), "source"] == "consensus"
    assert final.loc[("alpha2020", "mmat2018", "3.1"), "answer"] == "No"
    assert final.loc[("alpha2020", "mmat2018", "3.2"), "source"] == "agreed"
    assert ("beta2021", "mmat2018", "1.2") not in final.index   # open conflict
    assert final.loc[("beta2021", "mmat2018", "1.5"), "source"] == "ana only"  # ben left it empty
    j = judgements(dual).set_index(["study_id", "tool"])
    alpha = j.loc[("alpha2020", "mmat2018")]
    # S1 S2 3.2 3.5 Yes; 3.1 3.4 No; 3.3 Can't tell
    assert (alpha["met"], alpha["not_met"], alpha["unclear"]) == (4, 2, 1)
    assert alpha["judgement"] == "not all criteria met"
    assert j.loc[("beta2021", "mmat2018"), "judgement"] == "incomplete"
    delta = j.loc[("delta2023", "mmat2018")]       # stopped at S1 = No, S2 still open
    assert delta["stopped"] and delta["applicable"] == 2 and delta["missing"] == 1
    assert delta["judgement"] == "incomplete"
    gamma = j.loc[("gamma2022", "rob2")]           # D5 open, D2 settled as Some concerns
    assert gamma["missing"] == 1 and gamma["judgement"] == "incomplete"


def test_progress(dual):
    prog = progress(dual).set_index(["reviewer", "tool"])
    assert list(prog.index) == [("ana", "mmat2018"), ("ana", "rob2"), ("ben", "mmat2018"),
                                ("ben", "rob2")]
    # ben stopped beta2021 at S2 = No: 2 items due there, and delta2023 too
    assert tuple(prog.loc[("ben", "mmat2018"), ["studies", "complete", "items_answered",
                                                 "items_due"]]) == (3, 3, 11, 11)
    assert prog.loc[("ana", "rob2"), "conflicts"] == 4
