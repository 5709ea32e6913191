"""Field normalisers on strings as they appear in the review's bibliography and in exports.

Names, titles, DOIs and pages are those of entries in the reference list of Rizkita,
Sudarmiati & Pratikto (2026), typed the way Scopus, Web of Science, BibTeX and APA lists
write them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewlib.records import (
    Author, Record, YearError, fields, format_authors, normalize_authors, normalize_doi,
    normalize_pages, normalize_year, pages_from_parts, parse_authors, parse_year, strip_markup,
    title_key,
)


# ------------------------------------------------------------------------------ DOI
@pytest.mark.parametrize("raw, expected", [
    ("10.1108/IJOEM-12-2022-1937", "10.1108/ijoem-12-2022-1937"),
    ("<https://doi.org/10.3390/economies11060156>", "10.3390/economies11060156"),
    ("http://dx.doi.org/10.1016/j.joitmc.2023.100171", "10.1016/j.joitmc.2023.100171"),
    ("https://www.doi.org/10.1002/bse.3765", "10.1002/bse.3765"),
    ("doi:10.1080/00913367.2021.1990811", "10.1080/00913367.2021.1990811"),
    ("DOI: 10.1108/S1745-886220180000013008.", "10.1108/s1745-886220180000013008"),
    ("  10.20944/PREPRINTS202405.1281.V1 ", "10.20944/preprints202405.1281.v1"),
    ("https://doi.org/10.1088%2F2753-3751%2Fadd7e1", "10.1088/2753-3751/add7e1"),
    ("10.1088/2753-3751/add7e1;", "10.1088/2753-3751/add7e1"),
    # a balanced parenthesis is part of the DOI, an unbalanced closing one is not
    ("(10.1016/S0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"),
    ("10.38156/imka.v3i1.163", "10.38156/imka.v3i1.163"),
    # the DOI inside a Scopus link ends where the next query parameter starts
    ("https://www.scopus.com/inward/record.uri?eid=2-s2.0-1&doi=10.3390%2fjtaer18030081&partnerID=40",
     "10.3390/jtaer18030081"),
])
def test_normalize_doi(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "n/a", "NA", "https://journal.example.org/article/5", "10.12/x"])
def test_normalize_doi_rejects_non_dois(raw):
    assert normalize_doi(raw) == ""


# ------------------------------------------------------------------------------ title
def test_title_key_folds_what_differs_between_exports():
    printed = "The Role of Influencers in Live Streaming E-Commerce: Influencer Trust"
    bibtex = "{The Role of Influencers in Live Streaming {E-Commerce}: Influencer Trust}"
    upper = printed.upper()
    assert title_key(printed) == title_key(bibtex) == title_key(upper)
    assert title_key(printed).startswith("the role of influencers in live streaming e commerce")


def test_title_key_latex_html_and_accents():
    assert title_key("Determining factors in {MSMEs} success: An empirical study in M\\'{e}xico") == \
        title_key("Determining factors in MSMEs success: An empirical study in México") == \
        "determining factors in msmes success an empirical study in mexico"
    assert title_key("Digital data-driven technologies &amp; <i>environmental</i> sustainability") == \
        title_key("Digital data-driven technologies & environmental sustainability") == \
        "digital data driven technologies and environmental sustainability"
    assert title_key("Tiktok Social Media as a Means of Business Promotion") != \
        title_key("Tiktok Social Media as a Means of Business Promotions")
    assert title_key("{\\O}rsted and {\\ss}") == "orsted and ss"
    assert title_key("") == "" and title_key(None) == ""


def test_strip_markup_keeps_case_and_accents():
    assert strip_markup("Toward state-of-the-art on social marketing research in {UGC}") == \
        "Toward state-of-the-art on social marketing research in UGC"
    assert strip_markup("CO<sub>2</sub> emissions of Hern\\'andez") == "CO 2 emissions of Hernandez"


# ------------------------------------------------------------------------------ authors
@pytest.mark.parametrize("raw, expected", [
    # BibTeX
    ("Fauzi, A. A. and Sheng, M. L.", [("Fauzi", "A. A."), ("Sheng", "M. L.")]),
    # Scopus CSV "Authors" (family + initials, ';'-joined) and its older comma-joined form
    ("Molina-Sánchez R.; García-Pérez-de-Lema D.",
     [("Molina-Sánchez", "R."), ("García-Pérez-de-Lema", "D.")]),
    ("Chen N., Yang Y.", [("Chen", "N."), ("Yang", "Y.")]),
    # Web of Science AU (no dots) and AF (full given names)
    ("Hung, K; Tse, DK; Chan, TH", [("Hung", "K"), ("Tse", "DK"), ("Chan", "TH")]),
    ("Chen, Ning; Yang, Yu", [("Chen", "Ning"), ("Yang", "Yu")]),
    # APA reference list with '&'
    ("Al Omoush, K., Lassala, C., & Ribeiro-Navarrete, S.",
     [("Al Omoush", "K."), ("Lassala", "C."), ("Ribeiro-Navarrete", "S.")]),
    ("Hernández, V., Revilla, A., & Rodríguez, A.",
     [("Hernández", "V."), ("Revilla", "A."), ("Rodríguez", "A.")]),
    # mononyms inside an APA list
    ("Anatan, L., & Nur.", [("Anatan", "L."), ("Nur", "")]),
    ("Benardi, Yulianti, G., Kasih, E., & Qalbia, F.",
     [("Benardi", ""), ("Yulianti", "G."), ("Kasih", "E."), ("Qalbia", "F.")]),
    ("Harsono, B., P, I., Napitupulu, H.", [("Harsono", "B."), ("P", "I."), ("Napitupulu", "H.")]),
    # full names "Given Family", comma-joined
    ("Sudadi Pranata, Umi Narimawati, & M. Yani Syafei",
     [("Pranata", "Sudadi"), ("Narimawati", "Umi"), ("Syafei", "M. Yani")]),
    # initials first
    ("T. A. Auliandri and G. F. Djayapranata", [("Auliandri", "T. A."), ("Djayapranata", "G. F.")]),
    # one author, full given names
    ("Eduardsen, Jonas", [("Eduardsen", "Jonas")]),
    ("Herwinsyah", [("Herwinsyah", "")]),
])
def test_parse_authors(raw, expected):
    assert [(a.family, a.given) for a in parse_authors(raw)] == expected


def test_parse_authors_particles_suffix_corporate_and_others():
    got = parse_authors("Ludwig van Beethoven and van der Berg, Jan and Knuth, Jr, Donald E. "
                        "and {Badan Pusat Statistik} and others")
    assert got == [
        Author("van Beethoven", "Ludwig"), Author("van der Berg", "Jan"),
        Author("Knuth", "Donald E.", "Jr"), Author("Badan Pusat Statistik"), Author("others"),
    ]
    assert [a.family for a in parse_authors("Widyastuti, D. A. R. et al.")] == ["Widyastuti", "others"]
    assert parse_authors("de Souza") == [Author("de Souza")]
    assert parse_authors("[No author name available]") == []
    # ' and ' inside braces belongs to the corporate name
    assert parse_authors("{Food and Agriculture Organization}") == [Author("Food and Agriculture Organization")]


def test_parse_authors_from_ris_lines():
    lines = ["Auliandri, T.A.", "Setyawan, A.", "Djayapranata, G.F."]
    assert [a.family for a in parse_authors(lines)] == ["Auliandri", "Setyawan", "Djayapranata"]
    assert parse_authors(lines)[0].initials == "TA"


def test_format_authors_round_trip():
    bib = "Fauzi, A. A. and Sheng, M. L. and {Badan Pusat Statistik} and Knuth, Jr, Donald and others"
    assert format_authors(parse_authors(bib)) == bib
    assert normalize_authors("Chen N.; Yang Y.") == "Chen, N. and Yang, Y."
    assert normalize_authors("") == "" and normalize_authors(None) == ""


# ------------------------------------------------------------------------------ pages
@pytest.mark.parametrize("raw, expected", [
    ("366–386", "366--386"),          # en dash, as printed
    ("366-386", "366--386"),
    ("366--386", "366--386"),
    ("1601 — 1618", "1601--1618"),
    ("pp. 159-186", "159--186"),
    ("1288-313", "1288--1313"),       # abbreviated end
    ("01–08", "01--08"),
    ("e384", "e384"),                 # article numbers stay as written
    ("100171", "100171"),
    ("Article 100171", "100171"),
    ("156-", "156"),
    ("12-12", "12"),
    ("xii-xv", "xii--xv"),
    ("", ""),
    (None, ""),
])
def test_normalize_pages(raw, expected):
    assert normalize_pages(raw) == expected


def test_pages_from_scopus_columns():
    assert pages_from_parts("1601", "1618") == "1601--1618"
    assert pages_from_parts("", "") == "" and pages_from_parts("156", "") == "156"


# ------------------------------------------------------------------------------ year
@pytest.mark.parametrize("raw, expected", [
    ("2023", "2023"), ("2023a", "2023"), ("(2023)", "2023"), ("2023-05-01", "2023"),
    ("2023/05/01/", "2023"), ("2023///", "2023"), ("May 2023", "2023"), ("2023.0", "2023"),
    (" 2018 ", "2018"), ("", ""), (None, ""), ("n.d.", ""), ("in press", ""), ("NA", ""),
])
def test_year(raw, expected):
    assert parse_year(raw) == expected and normalize_year(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("12345", "not a year: '12345'"),
    ("'23", "not a year"),
    ("2019/2020", "ambiguous year: '2019/2020' holds 2019 and 2020"),
])
def test_bad_year_is_reported_not_clamped(raw, message):
    with pytest.raises(YearError, match=message):
        parse_year(raw)
    assert normalize_year(raw) == ""


def test_far_years_are_not_clamped():
    assert parse_year("1899") == "1899" and parse_year("2150") == "2150"


# ------------------------------------------------------------------------------ Record
def test_record_round_trip_keeps_extra_fields():
    data = {"id": "fitriani2023social", "entrytype": "article", "title": "Does social media affect performance in e-commerce business?",
            "author": "Fitriani, Fitriani and Setiawan, Budi", "year": 2023, "journal": "Journal of Open Innovation: Technology, Market, and Complexity",
            "volume": "9", "pages": "100171", "note": "binary logistic regression", "extra": {"eprint": "x"}}
    r = Record.from_dict(data)
    assert r.year == "2023" and r.doi == "" and r.extra == {"note": "binary logistic regression", "eprint": "x"}
    d = r.to_dict()
    assert list(d)[: len(fields.CORE)] == fields.CORE
    assert Record.from_dict(d) == r
    assert set(fields.CORE) <= set(Record.field_names())
    assert Record.from_dict({"volume": None, "number": float("nan")}).to_dict()["number"] == ""


# ------------------------------------------------------------------------------ the whole reference list
def _apa_lists():
    from reviewlib.io import read_table

    t = read_table(Path(__file__).resolve().parents[1] / "data" / "io" / "apa_author_lists.csv")
    t.raise_for_problems()
    return [(r["apa_authors"], r["bibtex_authors"]) for r in t.rows]


@pytest.mark.parametrize("apa, bibtex", _apa_lists())
def test_every_author_list_of_the_reference_list(apa, bibtex):
    # All 60 author lists exactly as the review prints them (APA, with '&'), against the
    # BibTeX form of the same list typed separately.
    assert format_authors(parse_authors(apa)) == bibtex
    assert format_authors(parse_authors(bibtex)) == bibtex


def test_reference_list_has_sixty_entries():
    assert len(_apa_lists()) == 60


# -- one normaliser per field, shared with deduplication ------------------------------------

def test_percent_encoded_doi_is_the_same_doi_everywhere():
    """A .bib file may percent-encode the brackets of a DOI that a .ris file prints as is."""
    from reviewlib.dedup.prepare import doi_key

    bib, ris = "https://doi.org/10.1002/1097-0142%2820000915%2989%3A6%3C1403%3A%3AAID-CNCR1%3E3.0.CO%3B2-H", \
        "10.1002/1097-0142(20000915)89:6<1403::AID-CNCR1>3.0.CO;2-H"
    assert normalize_doi(bib) == normalize_doi(ris) == "10.1002/1097-0142(20000915)89:6<1403::aid-cncr1>3.0.co;2-h"
    assert doi_key(bib) == doi_key(ris) == normalize_doi(ris)
    assert doi_key("10.1016%2Fj.x.2020.1") == normalize_doi("10.1016%2Fj.x.2020.1") == "10.1016/j.x.2020.1"


def test_fold_entities_and_lost_letters():
    from reviewlib.records import fold

    assert fold("Kr&#246;ger") == fold("Kr&ouml;ger") == fold("Kröger") == "kroger"
    assert fold("Kr?ger") == "krger"                                      # letter lost, word kept
    assert fold("Universit\ufffdt Z\ufffdrich") == "universitt zrich"
    assert fold("Is it? Yes") == "is it yes"                              # a real question mark stays a break
    assert fold("Data &amp; society") == fold("Data & society") == "data and society"


@pytest.mark.parametrize("raw", [
    "Kr&#246;ger, Peer and M&#252;ller, Hans",
    "Kröger, P.; Müller, H.",
    "Kroger P, Muller H",
    "P. Kr?ger and H. M\ufffdller",
])
def test_family_key_reads_entities_and_lost_letters(raw):
    from reviewlib.records.authors import family_key, family_names_match

    keys = family_key(raw).split()
    assert len(keys) == 2
    assert family_names_match(keys[0], "kroger") and family_names_match(keys[1], "muller")
    assert not family_names_match(keys[0], "krueger") or "0" in keys[0]
    assert not family_names_match(keys[0], "kramer")


@pytest.mark.parametrize("raw", [
    "van der Berg, J. and Smith, Anna B. and Wright Jr., T C",
    "Al Omoush, K., Lassala, C., & Ribeiro-Navarrete, S.",
    "Zuna RE, Wang SS, Rosenthal DL",
    "C. E. Brodley & P. E. Utgoff",
])
def test_family_key_agrees_with_the_full_parser(raw):
    """The fast key and the display parser read the same family names."""
    from reviewlib.records import family_key

    assert family_key(format_authors(parse_authors(raw))) == family_key(raw)
