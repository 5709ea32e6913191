"""pool --effects: what is not independent is refused; selections list what exists.

Fixtures: tests/data/effects/effects.csv (real rows of Fitriani et al. 2023 and Suryawijaya &
Wardhani 2023) and tests/data/effects/samples.csv (how their samples relate).
"""

import json
import shutil
from pathlib import Path

import pytest

from reviewlib.cli import main
from reviewlib.effects import prepare_analysis
from reviewlib.effects.pooling import PoolingRefused, select_for_pooling
from reviewlib.errors import UsageError
from reviewlib.meta import pool

DATA = Path(__file__).parents[1] / "data" / "effects"
EFFECTS = str(DATA / "effects.csv")


def _pool(*args):
    return main(["pool", "--effects", EFFECTS, *args])


def test_a_sample_with_its_own_subsamples_is_refused_naming_rows_and_ways_out(capsys):
    assert _pool("--outcome", "digital performance", "--exposure", "social media") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "the selected effects are not independent; nothing was pooled" in err
    assert "sample 'Java' (line 9) is part of 'full' (lines 2, 3, 4)" in err
    assert "sample 'Java' (line 9) may share units with 'trade (G)' (line 15)" in err
    assert "3 rows of one sample, fitriani2023 'full': line 2 fit-t3-m1-sm (Model I" in err
    for way in ("--model NAME", "--sample NAME", "--multilevel study/effect", "--robust study"):
        assert way in err
    assert '--sample Java "outside Java"' in err and '--sample "trade (G)" non-trade' in err


def test_overlap_is_refused_in_every_mode(capsys):
    for extra in (["--multilevel", "study/effect"], ["--robust", "study"], ["--model", "Model I"]):
        assert _pool("--outcome", "digital", "--exposure", "social media", *extra) == 1
        err = capsys.readouterr().err
        assert "is part of 'full'" in err and "refused in every mode" in err
        assert "--multilevel study/effect" not in err      # not a way out of an overlap


