"""Write the synthetic fixture exports of this folder (run from the repository root).

Every title, name and venue below was made up for these tests; the *shapes* of the records
copy failure modes seen in real exports (see README.md). Output is deterministic:
``python tests/data/dedup/unseen/make_fixtures.py`` rewrites the same files.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["id", "title", "author", "year", "journal", "volume", "number", "pages", "doi", "abstract"]

TITLES = [
    "Export readiness of small food producers in rural Central Java",
    "Mobile payment adoption among micro retailers after the pandemic",
    "Digital marketplaces and the first foreign sale of handicraft firms",
    "Social media capability and international growth of young ventures",
    "Trade fair participation versus online channels for furniture exporters",
    "Owner education, networks and the speed of internationalisation",
    "Logistics platforms as enablers of cross-border e-commerce for small firms",
    "Government export grants and digital adoption in family businesses",
    "Language barriers in online export sales of batik producers",
    "Cloud accounting use and access to trade finance in small enterprises",
    "Institutional voids and platform-based exporting in emerging Asia",
    "Website localisation and repeat foreign orders of small manufacturers",
    "The role of chat commerce in regional exports of coffee roasters",
    "Digital skills training for women entrepreneurs selling abroad",
    "Cross-border payment frictions faced by micro exporters in Vietnam",
    "Marketplace reviews and foreign buyer trust in small sellers",
]
AUTHORS = [
    ("Wibowo, Ratna and Hartono, Dimas", "Wibowo R, Hartono D"),
    ("Nguyen, Thi Lan and Tran, Minh Duc and Pham, Quoc", "Nguyen TL, Tran MD, Pham Q"),
    ("Santoso, Budi", "Santoso B"),
    ("Lim, Wei Ling and Tan, Hock Seng", "Lim WL, Tan HS"),
    ("Rahman, Aisyah and Ismail, Farid and Osman, Nurul", "Rahman A, Ismail F, Osman N"),
    ("Kusuma, Indra and Pratama, Yoga", "Kusuma I, Pratama Y"),
    ("Chen, Li and Wong, Kar Yee", "Chen L, Wong KY"),
    ("Siregar, Maria", "Siregar M"),
]


def write(folder: str, rows: list[dict], groups: dict[str, str], related: list[tuple[str, str]] = ()):
    out = HERE / folder
    out.mkdir(exist_ok=True)
    with open(out / "records.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})
    with open(out / "groups.csv", "w", newline="", encoding="utf-8") as fh:
        fh.write("id,group\n" + "".join(f"{r['id']},{groups[r['id']]}\n" for r in rows))
    if related:
        with open(out / "related.csv", "w", newline="", encoding="utf-8") as fh:
            fh.write("id_a,id_b\n" + "".join(f"{a},{b}\n" for a, b in related))


ABBREVIATIONS = {"Journal of Small Business Internationalisation": "J Small Bus Int",
                 "Asian Journal of Enterprise Studies": "Asian J Enterp Stud",
                 "Journal of Digital Trade": "J Digit Trade"}
FILLER = [
    ("Household savings and informal credit in coastal villages", "Hidayat, Rina", "Journal of Rural Economics", "7", "2", "55-70"),
    ("Port congestion and delivery times in archipelagic supply chains", "Tanaka, Ken and Ochoa, Luis", "Maritime Policy Review", "31", "4", "401-419"),
    ("Tax simplification for microenterprises: evidence from a reform", "Fernandes, Ana", "Fiscal Studies Quarterly", "12", "1", "1-22"),
    ("Broadband rollout and firm entry in secondary cities", "Park, Jiwoo and Kim, Soyeon", "Regional Science Letters", "19", "3", "233-250"),
    ("Franchising as an entry mode for restaurant chains in ASEAN", "Abdullah, Zainal", "Hospitality Management Review", "44", "6", "812-830"),
    ("Certification costs and export participation of seafood processors", "Le, Van Hung and Dao, Thu", "Food Policy Studies", "9", "2", "140-158"),
]


def filler(prefix: str, year: int) -> list[dict]:
    """Unrelated works from other journals, as any export holds them."""
    return [dict(id=f"{prefix}{k:02d}", title=t, author=au, year=str(year - k % 3), journal=j, volume=v, number=n,
                 pages=pg) for k, (t, au, j, v, n, pg) in enumerate(FILLER)]


def two_sources(n: int, journal="Journal of Small Business Internationalisation", year=2021):
    """Work k as exported by a citation database (A) and a library catalogue (B)."""
    a, b = [], []
    for k in range(n):
        full, short = AUTHORS[k % len(AUTHORS)]
        first = 10 + 17 * k
        base = dict(title=TITLES[k], year=str(year), journal=journal, volume="14", number=str(1 + k % 4),
                    pages=f"{first}-{first + 15}")
        a.append(dict(base, id=f"A{k:02d}", author=full))
        b.append(dict(base, id=f"B{k:02d}", author=short, title=TITLES[k].upper() if k % 3 == 0 else TITLES[k],
                      journal=ABBREVIATIONS[journal], pages=f"{first}-{(first + 15) % 100:02d}"))
    return a, b


def main() -> None:
    # 1. the volume printed three ways: "1)", "1" and a stray "61"
    a, b = two_sources(8)
    for k, r in enumerate(a):
        r["volume"] = "1)" if k % 2 == 0 else "1"
    for k, r in enumerate(b):
        r["volume"] = "61" if k in (1, 4) else "1"
    other = [dict(id=f"C{k:02d}", title=TITLES[8 + k], author=AUTHORS[k][0], year="2021",
                  journal="Journal of Small Business Internationalisation", volume="1", number="2",
                  pages=f"{300 + 20 * k}-{315 + 20 * k}") for k in range(4)]
    rows = a + b + other + filler("F", 2021)
    groups = {r["id"]: f"w{r['id'][1:]}" if r["id"][0] in "AB" else r["id"] for r in rows}
    write("volume_printing", rows, groups)

    # 2. one source's issue field holds a per-record counter
    a, b = two_sources(16)
    for k, r in enumerate(b):
        r["number"] = str(5001 + 7 * k)
    rows = a + b + filler("F", 2021)
    write("issue_counter", rows, {r["id"]: f"w{r['id'][1:]}" if r["id"][0] in "AB" else r["id"] for r in rows})

    # 3. errata, replies and a volume in the issue field
    a, b = two_sources(6, journal="Asian Journal of Enterprise Studies", year=2010)
    b[2]["volume"], b[2]["number"] = "", "14"          # the volume sits in the issue field
    a[3]["number"], b[3]["volume"], b[3]["number"] = "2", "", "14"
    notices = [
        dict(id="E01", title=f"Erratum: {TITLES[0]}", author=AUTHORS[0][0], year="2011",
             journal="Asian Journal of Enterprise Studies", volume="15", number="1", pages="99"),
        dict(id="E02", title=f"{TITLES[1]} (vol 14, pg 27, 2010)", author=AUTHORS[1][0], year="2011",
             journal="Asian Journal of Enterprise Studies", volume="15", number="2", pages="120"),
        dict(id="E03", title=f"Reply to: {TITLES[4]}", author="Gunawan, Hendra and Sari, Putri", year="2010",
             journal="Asian Journal of Enterprise Studies", volume="14", number="4", pages="201-202"),
        dict(id="E04", title=f"Correction to: {TITLES[5]}", author="", year="2011",
             journal="Asian Journal of Enterprise Studies", volume="15", number="1", pages="100"),
    ]
    rows = a + b + notices + filler("F", 2010)
    groups = {r["id"]: f"w{r['id'][1:]}" if r["id"][0] in "AB" else r["id"] for r in rows}
    groups.update({"E01": "w00", "E02": "w01", "E03": "w04", "E04": "w05"})
    write("notices", rows, groups, related=[("A00", "E01"), ("A01", "E02"), ("A04", "E03"), ("A05", "E04")])

    # 4. electronic page ranges and issues that disagree on otherwise identical records
    a, b = two_sources(6, journal="Journal of Digital Trade", year=2022)
    for k, (x, y) in enumerate(zip(a, b)):
        x["pages"], y["pages"] = f"e{8 + k}-e{9 + k}", f"e{3 + k}"
        x["number"], y["number"] = "3", "2"
    rows = a + b + filler("F", 2022)
    write("pages_issue", rows, {r["id"]: f"w{r['id'][1:]}" if r["id"][0] in "AB" else r["id"] for r in rows})

    # 5. two digital libraries of computer science
    works = [
        ("Adaptive indexing for &#246;ffline analytics on small clusters", "Kr&#246;ger, Peer and Lee, Ann and Baek, Jun",
         "Kr?ger, Peer and Baek, Jun and Lee, Ann", "SIGMOD Conference", "International Conference on Management of Data", "2009"),
        ("Query rewriting with learned cost hints", "M&#252;ller, Hans and Ortiz, Rosa",
         "Ortiz, Rosa and M?ller, Hans", "Proc. VLDB Endow.", "Proceedings of the VLDB Endowment", "2012"),
        ("A survey of streaming joins over sliding windows", "Iyer, Kavya and Zhou, Min",
         "Zhou, Min and Iyer, Kavya", "SIGMOD Record", "ACM SIGMOD Record", "2011"),
        ("Provenance capture in scientific workflow engines", "Dubois, Claire and Haas, Georg",
         "Haas, Georg and Dubois, Claire", "ICDE", "IEEE International Conference on Data Engineering", "2010"),
    ]
    rows = []
    groups = {}
    for k, (title, au1, au2, v1, v2, yr) in enumerate(works):
        rows.append(dict(id=f"dblp{k}", title=title, author=au1, year=yr, journal=v1, pages=f"{100 + 12 * k}-{111 + 12 * k}"))
        rows.append(dict(id=f"acm{k}", title=title.replace("&#246;", "ö"), author=au2, year=yr, journal=v2))
        groups[f"dblp{k}"] = groups[f"acm{k}"] = f"w{k}"
    for k, (title, vol, num) in enumerate([("Editor's Notes", "38", "1"), ("Editor's Notes", "38", "2"),
                                           ("Chair's Message", "38", "3"), ("Chair's Message", "38", "4")]):
        for src in ("dblp", "acm"):
            rid = f"{src}col{k}"
            rows.append(dict(id=rid, title=title, author="Winslett, Marianne", year="2009", journal="SIGMOD Record",
                             volume=vol, number=num if src == "dblp" else "", pages=f"{3 + 11 * k}-{6 + 11 * k}"))
            groups[rid] = f"col{k}"
    rows.append(dict(id="dblpbook", title="Book review column", author="Ibarra, Oscar", year="2009",
                     journal="SIGACT News", volume="40", number="1"))
    rows.append(dict(id="acmbook", title="Book review column", author="Ibarra, Oscar", year="2009",
                     journal="SIGACT News", volume="40", number="3"))
    groups["dblpbook"], groups["acmbook"] = "book1", "book3"
    write("cross_library", rows, groups)


if __name__ == "__main__":
    main()
