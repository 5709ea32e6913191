"""A reviewer's overrides: 'same' forces a merge, 'different' forbids it, bad files fail clearly."""

from __future__ import annotations

import pytest

from reviewlib.dedup import deduplicate, read_overrides
from reviewlib.errors import InputError

from dedup_support import DATA, load_labelled


@pytest.fixture()
def special():
    return load_labelled(DATA / "special_cases")[0]


def write(tmp_path, text):
    path = tmp_path / "dedup_overrides.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_same_forces_a_merge_and_is_named(special, tmp_path):
    ov = read_overrides(write(tmp_path, "id_a,id_b,decision,note\nid_0000009,id_0000010,same,checked the PDFs\n"))
    result = deduplicate(special, ov, workers=1, progress=False)
    # the journal article (more complete) is kept, the conference paper removed by the override
    row = result.duplicates[result.duplicates["id"] == "id_0000009"]
    assert row[["kept_id", "rule"]].values.tolist() == [["id_0000010", "override_same"]]
    assert not ((result.related["id_a"] == "id_0000009") & (result.related["id_b"] == "id_0000010")).any()


def test_different_forbids_a_merge(special, tmp_path):
    ov = read_overrides(write(tmp_path, "id_a,id_b,decision,note\nid_0000011,id_0000007,different,\n"))
    result = deduplicate(special, ov, workers=1, progress=False)
    assert "id_0000007" in set(result.records["id"]) and "id_0000011" in set(result.records["id"])


def test_different_holds_through_a_forced_chain(special, tmp_path):
    """1 and 2 are duplicates by rule; forcing 3 in with 1 while 3 differs from 2 keeps 2 out."""
    text = ("id_a,id_b,decision,note\n"
            "id_0000001,id_0000003,same,\n"
            "id_0000002,id_0000003,different,\n")
    result = deduplicate(special, read_overrides(write(tmp_path, text)), workers=1, progress=False)
    merged = {x: m for m in result.records["merged_ids"] for x in m.split(";")}
    assert merged["id_0000001"] == "id_0000001;id_0000003"
    assert merged["id_0000002"] == "id_0000002"


def test_contradicting_overrides_are_an_error(special, tmp_path):
    text = ("id_a,id_b,decision,note\n"
            "id_0000001,id_0000003,same,\n"
            "id_0000003,id_0000004,same,\n"
            "id_0000001,id_0000004,different,\n")
    path = write(tmp_path, text)
    with pytest.raises(InputError) as e:
        deduplicate(special, read_overrides(path), workers=1, progress=False)
    assert str(e.value).startswith(f"{path}:4: 'id_0000001' and 'id_0000004' are marked 'different'")


def test_unknown_id_is_reported_with_file_and_line(special, tmp_path):
    path = write(tmp_path, "id_a,id_b,decision,note\nid_0000001,id_0000002,same,\nid_0000001,nope,different,\n")
    with pytest.raises(InputError) as e:
        deduplicate(special, read_overrides(path), workers=1, progress=False)
    assert [str(p) for p in e.value.problems] == [f"{path}:3:2: unknown record id 'nope'"]


def test_bad_decision_and_empty_id(tmp_path):
    path = write(tmp_path, "id_a,id_b,decision,note\nx,,maybe,\n")
    with pytest.raises(InputError) as e:
        read_overrides(path)
    assert [str(p) for p in e.value.problems] == [
        f"{path}:2:2: id_b is empty", f"{path}:2:3: decision must be 'same' or 'different', not 'maybe'"]


def test_missing_column(tmp_path):
    with pytest.raises(InputError) as e:
        read_overrides(write(tmp_path, "id_a,id_b,note\nx,y,z\n"))
    assert "missing column(s) decision" in str(e.value)