def test_one_row_per_disjoint_sample_is_pooled(capsys):
    assert _pool("--outcome", "digital", "--exposure", "social media", "--model", "Model I",
                 "--sample", "Java", "outside Java", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    frame = prepare_analysis(EFFECTS, outcome="digital performance", exposure="social media",
                             model="Model I", samples=["Java", "outside Java"])
    direct = pool(frame["yi"], frame["vi"])
    assert out["k"] == 2 and out["outcome"] == "digital performance"
    assert out["estimate"] == pytest.approx(direct.estimate, rel=1e-12)
    assert out["effect_ids"] == ["fit-t4-java-m1-sm", "fit-t4-out-m1-sm"]


def test_rows_of_one_sample_and_different_exposures_are_refused(capsys):
    assert _pool("--outcome", "customer loyalty") == 1
    err = capsys.readouterr().err
    assert "2 rows of one sample, suryawijaya2023 'full'" in err
    assert "rows of 2 different exposures: 'personalized marketing' (line 20 sur-t3-x-z); " \
           "'customer convenience' (line 21 sur-t3-y-z)" in err
    assert "--exposure NAME" in err


def test_path_coefficients_are_pooled_on_their_own_scale_never_as_log_odds_ratios():
    sel = select_for_pooling(EFFECTS, outcome="customer loyalty", exposure="customer convenience")
    assert sel.scale == "standardized_coef"
    assert sel.frame["yi"].tolist() == [0.449]


def test_different_families_are_refused_in_every_mode(tmp_path):
    rows = (DATA / "effects.csv").read_text(encoding="utf-8").splitlines(True)
    mixed = [rows[0]] + [r for r in rows if r.startswith(("sur-t3-x-z", "fit-t3-m1-sm"))]
    mixed = [r.replace("customer loyalty", "digital performance") for r in mixed]
    (tmp_path / "effects.csv").write_text("".join(mixed), encoding="utf-8")
    shutil.copy(DATA / "samples.csv", tmp_path / "samples.csv")
    for mode in ("independent", "multilevel", "robust"):
        with pytest.raises(PoolingRefused) as e:
            select_for_pooling(tmp_path / "effects.csv", outcome="digital", mode=mode)
        assert [i.kind for i in e.value.issues if i.always] == ["family"]
        assert "odds ratio: line 2 fit-t3-m1-sm; standardised coefficient: line 3 sur-t3-x-z" \
            in str(e.value)


def test_without_a_samples_file_several_samples_of_a_study_are_refused(tmp_path):
    shutil.copy(DATA / "effects.csv", tmp_path / "effects.csv")
    with pytest.raises(PoolingRefused, match="'Java' .* has no declared relation to"):
        select_for_pooling(tmp_path / "effects.csv", outcome="digital", exposure="social media",
                           model="Model I", samples=["Java", "outside Java"])


def test_several_rows_of_one_sample_pass_when_the_dependence_is_modelled():
    sel = select_for_pooling(EFFECTS, outcome="digital", exposure="social media",
                             samples=["Java", "outside Java"], mode="multilevel")
    assert sorted(sel.frame["effect_id"]) == ["fit-t4-java-m1-sm", "fit-t4-out-m1-sm",
                                              "fit-t4-out-m2-sm"]


def _multistudy(tmp_path):
    """Three studies, each with two models fitted to one sample (log odds ratios with SEs)."""
    from reviewlib.effects import COLUMNS
    rows = [(s, m, est, se) for s, pairs in
            (("s1", (("0.41", "0.10"), ("0.35", "0.12"))), ("s2", (("0.10", "0.08"), ("0.18", "0.09"))),
             ("s3", (("0.62", "0.15"), ("0.50", "0.14"))))
            for m, (est, se) in zip(("Model I", "Model II"), pairs)]
    lines = [",".join(COLUMNS)]
    for s, m, est, se in rows:
        cells = dict(effect_id=f"{s}-{m[-2:].strip()}", study_id=s, report=s, location="Table 1",
                     model=m, sample="all", exposure="x", outcome="y", measure="log_odds_ratio",
                     estimate=est, se=se)
        lines.append(",".join(cells.get(c, "") for c in COLUMNS))
    (tmp_path / "effects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(tmp_path / "effects.csv")


@pytest.mark.parametrize("extra", [["--multilevel", "study/effect"],
                                   ["--multilevel", "study/effect", "--robust", "study"],
                                   ["--robust", "study"]])
def test_the_cli_hands_modelled_dependence_to_reviewlib_meta(tmp_path, capsys, extra):
    """Several rows per sample pass with --multilevel/--robust and go to
    reviewlib.meta.dependent.pool_dependent: the same numbers as calling it directly."""
    from reviewlib.meta.dependent import pool_dependent

    path = _multistudy(tmp_path)
    assert main(["pool", "--effects", path, "--outcome", "y"]) == 1      # refused without
    assert "2 rows of one sample, s1 'all'" in capsys.readouterr().err
    code = main(["pool", "--effects", path, "--outcome", "y", "--json", *extra])
    out, err = capsys.readouterr()
    frame = select_for_pooling(path, outcome="y", mode="multilevel").frame
    multilevel = "--multilevel" in extra
    fit, rob = pool_dependent(frame["yi"], frame["vi"],
                              outer=list(frame["study_id"]) if multilevel else None,
                              inner=list(frame["effect_id"]) if multilevel else None,
                              cluster=list(frame["study_id"]) if "--robust" in extra else None)
    got = json.loads(out)
    assert code == 0 and got["k"] == 6
    assert got["estimate"] == pytest.approx(fit.estimate, rel=1e-12)
    if multilevel:
        assert got["sigma2"] == pytest.approx(list(fit.sigma2), rel=1e-9, abs=1e-12)
    if rob is not None:
        assert got["robust_se"] == pytest.approx(rob.se, rel=1e-12)
        assert got["robust_df"] == pytest.approx(rob.df, rel=1e-12)


def test_outcome_prefix_unique_ambiguous_and_unknown(capsys):
    sel = select_for_pooling(EFFECTS, outcome="DIGITAL", exposure="social media",
                             model="Model II", samples=["Java", "outside Java"])
    assert sel.outcome == "digital performance"
    with pytest.raises(UsageError, match="begins several outcomes") as e:
        select_for_pooling(EFFECTS, outcome="customer")
    assert "'customer convenience'" in str(e.value) and "'customer loyalty'" in str(e.value)
    assert _pool("--outcome", "revenue") == 2
    err = capsys.readouterr().err
    assert "no outcome is or begins with 'revenue'" in err
    assert "outcomes: 'customer convenience'; 'customer loyalty'; 'digital performance'" in err


def test_a_selection_that_matches_nothing_lists_what_the_file_has(capsys):
    assert _pool("--outcome", "digital", "--exposure", "social media", "--model", "Model IV") == 2
    err = capsys.readouterr().err
    assert "no effects match the selection" in err
    assert "models: 'Model I'; 'Model II'; 'Model III'" in err
    assert "samples: 'full'; 'Java'; 'non-trade'; 'outside Java'; 'trade (G)'" in err
    assert "exposures: 'customer management'; 'education'; 'gender'; 'social media'; " \
           "'social media x customer management'" in err      # no 'constant'


def test_intercepts_are_never_pooled():
    frame = prepare_analysis(EFFECTS, outcome="digital performance", model="Model I",
                             samples=["full"])
    assert "fit-t3-m1-const" not in set(frame["effect_id"])
    assert {"effect_id": "fit-t3-m1-const", "line": 8,
            "reason": "'constant' is an intercept, not an effect"} in frame.attrs["excluded"]
    with pytest.raises(UsageError, match="no effects match"):
        select_for_pooling(EFFECTS, outcome="digital", exposure="constant")


def test_upper_bound_ses_mark_the_result(capsys):
    args = ("--outcome", "digital", "--exposure", "social media", "--model", "Model I",
            "--sample", "Java", "outside Java")
    assert _pool(*args, "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["heterogeneity_informative"] is False
    assert out["se_upper_bound"] == ["fit-t4-java-m1-sm", "fit-t4-out-m1-sm"]
    assert "heterogeneity statistics (Q, I^2, tau^2 or sigma^2) are uninformative" in out["notes"][0]
    assert _pool(*args) == 0
    assert "Note: the standard errors of all effects are upper bounds" in capsys.readouterr().out


def test_exact_ses_leave_heterogeneity_informative(capsys):
    assert _pool("--outcome", "digital", "--exposure", "customer management", "--model",
                 "Model I", "--sample", "Java", "outside Java", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["heterogeneity_informative"] is True and out["se_upper_bound"] == []
    assert "notes" not in out


def test_effects_mode_needs_an_outcome(capsys):
    assert _pool() == 2
    assert "--effects needs --outcome NAME" in capsys.readouterr().err


def test_by_sample_compares_samples_that_do_not_overlap(capsys):
    assert _pool("--outcome", "digital", "--exposure", "social media", "--model", "Model I",
                 "--sample", "Java", "outside Java", "--by", "sample") == 0
    out = capsys.readouterr().out
    assert "Subgroups by sample (separate tau^2):" in out
    assert "Test for subgroup differences: Qb(df = 1)" in out


def test_rows_with_check_errors_are_pooled_with_a_warning_or_left_out(capsys):
    """Fitriani et al. (2023) Table 4, Java, Model I, cos_man prints OR = exp(-b): an
    error of 'effects check'. Pooled by default with a warning; left out on request."""
    argv = ("--outcome", "digital", "--exposure", "customer management", "--model", "Model I",
            "--sample", "Java", "outside Java", "--method", "FE", "--json")
    assert _pool(*argv) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["k"] == 2 and "fit-t4-java-m1-cm" in out["effect_ids"]
    warned = [ln for ln in captured.err.splitlines() if ": warning: " in ln]
    assert len(warned) == 1 and "fit-t4-java-m1-cm is pooled although" in warned[0]
    assert "(or_vs_exp)" in warned[0]
    assert _pool(*argv, "--exclude-errors") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["effect_ids"] == ["fit-t4-out-m1-cm"]
    assert [e["effect_id"] for e in out["excluded"]] == ["fit-t4-java-m1-cm"]


def test_samples_file_option_points_to_the_declarations(tmp_path, capsys):
    shutil.copy(DATA / "effects.csv", tmp_path / "effects.csv")
    argv = ["pool", "--effects", str(tmp_path / "effects.csv"), "--outcome", "digital",
            "--exposure", "social media", "--model", "Model I", "--sample", "Java",
            "outside Java", "--json"]
    assert main(argv) == 1
    assert "'Java' (line 9) has no declared relation to 'outside Java'" in capsys.readouterr().err
    assert main(argv + ["--samples-file", str(DATA / "samples.csv")]) == 0
    assert json.loads(capsys.readouterr().out)["k"] == 2
