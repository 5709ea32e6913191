"""``reviewlib dedup`` in-process: outputs, exit codes, byte-identical reruns, bad input."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from reviewlib.cli import main

from dedup_support import DATA

OUTPUTS = ["records.csv", "duplicates.csv", "related.csv", "maybe.csv"]


@pytest.fixture()
def inputs(tmp_path):
    """Three exports of different formats: a benchmark sample split in two CSV files, and the
    two reports of Suryawijaya & Wardhani (2023) as RIS and BibTeX."""
    records = pd.read_csv(DATA / "samples" / "cytology_screening" / "records.csv", dtype=str,
                          keep_default_na=False)
    a, b = tmp_path / "pubmed.csv", tmp_path / "embase.csv"
    records.iloc[::2].to_csv(a, index=False)
    records.iloc[1::2].to_csv(b, index=False)
    ris = shutil.copy(DATA / "suryawijaya2023_journal.ris", tmp_path / "journal.ris")
    bib = shutil.copy(DATA / "suryawijaya2023_preprint.bib", tmp_path / "preprint.bib")
    return [str(a), str(b), str(ris), str(bib)], records


def read(folder, name):
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def test_writes_four_files_and_accounts_for_every_id(inputs, tmp_path, capsys):
    paths, records = inputs
    out = tmp_path / "out"
    assert main(["dedup", *paths, "--out", str(out), "--no-progress"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    kept = read(out, "records.csv")
    dups = read(out, "duplicates.csv")
    members = [x for m in kept["merged_ids"] for x in m.split(";")]
    every = list(records["id"]) + ["suryawijaya2023journal", "suryawijaya2023preprint"]
    assert sorted(members) == sorted(every)                       # each id exactly once
    assert sorted(list(kept["id"]) + list(dups["id"])) == sorted(every)
    assert list(dups.columns) == ["id", "kept_id", "rule", "score"]
    related = read(out, "related.csv")
    assert related[["id_a", "id_b", "relation"]].values.tolist() == [
        ["suryawijaya2023journal", "suryawijaya2023preprint", "preprint"]]
    assert "records ->" in capsys.readouterr().err


def test_reruns_are_byte_identical_whatever_the_order(inputs, tmp_path):
    paths, _ = inputs
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["dedup", *paths, "--out", str(first), "--no-progress"]) == 0
    # other file order, and the rows of one file reversed
    frame = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    frame.iloc[::-1].to_csv(paths[0], index=False)
    assert main(["dedup", *reversed(paths), "--out", str(second), "--no-progress"]) == 0
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    before = {name: (first / name).read_bytes() for name in OUTPUTS}
    assert main(["dedup", *paths, "--out", str(first), "--no-progress"]) == 0   # over its own output
    assert before == {name: (first / name).read_bytes() for name in OUTPUTS}


def test_bad_input_writes_nothing(inputs, tmp_path, capsys):
    paths, _ = inputs
    bad = tmp_path / "bad.csv"
    bad.write_text('id,title,year\nx1,"unclosed title,2020\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["dedup", *paths, str(bad), "--out", str(out), "--no-progress"]) == 1
    assert not out.exists()
    assert capsys.readouterr().err.startswith(f"{bad}:2:2: unterminated quote")


def test_same_id_in_two_files_is_an_error(inputs, tmp_path, capsys):
    paths, records = inputs
    clash = tmp_path / "clash.csv"
    records.iloc[:1].to_csv(clash, index=False)
    out = tmp_path / "out"
    assert main(["dedup", paths[0], str(clash), "--out", str(out), "--no-progress"]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.startswith(f"{clash}:2: record id {records['id'].iloc[0]!r} is also used in {paths[0]} line 2")


def test_unknown_override_id(inputs, tmp_path, capsys):
    paths, _ = inputs
    ov = tmp_path / "dedup_overrides.csv"
    ov.write_text("id_a,id_b,decision,note\nsuryawijaya2023journal,nobody,same,\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["dedup", *paths, "--out", str(out), "--overrides", str(ov), "--no-progress"]) == 1
    assert not out.exists()
    assert capsys.readouterr().err.strip() == f"{ov}:2:2: unknown record id 'nobody'"


def test_override_same_merges_the_two_reports(inputs, tmp_path):
    paths, _ = inputs
    ov = tmp_path / "dedup_overrides.csv"
    ov.write_text("id_a,id_b,decision,note\nsuryawijaya2023preprint,suryawijaya2023journal,same,one study\n",
                  encoding="utf-8")
    out = tmp_path / "out"
    assert main(["dedup", *paths, "--out", str(out), "--overrides", str(ov), "--no-progress"]) == 0
    dups = read(out, "duplicates.csv").set_index("id")
    assert dups.loc["suryawijaya2023preprint", "kept_id"] == "suryawijaya2023journal"
    assert dups.loc["suryawijaya2023preprint", "rule"] == "override_same"
    assert len(read(out, "related.csv")) == 0


def test_does_not_replace_a_reviewers_file(inputs, tmp_path, capsys):
    paths, _ = inputs
    out = tmp_path / "out"
    out.mkdir()
    (out / "records.csv").write_text("my,own,notes\n", encoding="utf-8")
    assert main(["dedup", *paths, "--out", str(out), "--no-progress"]) == 2
    assert (out / "records.csv").read_text(encoding="utf-8") == "my,own,notes\n"
    assert sorted(p.name for p in out.iterdir()) == ["records.csv"]
    assert "--force" in capsys.readouterr().err
    assert main(["dedup", *paths, "--out", str(out), "--no-progress", "--force"]) == 0


def test_untitled_records_are_kept_and_reported(tmp_path, capsys):
    src = tmp_path / "export.csv"
    src.write_text("id,title,author,year\na,,\"Lee, A\",2020\nb,A title,\"Lee, A\",2020\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["dedup", str(src), "--out", str(out), "--no-progress"]) == 0
    assert sorted(read(out, "records.csv")["id"]) == ["a", "b"]
    assert "1 record(s) have no title" in capsys.readouterr().err


def test_usage_error_without_inputs(capsys):
    assert main(["dedup"]) == 2


def test_settings_file(inputs, tmp_path, capsys):
    paths, _ = inputs
    good = tmp_path / "settings.json"
    good.write_text('{"title_prefilter": 0.8}\n', encoding="utf-8")
    assert main(["dedup", *paths, "--out", str(tmp_path / "a"), "--settings", str(good), "--no-progress"]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"title_prefilter": 2}\n', encoding="utf-8")
    out = tmp_path / "b"
    assert main(["dedup", *paths, "--out", str(out), "--settings", str(bad), "--no-progress"]) == 1
    assert not out.exists()
    assert capsys.readouterr().err.strip().endswith("title_prefilter must be a number between 0 and 1, not 2")
