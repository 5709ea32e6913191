"""Traffic-light and summary plots: what is drawn, colour and symbol per answer, bytes."""

import pytest

from reviewlib.appraisal import final_answers
from reviewlib.appraisal.plots import (
    STYLE,
    save_figure,
    summary_data,
    summary_plot,
    traffic_light_data,
    traffic_light_plot,
)
from reviewlib.cli import main
from reviewlib.errors import UsageError


def test_traffic_light_cells(dual):
    cells = traffic_light_data(dual.tools["mmat2018"], final_answers(dual))
    assert list(dict.fromkeys(cells["column"])) == ["S1", "S2", "1", "2", "3", "4", "5"]
    alpha = cells[cells["study_id"] == "alpha2020"].set_index("column")
    assert list(alpha["item"]) == ["S1", "S2", "3.1", "3.2", "3.3", "3.4", "3.5"]
    assert list(alpha["signal"]) == ["met", "met", "not met", "met", "unclear", "not met", "met"]
    beta = cells[cells["study_id"] == "beta2021"].set_index("column")
    assert beta.loc["S2", "signal"] == "no answer"       # open conflict: no final answer
    delta = cells[cells["study_id"] == "delta2023"].set_index("column")
    # S1 = No stops the appraisal: the category's items are blank, not "no answer"
    assert list(delta["signal"]) == ["not met", "no answer", "", "", "", "", ""]


def test_every_signal_has_a_distinct_colour_and_symbol():
    colours = [c for c, _, _ in STYLE.values()]
    symbols = [s for _, s, _ in STYLE.values()]
    assert len(set(colours)) == len(colours) and len(set(symbols)) == len(symbols)


def test_summary_shares_plain_and_weighted(dual):
    tool, answers = dual.tools["mmat2018"], final_answers(dual)
    s1 = summary_data(tool, answers).query("item == 'S1'").set_index("answer")
    # S1: alpha Yes, beta Yes, delta No
    assert s1.loc["Yes", "share"] == pytest.approx(2 / 3) and s1.loc["No", "n"] == 1
    w = summary_data(tool, answers, weights={"alpha2020": 3.0, "beta2021": 1.0,
                                             "delta2023": 4.0})
    s1 = w.query("item == 'S1'").set_index("answer")
    assert s1.loc["Yes", "share"] == pytest.approx(4 / 8)
    assert s1.loc["No", "share"] == pytest.approx(4 / 8)
    # a study without a weight is left out of the weighted shares
    only = summary_data(tool, answers, weights={"alpha2020": 1.0})
    assert set(only["n"]) == {1} and set(only["item"]) == {"S1", "S2", "3.1", "3.2", "3.3",
                                                             "3.4", "3.5"}
    with pytest.raises(UsageError):
        summary_data(tool, answers, weights={"alpha2020": -1.0})


def test_svg_is_deterministic(dual, tmp_path):
    answers = final_answers(dual)
    for draw in (traffic_light_plot, summary_plot):
        a = save_figure(draw(dual.tools["rob2"], answers), tmp_path / "a.svg").read_bytes()
        b = save_figure(draw(dual.tools["rob2"], answers), tmp_path / "b.svg").read_bytes()
        assert a == b and b"<dc:date>" not in a
        assert b"Some concerns (!)" in a          # the legend names answer and symbol


def test_cli_plot(data, tmp_path, capsys):
    folder = str(data / "dual" / "appraisal")
    out = tmp_path / "tl.svg"
    assert main(["appraise", "plot", folder, "--traffic-light", "--tool", "rob2",
                 "--svg", str(out)]) == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    # several tools answered: the tool must be named
    assert main(["appraise", "plot", folder, "--summary", "--png", str(tmp_path / "s.png")]) == 2
    weights = tmp_path / "w.csv"
    weights.write_text("study_id,weight\nalpha2020,2\nbeta2021,abc\n")
    assert main(["appraise", "plot", folder, "--summary", "--tool", "mmat2018", "--weights",
                 str(weights), "--png", str(tmp_path / "s.png")]) == 1
    assert f"{weights}:3:2: weight must be" in capsys.readouterr().err
    assert not (tmp_path / "s.png").exists()
    mine = tmp_path / "notes.svg"
    mine.write_text("my notes")
    assert main(["appraise", "plot", folder, "--summary", "--tool", "rob2", "--svg",
                 str(mine)]) == 2
    assert mine.read_text() == "my notes"
