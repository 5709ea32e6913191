"""``reviewlib screen simulate`` on a real labelled review (tests/data/screening/synergy)."""

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviewlib import cli
from reviewlib.screening import prioritise as P
from reviewlib.screening.simulation import read_labelled, replay

DATA = Path(__file__).resolve().parents[1] / "data" / "screening" / "synergy"
SEP = DATA / "Sep_2021.csv"


def _asreview_order(run):
    """ASReview LAB 3.0.8's screening order of Sep_2021 from run ``run``'s priors."""
    return pd.read_csv(DATA / f"Sep_2021_asreview_order_run{run}.csv", dtype=str).id.tolist()


@pytest.fixture(scope="module")
def sep():
    return read_labelled(SEP)


def _priors(frame, run):
    # the benchmark's rule: random.Random(run).choice of the sorted included, then excluded ids
    rng = random.Random(run)
    inc = rng.choice(sorted(frame.id[frame.label == 1]))
    exc = rng.choice(sorted(frame.id[frame.label == 0]))
    return [inc, exc]


@pytest.fixture(scope="module")
def replayed(sep):
    pos = {r: i for i, r in enumerate(sep.id)}
    return replay(sep, [pos[i] for i in _priors(sep, 0)])


def test_order_lists_every_record_once_priors_first(sep, replayed):
    assert sorted(replayed.order) == sorted(sep.id)
    assert replayed.order[:2] == _priors(sep, 0)
    assert replayed.labels.sum() == 40


def test_ranking_beats_screening_at_random(sep, replayed):
    # at random, WSS@95 is 0 and recall@10% is 10 % in expectation; the model must do
    # clearly better on this real review
    m = replayed.measures
    assert m["wss95"] > 0.2
    assert m["recall10"] > 0.2
    assert m["loss"] < 0.3
    # the stopping aid says stop after the 95 % point, never before it
    n95 = P.n_to_recall(replayed.labels, 0.95)
    assert replayed.stop_at is not None and replayed.stop_at >= n95
    assert replayed.stop_recall >= 0.95


def test_order_equals_asreviews_on_the_same_priors(replayed):
    # reference: ASReview LAB 3.0.8, default model elas_u4, --seed 1, same priors
    # (tests/data/screening/synergy/README.md); every record in the same place
    assert replayed.order == _asreview_order(0)


def test_replay_is_deterministic(sep, replayed):
    pos = {r: i for i, r in enumerate(sep.id)}
    again = replay(sep, [pos[i] for i in _priors(sep, 0)])
    assert again.order == replayed.order


def test_ties_keep_input_order():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1])
    assert P.order_by_score(scores, np.arange(5)).tolist() == [1, 3, 0, 2, 4]


def test_cli_writes_order_and_prints_measures(sep, tmp_path, capsys):
    out = tmp_path / "order.csv"
    assert cli.main(["screen", "simulate", str(SEP), "--prior", *_priors(sep, 1),
                     "--out", str(out)]) == 0
    text = capsys.readouterr().out
    for word in ("WSS@95", "WSS@100", "recall@10%", "loss", "stopping aid"):
        assert word in text
    order = pd.read_csv(out, dtype=str)
    assert list(order.columns) == ["id"] and sorted(order.id) == sorted(sep.id)
    assert order.id.tolist() == _asreview_order(1)   # ASReview LAB 3.0.8, same priors
    # an earlier order is replaced; any other file is not
    assert cli.main(["screen", "simulate", str(SEP), "--prior", *_priors(sep, 1),
                     "--out", str(out)]) == 0
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n")
    assert cli.main(["screen", "simulate", str(SEP), "--prior", *_priors(sep, 1),
                     "--out", str(other)]) == 2
    assert other.read_text() == "a,b\n1,2\n"


