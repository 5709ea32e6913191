"""read_records on hand-written copies of real exports (see tests/data/io/README.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewlib.errors import InputError
from reviewlib.io import COLUMNS, READERS, read_records
from reviewlib.records import fields

DATA = Path(__file__).resolve().parents[1] / "data" / "io"
EXPORTS = ["scopus.ris", "scopus.csv", "wos_savedrecs.txt", "wos_plain.txt", "excel_semicolon.csv",
           "cp1252.csv", "references.bib", "review_reference_list.bib"]


def rows(recs) -> list[dict[str, str]]:
    return recs.frame.to_dict("records")


def assert_frame_contract(recs, stem: str) -> None:
    f = recs.frame
    assert list(f.columns[: len(COLUMNS)]) == COLUMNS
    assert (f[fields.SOURCE] == f"{stem}").all()
    for c in f.columns:
        assert all(isinstance(v, str) for v in f[c]), c
    assert len(recs.lines) == len(f)
    assert f[fields.ID].is_unique


def test_registry_covers_the_documented_suffixes():
    assert sorted(READERS) == [".bib", ".csv", ".ris", ".tsv", ".txt"]


def test_scopus_ris():
    recs = read_records(DATA / "scopus.ris")
    assert (recs.format, recs.encoding, recs.delimiter) == ("ris", "utf-8", None)
    assert_frame_contract(recs, "scopus.ris")
    assert recs.lines == [1, 27, 46, 61, 76]
    r = rows(recs)
    assert [x["id"] for x in r] == [f"scopus:{i}" for i in range(1, 6)]  # Scopus writes no ID tag
    chen = r[0]
    assert chen["author"] == "Chen, N. and Yang, Y."
    assert chen["journal"] == "Journal of Theoretical and Applied Electronic Commerce Research"
    assert (chen["year"], chen["volume"], chen["number"], chen["pages"]) == ("2023", "18", "3", "1601--1618")
    assert chen["doi"] == "10.3390/jtaer18030081"
    # continuation lines of AB are joined; KW lines kept as one field
    assert chen["abstract"].endswith("relate to consumers' intention to buy.")
    assert chen["keywords"] == "influencer trust; live streaming e-commerce; purchase intention"
    # unmapped tags are kept, named by their tag
    assert chen["j2"] == "J. Theor. Appl. Electron. Commer. Res." and chen["db"] == "Scopus"
    assert [x["entrytype"] for x in r] == ["article", "article", "inproceedings", "incollection", "article"]
    assert r[4]["author"] == "Fauzi, A.A. and Sheng, M.L." and r[4]["pages"] == "1288--1313"
    assert r[3]["doi"] == "10.1108/s1745-886220180000013008"


def test_ris_id_tags_are_used(tmp_path):
    p = tmp_path / "zotero.ris"
    p.write_text("TY  - JOUR\nID  - hung2022\nTI  - E-Commerce Influencers in China\nPY  - 2022///\nER  - \n\n"
                 "TY  - JOUR\nA1  - Naeem, M.\nT1  - Understanding the different types of UGC participants\n"
                 "JO  - Qualitative Market Research\nY1  - 2022\nER  - \n")
    r = rows(read_records(p))
    assert [x["id"] for x in r] == ["hung2022", "zotero:2"]
    assert r[0]["year"] == "2022"
    assert (r[1]["author"], r[1]["title"], r[1]["journal"], r[1]["year"]) == \
        ("Naeem, M.", "Understanding the different types of UGC participants", "Qualitative Market Research", "2022")


def test_scopus_csv():
    recs = read_records(DATA / "scopus.csv")
    assert (recs.format, recs.encoding, recs.delimiter) == ("scopus-csv", "utf-8-sig", ",")
    assert_frame_contract(recs, "scopus.csv")
    r = rows(recs)
    assert [x["id"] for x in r] == ["scopus:1", "scopus:2", "scopus:3", "scopus:4"]
    assert r[0]["author"] == "Febriani, A. and Sopha, B.M. and Arif Wibisono, M."
    assert r[0]["journal"] == "Journal of Open Innovation: Technology, Market, and Complexity"
    assert r[0]["pages"] == "100498"                     # article number when no page range
    assert r[2]["pages"] == "755--776"                   # Page start + Page end
    assert r[2]["abstract"] == 'Review of "AI" work in marketing and consumer psychology.'
    assert r[3]["author"] == "Hernández, V. and Revilla, A. and Rodríguez, A."
    assert [x["entrytype"] for x in r] == ["article"] * 4  # "Review" is a journal article
    assert r[0]["source_as_exported"] == "Scopus" and r[0]["eid"] == "2-s2.0-00000000011"
    assert r[1]["abstract"] == ""
    assert any("byte-order mark" in n.message for n in recs.notes)


def test_web_of_science_tab_delimited():
    recs = read_records(DATA / "wos_savedrecs.txt")
    assert (recs.format, recs.encoding, recs.delimiter) == ("wos-tab", "utf-8-sig", "\t")
    assert_frame_contract(recs, "wos_savedrecs.txt")
    r = rows(recs)
    assert r[0]["author"] == "Hung, K and Tse, DK and Chan, TH"
    assert r[0]["title"].startswith("E-Commerce Influencers in China: Dual-Route Model")
    assert r[0]["title"].endswith("Likes, Shares, and Sales")
    assert (r[0]["journal"], r[0]["year"], r[0]["pages"]) == ("JOURNAL OF ADVERTISING", "2022", "486--501")
    assert r[3]["pages"] == "100250" and r[3]["doi"] == "10.1016/j.ijime.2024.100250"
    assert r[1]["ut"] == "WOS:000000000000002"
    notes = " | ".join(n.message for n in recs.notes)
    assert "CRLF" in notes and "trailing delimiter" in notes


def test_web_of_science_plain_text_gives_the_same_records():
    plain = read_records(DATA / "wos_plain.txt")
    tab = read_records(DATA / "wos_savedrecs.txt")
    assert (plain.format, plain.encoding, plain.delimiter) == ("wos-plain", "utf-8-sig", None)
    assert plain.lines == [3, 28, 50, 72]  # the PT lines
    keep = [c for c in tab.frame.columns if c not in ("id", "source")]
    assert plain.frame[keep].to_dict("records") == tab.frame[keep].to_dict("records")
    # wrapped title lines are joined with a space, author lines are items
    assert plain.frame.loc[0, "title"].endswith("Dual-Route Model on Likes, Shares, and Sales")
    assert plain.frame.loc[0, "af"] == "Hung, K.; Tse, D. K.; Chan, T. H."


def test_excel_bom_semicolon_crlf_csv():
    recs = read_records(DATA / "excel_semicolon.csv")
    assert (recs.format, recs.encoding, recs.delimiter) == ("csv", "utf-8-sig", ";")
    notes = " | ".join(n.message for n in recs.notes)
    assert "byte-order mark" in notes and "semicolon" in notes and "CRLF" in notes
    r = rows(recs)
    assert [x["id"] for x in r] == ["molina2022", "alomoush2025", "anatan2023", "harsono2024"]
    assert r[0]["author"] == ("Molina-Sánchez, R. and García-Pérez-de-Lema, D. and "
                              "López-Salazar, A. and Godínez-López, R.")
    assert r[0]["pages"] == "e384" and r[0]["number"] == "1"          # 'issue' column
    assert r[1]["pages"] == "366--386"
    assert r[1]["doi"] == "10.1108/ijoem-12-2022-1937"                # URL form normalised
    assert r[2]["author"] == "Anatan, L. and Nur"
    assert r[3]["journal"] == "" and r[3]["doi"] == "10.20944/preprints202405.1281.v1"


def test_cp1252_csv_with_accented_names():
    recs = read_records(DATA / "cp1252.csv")
    assert (recs.encoding, recs.delimiter) == ("cp1252", ",")
    r = rows(recs)
    assert r[0]["author"] == "Hernández, V. and Revilla, A. and Rodríguez, A."
    assert r[0]["pages"] == "5563--5582"                              # cp1252 en dash
    assert r[1]["author"] == "Molina-Sánchez, R. and García-Pérez-de-Lema, D."
    fallback = [n for n in recs.notes if "read as cp1252" in n.message]
    assert len(fallback) == 1 and fallback[0].line == 2


def test_bibtex_file():
    recs = read_records(DATA / "references.bib")
    assert recs.format == "bibtex" and recs.delimiter is None
    assert_frame_contract(recs, "references.bib")
    r = {x["id"]: x for x in rows(recs)}
    assert list(r) == ["Chen20231601", "molina2022determining", "halim2020information",
                       "eduardsen2018internationalisation", "harsono2024qualitative",
                       "herwinsyah2025improving", "triha2023correlation"]
    chen = r["Chen20231601"]
    assert chen["journal"] == "Journal of Theoretical and Applied Electronic Commerce Research"  # @string
    assert chen["entrytype"] == "article"                 # @ARTICLE folded
    assert chen["bibtex_source"] == "Scopus"              # Scopus's own 'source' field kept
    assert chen["source"] == "references.bib"
    molina = r["molina2022determining"]
    assert (molina["year"], molina["volume"], molina["month"]) == ("2022", "6", "jan")
    # conference paper and chapter: journal falls back to booktitle
    assert r["halim2020information"]["journal"] == \
        "2020 International Conference on Information Management and Technology (ICIMTech)"
    assert r["harsono2024qualitative"]["howpublished"] == "Preprints.org"
    assert recs.lines == [4, 26, 38, 47, 57, 65, 76]


def test_csv_without_id_and_title_is_kept(tmp_path):
    p = tmp_path / "hand list.csv"
    p.write_text("Authors,Title,Year,Source,DOI\n"
                 "\"Fathiya\",,,,\n"
                 "\"Suryawijaya, T. W. E.; Wardhani, N. I. K.\",Tailoring the future of MSME marketing,2023,Implementasi Manajemen & Kewirausahaan,10.38156/imka.v3i1.163\n")
    recs = read_records(p)
    r = rows(recs)
    assert [x["id"] for x in r] == ["hand list:1", "hand list:2"]
    assert r[0]["title"] == "" and r[0]["author"] == "Fathiya"
    assert r[1]["journal"] == "Implementasi Manajemen & Kewirausahaan"   # 'Source' = journal
    assert r[1]["author"] == "Suryawijaya, T. W. E. and Wardhani, N. I. K."


def test_tsv_and_txt_tab(tmp_path):
    p = tmp_path / "list.tsv"
    p.write_text("id\ttitle\tyear\tpages\nhasim2022\tTiktok Social Media as a Means of Small and Medium Business Promotion\t2022\t1–14\n")
    recs = read_records(p)
    assert recs.format == "tsv" and rows(recs)[0]["pages"] == "1--14"


def test_invalid_year_is_reported_with_its_place(tmp_path):
    p = tmp_path / "years.csv"
    p.write_text("id,title,year\nsari2026,Impact of Shopee E-Commerce,2026\nx,Some title,20233\n")
    recs = read_records(p)
    assert rows(recs)[1]["year"] == ""
    assert [str(n) for n in recs.notes] == [
        f"{p}:3:3: not a year: '20233' (expected four digits such as 2023); the year is left empty"]
    b = tmp_path / "years.bib"
    b.write_text("@article{x,\n  title = {T},\n  year = {20233}\n}\n")
    assert [str(n) for n in read_records(b).notes] == [
        f"{b}:3: not a year: '20233' (expected four digits such as 2023); the year is left empty"]


def test_records_to_record_objects():
    recs = read_records(DATA / "scopus.ris")
    first = recs.to_records()[0]
    assert first.doi == "10.3390/jtaer18030081" and first.extra["db"] == "Scopus"


# ------------------------------------------------------------------ broken input
BROKEN = {
    "ragged.csv": ("id,title,year,doi\nchen2023,The Role of Influencers,2023,10.3390/jtaer18030081\n"
                   "hung2022,E-Commerce Influencers in China,2022,10.1080/00913367.2021.1990811,extra\n",
                   "{p}:3:5: row has 5 fields but the header has 4: unexpected field 'extra'"),
    "quote.csv": ('id,title,year\nchen2023,"The Role of Influencers,2023\nhung2022,E-Commerce Influencers,2022\n',
                  "{p}:2:2: unterminated quote: the quoted cell opened here never closes, so the rest of the file was read into it"),
    "binary.ris": (b"TY  - JOUR\x00\x01\x02",
                   "{p}:1: binary file: NUL byte at byte 11; not a text file"),
    "empty.bib": ("", "{p}: empty file"),
    "blank.csv": ("\r\n\r\n", "{p}: empty file (only whitespace)"),
    "noheader.csv": ("chen2023,The Role of Influencers in Live Streaming E-Commerce,2023\n",
                     "{p}:1:3: missing header: the first line looks like data (column 3 is the number '2023', not a name)"),
    "notbib.csv": ("record_id,decision\nchen2023,include\n",
                   "{p}:1: no bibliographic columns: expected at least one of title, author/authors, doi, abstract (found: record_id, decision)"),
    "bad.bib": ("@article{chen2023role,\n  title = {The Role of Influencers},\n  year = {2023}\n}\n\n"
                "@article{hung2022ecommerce,\n  title = {E-Commerce Influencers in China: Dual-Route Model,\n  year = {2022}\n}\n\n"
                "@article{fauzi2022digitalization,\n  title = {The digitalization of MSMEs},\n  year = {2022}\n}\n",
                "{p}:6: entry 'hung2022ecommerce' could not be read: Unexpected block start: `@article`. "
                "Was still looking for field-value closing `,` or `}` (reading stopped on line 11)"),
    "nocomma.bib": ("@article{naeem2022 title = {Understanding the different types of UGC participants}}\n",
                    "{p}:1: entry 'naeem2022' could not be read: Expected comma after entry key, but found ="),
    "dupkey.bib": ("@article{hung2022, title={E-Commerce Influencers in China}}\n\n@article{hung2022, title={Other}}\n",
                   "{p}:3: duplicate key 'hung2022' (first used on line 1)"),
    "dupfield.bib": ("@article{hung2022,\n title={E-Commerce Influencers in China},\n title={Again}\n}\n",
                     "{p}:1: entry 'hung2022': field 'title' appears more than once"),
    "open.ris": ("TY  - JOUR\nTI  - The Role of Influencers\nER  - \n\nTY  - JOUR\nTI  - E-Commerce Influencers in China\n\n"
                 "TY  - JOUR\nTI  - The digitalization of MSMEs\nER  - \n",
                 "{p}:5: record is not closed: no 'ER  -' line before the next 'TY  -' on line 8"),
    "unclosed.ris": ("TY  - JOUR\nTI  - The Role of Influencers\n",
                     "{p}:1: record is not closed: the file ends before its 'ER  -' line"),
    "outside.ris": ("TI  - The Role of Influencers\nTY  - JOUR\nER  - \n",
                    "{p}:1: text outside a record: 'TI  - The Role of Influencers' (every record starts with a 'TY  -' line)"),
    "dupid.csv": ("id,title\nhung2022,E-Commerce Influencers in China\nchen2023,The Role of Influencers\nhung2022,Again\n",
                  "{p}:4: duplicate id 'hung2022' (first used on line 2)"),
    "wos_open.txt": ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Hung, K\nTI E-Commerce Influencers in China\n\n"
                     "PT J\nAU Naeem, M\nER\nEF\n",
                     "{p}:3: record is not closed: no 'ER' line before the next 'PT' on line 7"),
    "wos_bad.txt": ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Hung, K\nTitle: E-Commerce\nER\nEF\n",
                    "{p}:5: not a Web of Science tag line: 'Title: E-Commerce' (expected a two-letter tag, a space and a value)"),
    "table.xlsx": (b"PK\x03\x04", "{p}: unknown file type '.xlsx'; records are read from .bib, .csv, .ris, .tsv, .txt files"),
}


def _convert(src: Path, out_dir: Path) -> None:
    """Read then write, as the dedup command does: a failed read must write nothing."""
    from reviewlib.io import write_csv
    recs = read_records(src)
    write_csv(recs.frame, out_dir / "records.csv")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_input_names_file_and_line(tmp_path, name):
    content, expected = BROKEN[name]
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out"
    with pytest.raises(InputError) as e:
        _convert(src, out)
    first = str(e.value).splitlines()[0]
    assert first.startswith(expected.replace("{p}", str(src))), first
    assert not out.exists()                           # nothing written
    assert sorted(p.name for p in src.parent.iterdir()) == [name]


def test_every_problem_is_reported_at_once(tmp_path):
    src = tmp_path / "many.csv"
    src.write_text("id,title,year\na,x\nb,y,2022,extra\na,z,2023\n")
    with pytest.raises(InputError) as e:
        read_records(src)
    assert [(p.line, p.column) for p in e.value.problems] == [(2, 3), (3, 4)]


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot open the file"):
        read_records(tmp_path / "absent.ris")


def test_fixtures_are_read_in_place_not_copied(tmp_path):
    # Reading must not touch the input folder (no temp or lock files next to the exports).
    copy = tmp_path / "exports"
    shutil.copytree(DATA, copy)
    before = sorted(p.name for p in copy.iterdir())
    for name in EXPORTS:
        read_records(copy / name)
    assert sorted(p.name for p in copy.iterdir()) == before
