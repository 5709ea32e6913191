"""Where a record sits in the literature (volume, issue, pages, container) when an export
lacks some of it: missing fields leave the test to the ones that remain, and the fields
that remain still tell apart works that merely sit close together."""

from __future__ import annotations

import pandas as pd

from reviewlib.dedup import deduplicate

COLUMNS = ["id", "title", "author", "year", "journal", "volume", "number", "pages", "doi", "abstract"]
FILLER = [  # unrelated works, so that the input is not only the pair under test
    ["Z1", "Mobile money adoption among rural retailers in East Africa", "Otieno, Paul", "2015",
     "Journal of Development Studies", "51", "2", "101-118", "", ""],
    ["Z2", "A field experiment on platform fees and seller entry", "Meyer, Anna and Li, Wei", "2019",
     "Management Science", "65", "9", "4021-4040", "", ""],
    ["Z3", "Export intensity of small firms after joining a cross-border marketplace", "Sato, Ken", "2021",
     "Small Business Economics", "57", "1", "233-251", "", ""],
]


def run(rows, blank=()):
    """Deduplicate ``rows`` with the filler works; columns ``blank`` are emptied in the whole input."""
    frame = pd.DataFrame(rows + FILLER, columns=COLUMNS)
    for c in blank:
        frame[c] = ""
    return deduplicate(frame, workers=1, progress=False)


def merged(result) -> set[frozenset[str]]:
    return {frozenset(m.split(";")) for m in result.records["merged_ids"] if ";" in m}


def test_case_a_and_case_b_are_two_works():
    base = ["International Multifoods - Case {}", "DeSanctis, Gerardine and Price, Robert M", "2001",
            "Journal of Information Technology", "16", "3"]
    rows = [["A", base[0].format("A"), *base[1:], "175-184", "", ""],
            ["B", base[0].format("B"), *base[1:], "185-189", "", ""]]
    assert merged(run(rows)) == set()
    rows[1][1] = base[0].format("A")           # same label, pages still differ: a copy with a typo'd page
    rows[1][7] = "175-184"
    assert merged(run(rows)) == {frozenset({"A", "B"})}


def test_front_matter_page_does_not_place_a_column_title():
    """Every issue's editorial starts on page iii: without issues, "Editor's Comments" on
    page iii of one volume is not one work."""
    rows = [["E1", "Editor's Comments", "Weber, Ron", "2003", "MIS Quarterly", "27", "", "iii-xi", "", ""],
            ["E2", "Editor's Comments", "Weber, Ron", "2003", "MIS Quarterly", "27", "", "iii-xii", "", ""]]
    result = run(rows, blank=("number",))
    assert merged(result) == set()
    assert {tuple(sorted(p)) for p in zip(result.maybe["id_a"], result.maybe["id_b"])} == {("E1", "E2")}


def test_supplement_page_is_not_an_article_number():
    """A meeting abstract (supplement page S500, one year earlier) is not the later article,
    even when the export has no volumes to tell them apart."""
    rows = [["P1", "Role of chromosome 3q26 gain in predicting progression of cervical dysplasia",
             "Rodolakis, A and Biliatis, I and Symiakaki, H", "2012", "International Journal of Gynecological Cancer",
             "", "", "742-747", "", ""],
            ["P2", "The role of chromosome 3Q26 gain in predicting progression of cervical dysplasia",
             "Rodolakis, A and Biliatis, I and Symiakaki, H", "2011", "International Journal of Gynecological Cancer",
             "", "", "S500", "", ""]]
    assert merged(run(rows, blank=("volume", "number"))) == set()
    rows[1][7] = "e742"                        # an electronic article number: the same article
    assert merged(run(rows, blank=("volume", "number"))) == {frozenset({"P1", "P2"})}


def test_without_volumes_first_page_and_container_still_merge_group_authors():
    """Volume absent from the whole export: title, year, container and first page agree,
    the author lists do not (a group author): one work, as with volumes."""
    rows = [["G1", "Results of a randomized trial on the management of cytology interpretations",
             "Solomon, D", "2003", "American Journal of Obstetrics and Gynecology", "", "", "1383-1392", "", ""],
            ["G2", "Results of a randomized trial on the management of cytology interpretations",
             "ASCUS-LSIL Triage Study Group", "2003", "American Journal of Obstetrics and Gynecology", "", "",
             "1383-1392", "", ""]]
    assert merged(run(rows, blank=("volume", "number"))) == {frozenset({"G1", "G2"})}
    rows[1][7] = "1393-1400"
    assert merged(run(rows, blank=("volume", "number"))) == set()


def test_one_year_apart_needs_a_container():
    """Same long title and author list one year apart: an online-first year when a journal
    is named, an annual item (a conference track's introduction) when none is."""
    title = "Introduction to the Minitrack on Crowdsourcing and Digital Workforce in the Gig Economy"
    authors = "Deng, Xuefei and Taylor, Joseph and Moussawi, Sara"
    rows = [["M1", title, authors, "2021", "", "", "", "", "", ""],
            ["M2", title, authors, "2022", "", "", "", "", "", ""]]
    assert merged(run(rows)) == set()
    rows[0][4] = rows[1][4] = "Information Systems Journal"
    assert merged(run(rows)) == {frozenset({"M1", "M2"})}


def test_without_years_author_lists_of_different_length_stay_apart():
    """An export without years: identical titles, one author against two (a conference paper
    and its journal version) are not merged on the title alone; the same list is."""
    rows = [["Y1", "Cultural Universality Versus Particularity in CMC", "Stahl, Bernd Carsten and Elbeltagi, Ibrahim",
             "", "Journal of Global Information Technology Management", "7", "4", "47-65", "", ""],
            ["Y2", "Cultural Universality Versus Particularity in CMC", "Stahl, Bernd-Carsten", "", "", "", "", "", "", ""]]
    assert merged(run(rows, blank=("year",))) == set()
    rows[1][2] = "Stahl, Bernd Carsten and Elbeltagi, I."
    assert merged(run(rows, blank=("year",))) == {frozenset({"Y1", "Y2"})}