def test_help_of_every_screen_action(capsys):
    for action in ([], ["simulate"], ["rank"], ["sample"], ["status"]):
        assert cli.main(["screen", *action, "--help"]) == 0
    assert "recall@10%" in capsys.readouterr().out


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_errors_name_the_place(tmp_path, capsys):
    out = tmp_path / "o.csv"
    f = _write(tmp_path / "a.csv", "id,title,label_included\nx,T,1\ny,U,0\n")
    assert cli.main(["screen", "simulate", f, "--prior", "x", "y", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{f}:1: missing column(s) abstract" in err
    f = _write(tmp_path / "b.csv", "id,title,abstract,label_included\nx,T,A,1\ny,U,B,yes\n"
                                   "x,V,C,0\n")
    assert cli.main(["screen", "simulate", f, "--prior", "x", "y", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{f}:3:4: label_included must be 1 (included) or 0 (excluded), not 'yes'" in err
    assert f"{f}:4:1: id 'x' repeats line 2" in err
    f = _write(tmp_path / "c.csv", "id,title,abstract,label_included\nx,T,A,1\ny,U,B,0\n"
                                   "z,V,C,0\n")
    assert cli.main(["screen", "simulate", f, "--prior", "x", "w", "--out", str(out)]) == 1
    assert "prior id(s) not in the file: w" in capsys.readouterr().err
    assert cli.main(["screen", "simulate", f, "--prior", "y", "z", "--out", str(out)]) == 1
    assert "at least one included" in capsys.readouterr().err
    assert not out.exists()


def test_relevant_records_weigh_ratio_times_the_irrelevant_ones():
    # ASReview LAB 3.0.8's "balanced" sample weights (relevant 1, irrelevant
    # n1 / (ratio * n0), rescaled to mean 1), which the model's default settings follow
    y = np.array([1, 0, 0, 0, 0, 0, 0, 1, 0, 0])
    for ratio in (1.0, 9.8):
        w = P.Model(ratio=ratio).sample_weight(y)
        assert w.mean() == pytest.approx(1.0)
        assert w[y == 1].sum() / w[y == 0].sum() == pytest.approx(ratio)
        assert len(set(w[y == 1])) == 1 and len(set(w[y == 0])) == 1


def test_scores_order_the_training_records(sep):
    X = P.features(P.record_text(sep))
    y = sep.label.to_numpy()
    scores = P.Model().fit_predict(X, np.arange(len(y)), y)
    assert ((scores > 0) & (scores < 1)).all()
    # trained on every record, the model scores every include above every exclude
    assert scores[y == 1].min() > scores[y == 0].max()


def test_retraining_is_bounded_on_a_large_collection(monkeypatch):
    """Collections of up to 5,000 records retrain after every record; a large one in
    batches, so that 20,000 records need far fewer than 20,000 retrainings."""
    rng = np.random.default_rng(5)
    n = 20_000
    y = (rng.random(n) < 0.05).astype(int)
    X = P.features([f"w{rng.integers(50)} v{rng.integers(30)}" if not lab else
                    f"topic w{rng.integers(50)}" for lab in y])
    fits = []

    def counting(self, X, train, y, random_state=None):
        fits.append(len(train))
        return np.linspace(1, 0, X.shape[0])

    monkeypatch.setattr(P.Model, "margins", counting)
    pri = [int(np.flatnonzero(y == 1)[0]), int(np.flatnonzero(y == 0)[0])]
    order = P.simulate(X, y, pri)
    assert sorted(order) == list(range(n))
    assert len(fits) < 5200 and fits[:3] == [2, 3, 4]
    fits.clear()
    assert max(pri) < 1000
    small = P.simulate(X[:1000], y[:1000], pri)
    assert fits == list(range(2, 1000)) and sorted(small) == list(range(1000))


def test_one_seeded_stream_for_all_fits(sep, monkeypatch):
    """Each fit of a replay draws its solver seed from one stream seeded by Model.seed
    (ASReview LAB seeds numpy's global stream with --seed and lets every fit draw), so a
    replay is deterministic however often it runs and a different seed is a different,
    equally valid replay."""
    streams = []
    real = P.Model.margins

    def spy(self, X, train, y, random_state=None):
        streams.append(random_state)
        return real(self, X, train, y, random_state)

    monkeypatch.setattr(P.Model, "margins", spy)
    X = P.features(P.record_text(sep))
    y = sep.label.to_numpy()
    P.simulate(X[:60], y[:60], [int(np.flatnonzero(y == 1)[0]), int(np.flatnonzero(y == 0)[0])])
    assert len(streams) == 58 and all(s is streams[0] for s in streams)
    ref = np.random.RandomState(1)
    for _ in range(58):
        ref.randint(np.iinfo("i").max)
    assert streams[0].randint(1 << 30) == ref.randint(1 << 30)


def test_features_leave_out_words_of_almost_every_record():
    # ASReview LAB's TF-IDF cut (max_df 0.95): "common" is in all 20 texts and goes;
    # the 20 own words and the 20 pairs "common wNN" stay
    X = P.features([f"common w{i:02d}" for i in range(20)])
    assert X.shape == (20, 40)
    assert np.allclose(np.asarray(X.multiply(X).sum(axis=1)).ravel(), 1.0)
    # too few texts for the cut to leave anything: every word is kept
    assert P.features(["same words", "same words"]).shape == (2, 3)
    assert P.features(["one text only"]).shape == (1, 5)
    # no word at all: one empty column, so that a model can still be trained
    assert P.features(["", "  "]).shape == (2, 1)
    # lower-cased, accents kept (as ASReview LAB's default)
    assert P.features(["Café x1", "cafe x2"]).shape == (2, 6)


def test_scores_are_the_logistic_function_of_the_margins(sep):
    X = P.features(P.record_text(sep))
    y = sep.label.to_numpy()
    train = np.arange(0, len(y), 2)
    m = P.Model().margins(X, train, y[train])
    assert np.allclose(P.Model().fit_predict(X, train, y[train]), 1 / (1 + np.exp(-m)))
    # the margins are LinearSVC's own decision function
    from sklearn.svm import LinearSVC
    clf = LinearSVC(C=0.11, random_state=np.random.RandomState(1))
    clf.fit(X[train], y[train], sample_weight=P.Model().sample_weight(y[train]))
    assert np.array_equal(m, clf.decision_function(X))
