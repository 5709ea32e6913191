"""Canonical, atomic CSV output."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from reviewlib.errors import OverwriteError
from reviewlib.io import atomic_write, read_table, write_csv


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["fauzi2022", "hernandez2024", "kulkarni2024"],
        "title": [
            "The digitalization of micro, small, and medium-sized enterprises (MSMEs)",
            'Digital data-driven technologies and the "environmental sustainability" of MSMEs',
            "Artificial intelligence technology readiness\nfor social sustainability",
        ],
        "author": ["Fauzi, A. A. and Sheng, M. L.", "Hernández, V.", None],
        "year": ["2022", "2024", float("nan")],
    })


def test_canonical_bytes(tmp_path):
    out = write_csv(frame(), tmp_path / "sub" / "records.csv")
    assert out == tmp_path / "sub" / "records.csv"
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    assert raw.decode("utf-8") == (
        "id,title,author,year\n"
        'fauzi2022,"The digitalization of micro, small, and medium-sized enterprises (MSMEs)",'
        '"Fauzi, A. A. and Sheng, M. L.",2022\n'
        'hernandez2024,"Digital data-driven technologies and the ""environmental '
        'sustainability"" of MSMEs","Hernández, V.",2024\n'
        'kulkarni2024,"Artificial intelligence technology readiness\nfor social sustainability",,\n'
    )


def test_round_trip_through_read_table(tmp_path):
    out = write_csv(frame(), tmp_path / "r.csv")
    t = read_table(out)
    assert t.problems == [] and t.notes == []
    back = t.to_frame()
    expected = frame().fillna("")
    assert back.to_dict("records") == expected.astype(str).to_dict("records")


def test_refuses_to_overwrite(tmp_path):
    p = tmp_path / "screening.csv"
    p.write_text("reviewer's data\n")
    with pytest.raises(OverwriteError, match="file exists"):
        write_csv(frame(), p)
    assert p.read_text() == "reviewer's data\n"
    assert sorted(os.listdir(tmp_path)) == ["screening.csv"]  # no temp file left behind
    write_csv(frame(), p, overwrite=True)
    assert p.read_text().startswith("id,title,author,year\n")


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(tmp_path / "x.csv", "a\n")
    assert os.listdir(tmp_path) == []
