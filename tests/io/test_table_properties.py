"""Property: whatever text a table holds, write_csv then read_table gives it back unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewlib.io import read_table, write_csv

# Cell text with the characters that make CSV hard: delimiters, quotes, line breaks, accents.
# A lone "\r" is left out: inside a quoted cell the reader turns every line break into "\n".
cells = st.one_of(st.text(alphabet=list('ab ,;\t"\n\'éü–{}#'), max_size=12),
                  st.sampled_from(["NA", "", "10.1/x", "2023"]))
names = st.from_regex(r"[a-z][a-z_]{0,7}", fullmatch=True)


@st.composite
def frames(draw):
    header = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    n = draw(st.integers(min_value=0, max_value=6))
    data = {h: draw(st.lists(cells, min_size=n, max_size=n)) for h in header}
    return pd.DataFrame(data, columns=header, dtype=str)


@settings(max_examples=150, deadline=None)
@given(frames())
def test_write_then_read_is_identity(frame):
    with tempfile.TemporaryDirectory() as d:
        path = write_csv(frame, Path(d) / "t.csv")
        t = read_table(path)
    assert t.problems == []
    assert t.header == list(frame.columns)
    # A one-column row whose only cell is empty is written as an empty line, which reads as
    # "no row"; every other row comes back exactly.
    expected = [r for r in frame.to_dict("records")
                if not (len(frame.columns) == 1 and all(v == "" for v in r.values()))]
    assert t.rows == expected
    assert t.delimiter == "," and t.encoding == "utf-8" and t.newline == "\n"
