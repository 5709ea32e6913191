"""write_bibtex: BibTeX -> records -> BibTeX keeps every field; other sources become BibTeX."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pandas as pd
import pytest

from reviewlib.errors import OverwriteError
from reviewlib.io import read_records, to_bibtex_text, write_bibtex
from reviewlib.records import Record

DATA = Path(__file__).resolve().parents[1] / "data" / "io"


def entries(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Every entry of a file as bibtexparser sees it: key -> (type, {field: value})."""
    lib = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not lib.failed_blocks
    return {e.key: (e.entry_type.lower(), {f.key.lower(): f.value for f in e.fields})
            for e in lib.entries}


def test_round_trip_keeps_every_field(tmp_path):
    src = DATA / "references.bib"
    out = write_bibtex(read_records(src), tmp_path / "out.bib")
    before, after = entries(src), entries(out)
    assert list(after) == list(before)
    for key, (etype, flds) in before.items():
        # @string macros are resolved on reading, so compare resolved values
        if key == "Chen20231601":
            flds = {**flds, "journal": "Journal of Theoretical and Applied Electronic Commerce Research"}
        assert after[key] == (etype, flds), key
    # and reading the written file gives the same frame
    a = read_records(src).frame.drop(columns="source")
    b = read_records(out).frame.drop(columns="source")
    pd.testing.assert_frame_equal(a, b)


def test_written_text_is_canonical():
    text = to_bibtex_text(read_records(DATA / "references.bib"))
    assert "\r" not in text and text.endswith("}\n")
    # proceedings: journal only repeated booktitle, so it is not written
    halim = text[text.index("@inproceedings{halim2020information"):]
    halim = halim[: halim.index("\n}\n")]
    assert "  journal = " not in halim and "  booktitle = {2020 International" in halim
    assert "  month = jan," in text                       # month macro stays a macro
    assert "  source = {Scopus}," in text                 # the bib's own field, not the file name
    assert "references.bib" not in text


def test_ris_to_bibtex(tmp_path):
    out = write_bibtex(read_records(DATA / "scopus.ris"), tmp_path / "scopus.bib")
    e = entries(out)
    assert list(e) == ["scopus:1", "scopus:2", "scopus:3", "scopus:4", "scopus:5"]
    etype, f = e["scopus:3"]
    assert etype == "inproceedings" and f["author"] == "Halim, E. and Karami, R.H."
    assert f["pages"] == "899--904" and f["doi"] == "10.1109/icimtech50083.2020.9211117"


def test_keys_are_made_valid_and_unique(tmp_path):
    frame = pd.DataFrame({"id": ["my list:1", "my list:1", ""],
                          "title": ["Unbalanced { brace", "B", "C"], "entrytype": ["", "book", "article"]})
    text = to_bibtex_text(frame)
    assert "@misc{my_list:1,\n" in text and "@book{my_list:1_2,\n" in text and "@article{record3,\n" in text
    assert "title = {Unbalanced \\{ brace}" in text
    p = tmp_path / "k.bib"
    p.write_text(text)
    assert len(entries(p)) == 3


def test_record_objects_and_overwrite(tmp_path):
    recs = [Record(id="benardi2023role", entrytype="inproceedings",
                   title="The Role Of Financial Literacy On MSMEs : A Qualitative Investigation",
                   author="Benardi and Yulianti, G. and Kasih, E. and Qalbia, F.", year="2023",
                   volume="1", number="2", pages="277--284", extra={"note": "hand entered"})]
    p = write_bibtex(recs, tmp_path / "a.bib")
    assert entries(p)["benardi2023role"][1]["note"] == "hand entered"
    with pytest.raises(OverwriteError):
        write_bibtex(recs, p)
    write_bibtex(recs, p, overwrite=True)


def test_round_trip_of_the_whole_reference_list(tmp_path):
    # The review's 60-entry reference list as a BibTeX file (see tests/data/io/README.md).
    src = DATA / "review_reference_list.bib"
    recs = read_records(src)
    assert len(recs) == 60 and recs.notes == []
    out = write_bibtex(recs, tmp_path / "again.bib")
    assert entries(out) == entries(src)
    pd.testing.assert_frame_equal(recs.frame.drop(columns="source"),
                                  read_records(out).frame.drop(columns="source"))
