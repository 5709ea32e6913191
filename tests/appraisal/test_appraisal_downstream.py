"""The appraisal used downstream: pooling subgroups, sensitivity analysis, exclusions."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from reviewlib.appraisal import (
    appraisal_groups,
    check_folder,
    excluded_after_appraisal,
    load_folder,
    sensitivity,
)
from reviewlib.cli import main
from reviewlib.errors import InputError
from reviewlib.meta import pool

# tests/data/appraisal/pooling: alpha2020 answers Yes throughout; beta2021 has No and
# Unclear answers; gamma2022 answers "Not applicable" to item 4 and Yes elsewhere (so every
# applicable criterion is met); delta2023 is not appraised.
GROUPS = {"alpha2020": "all criteria met", "beta2021": "not all criteria met",
          "gamma2022": "all criteria met", "delta2023": "not appraised"}


@pytest.fixture
def pooling(data):
    return data / "pooling"


def test_groups(pooling):
    folder = load_folder(pooling / "appraisal")
    assert appraisal_groups(folder, sorted(GROUPS)) == GROUPS


def test_pool_by_appraisal(pooling, capsys):
    effects = str(pooling / "extraction" / "effects.csv")
    assert main(["pool", "--effects", effects, "--outcome", "performance", "--by",
                 "appraisal", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    groups = {g["group"]: g for g in out["subgroups"]["groups"]}
    assert set(groups) == {"all criteria met", "not all criteria met", "not appraised"}
    met = groups["all criteria met"]
    # the same three effects (a1, a2, c1) pooled on their own
    ref = pool([0.62, 0.48, 0.35], [0.10**2, 0.15**2, 0.20**2])
    assert met["k"] == 3
    assert met["estimate"] == pytest.approx(ref.estimate, rel=1e-9)
    assert main(["pool", "--effects", effects, "--outcome", "performance", "--by",
                 "appraisal:nosuchtool"]) == 2


def test_sensitivity(pooling):
    data = pd.DataFrame({"study_id": ["alpha2020", "alpha2020", "beta2021", "gamma2022",
                                      "delta2023"],
                         "yi": [0.62, 0.48, 0.20, 0.35, 0.90],
                         "vi": np.array([0.10, 0.15, 0.12, 0.20, 0.25]) ** 2})
    out = sensitivity(data, GROUPS).set_index("analysis")
    assert list(out["k"]) == [5, 3] and list(out["studies"]) == [4, 2]
    assert out.loc["all studies", "estimate"] == pytest.approx(
        pool(data["yi"], data["vi"]).estimate)
    assert out.loc["all criteria met only", "estimate"] == pytest.approx(
        pool([0.62, 0.48, 0.35], [0.01, 0.0225, 0.04]).estimate)
    one = sensitivity(data, GROUPS, keep=("not all criteria met",))
    assert one["k"].tolist() == [5, 1] and "fewer than two" in one["note"].iloc[1]


def test_excluded_after_appraisal(pooling, tmp_path):
    folder = load_folder(pooling / "appraisal")
    assert excluded_after_appraisal(folder)["study_id"].tolist() == ["beta2021"]
    ws = tmp_path / "ws"
    shutil.copytree(pooling, ws)
    (ws / "appraisal" / "excluded.csv").write_text(
        "study_id,reason\ndelta2023,no full text\nalpha2020,\n")
    _, problems = check_folder(ws / "appraisal")
    assert [(p.line, p.column) for p in problems] == [(2, 1), (3, 2)]
    assert "not appraised" in problems[0].message
    with pytest.raises(InputError):
        excluded_after_appraisal(load_folder(ws / "appraisal"))
    (ws / "appraisal" / "excluded.csv").unlink()
    assert excluded_after_appraisal(load_folder(ws / "appraisal")).empty
