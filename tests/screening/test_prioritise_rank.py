"""``reviewlib screen rank``, ``screen sample`` and the stopping aid in ``screen status``."""

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from reviewlib import cli
from reviewlib.screening import check_folder
from reviewlib.screening import prioritise as P
from reviewlib.screening.simulation import read_labelled

SEP = Path(__file__).resolve().parents[1] / "data" / "screening" / "synergy" / "Sep_2021.csv"


def _drop(review: Path, *ids: str) -> None:
    """Remove every decision row of ``ids``, both stages (other bytes kept as they are)."""
    for f in [*(review / "title_abstract").glob("*.csv"), *(review / "full_text").glob("*.csv")]:
        lines = f.read_bytes().splitlines(keepends=True)
        keep = [ln for ln in lines if not any(ln.startswith(i.encode() + s)
                                              for i in ids for s in (b",", b";"))]
        f.write_bytes(b"".join(keep))


def _ranking(review: Path) -> pd.DataFrame:
    return pd.read_csv(review / "title_abstract" / "ranking.csv", dtype=str,
                       keep_default_na=False)


def test_rank_lists_the_undecided_records(review, capsys):
    _drop(review, "S06", "S07", "W03")
    assert cli.main(["screen", "rank", str(review)]) == 0
    r = _ranking(review)
    assert list(r.columns) == ["rank", "record_id", "score", "title"]
    assert sorted(r.record_id) == ["S06", "S07", "W03"]
    assert r["rank"].tolist() == ["1", "2", "3"]
    scores = r.score.astype(float)
    assert (np.diff(scores) <= 0).all() and scores.between(0, 1).all()
    first = (review / "title_abstract" / "ranking.csv").read_bytes()
    # deterministic, and an earlier ranking is replaced
    assert cli.main(["screen", "rank", str(review)]) == 0
    assert (review / "title_abstract" / "ranking.csv").read_bytes() == first
    # the to-do list is not a decision file
    folder, problems = check_folder(review)
    assert problems == []
    assert [d.reviewer for d in folder.decisions if d.stage == "title_abstract"] == \
        ["ana", "budi", "consensus"]


def test_rank_for_one_reviewer(review):
    _drop(review, "S07")
    assert cli.main(["screen", "rank", str(review), "--reviewer", "budi"]) == 0
    budi = set(pd.read_csv(review / "title_abstract" / "budi.csv", sep=";", dtype=str,
                           encoding="cp1252").record_id)
    r = _ranking(review)
    assert "S07" in set(r.record_id) and not set(r.record_id) & budi


def test_too_little_to_learn_from(review, capsys):
    # no include or maybe left: nothing to learn what is relevant
    _drop(review, "S01", "S02", "S04", "S05", "S06", "S07", "W02", "W04")
    assert cli.main(["screen", "rank", str(review)]) == 1
    assert "too little to learn from: 0 include/maybe" in capsys.readouterr().err
    assert not (review / "title_abstract" / "ranking.csv").exists()


def test_rank_never_replaces_another_file(review):
    _drop(review, "S06")
    (review / "title_abstract" / "ranking.csv").write_text("my,notes\n")
    assert cli.main(["screen", "rank", str(review)]) == 2
    assert (review / "title_abstract" / "ranking.csv").read_text() == "my,notes\n"


def test_sample_and_stopping_status(review, capsys):
    _drop(review, "S06", "S07", "W03")
    assert cli.main(["screen", "sample", "2", str(review), "--seed", "4"]) == 0
    s = pd.read_csv(review / "title_abstract" / "random_sample.csv", dtype=str)
    assert list(s.columns) == ["position", "record_id", "title", "pool", "seed"]
    assert set(s.record_id) <= {"S06", "S07", "W03"} and len(s) == 2
    assert set(s.pool) == {"3"}
    # drawn once: a second draw needs --force
    assert cli.main(["screen", "sample", "2", str(review), "--seed", "5"]) == 2
    capsys.readouterr()
    assert cli.main(["screen", "status", str(review)]) == 0
    assert "no record of the sample decided yet" in capsys.readouterr().out
    with open(review / "title_abstract" / "ana.csv", "a", encoding="utf-8") as f:
        for rid in s.record_id:
            f.write(f"{rid},exclude,topic,\n")
    assert cli.main(["screen", "check", str(review)]) == 0
    assert cli.main(["screen", "status", str(review)]) == 0
    out = capsys.readouterr().out
    assert "sample screened 2 of 2, relevant 0" in out
    assert "H0 'recall < 95%': p = " in out


def test_model_ranks_held_out_records(tmp_path):
    """Trained on half of a real review, the model separates the other half's includes
    from its excludes far better than chance (ROC AUC 0.5)."""
    frame = read_labelled(SEP)
    X = P.features(P.record_text(frame))
    y = frame.label.to_numpy()
    rng = np.random.default_rng(3)
    train = np.sort(rng.choice(len(y), len(y) // 2, replace=False))
    test = np.setdiff1d(np.arange(len(y)), train)
    scores = P.Model().fit_predict(X, train, y[train])
    assert roc_auc_score(y[test], scores[test]) > 0.75


def test_replay_of_a_folders_own_decisions(review):
    from reviewlib.screening import load_checked
    from reviewlib.screening.simulation import replay_decisions

    from reviewlib.screening.ranking import training_set

    rep = replay_decisions(load_checked(review), n_runs=2)
    ts = training_set(load_checked(review))
    assert rep.n_records == int((ts.label >= 0).sum())
    assert rep.n_relevant == int((ts.label == 1).sum())
    assert len(rep.actual) == rep.n_records and rep.actual.sum() == rep.n_relevant
    for run, labels in enumerate(rep.ranked):
        assert len(labels) == rep.n_records and labels.sum() == rep.n_relevant
        assert labels[0] == 1 and labels[1] == 0   # each replay starts from its priors
    # the order actually used follows the first reviewer file's rows
    ana = pd.read_csv(review / "title_abstract" / "ana.csv", dtype=str)
    assert rep.actual[0] == (1 if ana.decision.iloc[0] in ("include", "maybe") else 0)
    _drop(review, "S01", "S02", "S04", "S05", "S06", "S07", "W02", "W04")
    assert replay_decisions(load_checked(review)) is None
