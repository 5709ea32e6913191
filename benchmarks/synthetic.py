"""Synthetic bibliographic exports with known duplicate groups, for speed and accuracy tests.

Every work is generated once (title, authors, journal, year, volume, issue, pages, DOI) and
then exported one to four times, each copy perturbed the way database exports differ:

* letter case, punctuation and a one-letter typo in the title; a bracketed database note
  ("[Review]", "[45 refs]"); the subtitle dropped; an original-language title added in
  brackets (a translated title);
* authors with initials instead of given names, diacritics dropped, "Family GI" Vancouver
  style, the list cut after three authors with "et al.";
* the journal abbreviated word by word (ISO 4 style) or with "The" dropped;
* DOI missing or written as a URL, pages missing or with the last page abbreviated.

Hard negatives are generated on purpose, each as its own work in the gold standard:
a preprint of some works (different DOI on a preprint server, a year earlier: a *related*
report, never a duplicate), errata ("Erratum to: <title>"), "Part I" / "Part II" pairs, and
annual editorials with the same title and author in consecutive volumes.

The generator draws from its own seeded :class:`random.Random` instance (scalar draws are
far faster than numpy's for this kind of record-by-record work; no global random state), so
a given ``(n, seed)`` always gives the same exports.

Usage::

    python benchmarks/synthetic.py 100000 --out /tmp/synth      # writes records.csv, groups.csv, related.csv
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "dar", "mor", "pel", "qua",
              "ris", "tan", "bel", "cor", "dun", "fal", "gri", "hol", "jun", "kel", "lum", "nor",
              "ost", "pra", "sel", "tor", "val", "wen", "yar", "bri", "clo", "dre", "fro", "gla"]
_TOPIC = ["digital", "marketing", "small", "firms", "social", "media", "platform", "consumer",
          "trust", "adoption", "performance", "export", "innovation", "network", "learning",
          "model", "evidence", "analysis", "effects", "survey", "review", "strategy", "data",
          "online", "mobile", "payment", "influencer", "content", "commerce", "growth",
          "capabilities", "internationalization", "entrepreneurship", "customer", "loyalty",
          "design", "risk", "policy", "market", "value", "service", "quality", "behaviour"]
_LINK = ["of", "in", "and", "for", "the", "on", "with", "among", "across", "from"]
_GIVEN = ["Anna", "Budi", "Chen", "Dewi", "Eko", "Fatima", "Guo", "Hana", "Ivan", "Joko",
          "Kartika", "Li", "Maria", "Nur", "Omar", "Putri", "Qiang", "Rina", "Siti", "Tomas",
          "Umar", "Vera", "Wei", "Xin", "Yusuf", "Zhang", "José", "Zoë", "Ágnes", "Søren"]
_ACCENTED = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í", "n": "ñ", "c": "ç", "s": "š"}
_JOURNAL_HEAD = ["Journal of", "International Journal of", "Review of", "Annals of", "Studies in"]
_JOURNAL_WORDS = ["Business", "Management", "Marketing", "Economics", "Information", "Systems",
                  "Research", "Technology", "Innovation", "Commerce", "Entrepreneurship",
                  "Small", "Enterprise", "Development", "Asian", "Digital", "Applied", "Strategic"]
_PREPRINT_SERVERS = [("Preprints", "10.20944/preprints"), ("SSRN Electronic Journal", "10.2139/ssrn."),
                     ("Research Square", "10.21203/rs.3.rs-")]


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(_SYLLABLES, k=rng.randrange(2, 4)))


def _title(rng: random.Random) -> str:
    n = rng.randrange(5, 13)
    words = []
    for k in range(n):
        r = rng.random()
        words.append(rng.choice(_TOPIC) if r < 0.55 else rng.choice(_LINK) if r < 0.75 else _word(rng))
    head = " ".join(words)
    if rng.random() < 0.45:
        head += ": " + " ".join(rng.choices(_TOPIC, k=rng.randrange(3, 7)))
    return head[0].upper() + head[1:]


def _person(rng: random.Random) -> tuple[str, str]:
    family = _word(rng).capitalize()
    given = rng.choice(_GIVEN)
    if rng.random() < 0.3:
        given += " " + rng.choice(_GIVEN)
    return family, given


def _journal(rng: random.Random) -> str:
    words = rng.sample(_JOURNAL_WORDS, rng.randrange(1, 4))
    return f"{rng.choice(_JOURNAL_HEAD)} {' and '.join([' '.join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]}"


def _abbreviate(journal: str) -> str:
    keep = [w for w in journal.split() if w.lower() not in {"of", "and", "the", "in"}]
    return " ".join(w if len(w) <= 4 else w[:max(3, len(w) // 2)] for w in keep)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 10:
        return text
    k = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.34:
        return text[:k] + text[k + 1:]
    if op < 0.67:
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]
    return text[:k] + rng.choice("aeiou") + text[k + 1:]


def _strip_accents(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _authors(rng: random.Random, people: list[tuple[str, str]]) -> str:
    style = rng.random()
    shown = people
    etal = False
    if len(people) > 4 and rng.random() < 0.2:
        shown, etal = people[:3], True
    if style < 0.5:
        text = " and ".join(f"{f}, {g}" for f, g in shown)
    elif style < 0.75:
        text = " and ".join(f"{f}, {' '.join(p[0] + '.' for p in g.split())}" for f, g in shown)
    else:
        text = ", ".join(f"{f} {''.join(p[0] for p in g.split())}" for f, g in shown)
    if etal:
        text += " and others" if style < 0.75 else ", et al."
    if rng.random() < 0.3:
        text = _strip_accents(text)
    return text


def _work(rng: random.Random, journals: list[str], k: int) -> dict:
    people = []
    for _ in range(rng.randrange(1, 8)):
        family, given = _person(rng)
        if rng.random() < 0.15:
            family = "".join(_ACCENTED.get(c, c) if rng.random() < 0.3 else c for c in family)
        people.append((family, given))
    first = rng.randrange(1, 900)
    return {
        "title": _title(rng), "people": people, "journal": journals[rng.randrange(len(journals))],
        "year": rng.randrange(1995, 2026), "volume": str(rng.randrange(1, 60)),
        "number": str(rng.randrange(1, 13)), "first": first, "last": first + rng.randrange(4, 30),
        "doi": f"10.{rng.randrange(1000, 9999)}/syn.{k}.{rng.randrange(10**6)}",
    }


def _export(rng: random.Random, w: dict) -> dict:
    """One database's record of work ``w``, with that database's habits."""
    title = w["title"]
    r = rng.random()
    if r < 0.15:
        title = title.lower()
    elif r < 0.25:
        title = title.title()
    if rng.random() < 0.10:
        title = _typo(rng, title)
    if rng.random() < 0.05 and ":" in title:
        title = title.split(":")[0]
    if rng.random() < 0.05:
        title += f". [Review] [{rng.randrange(10, 90)} refs]"
    if rng.random() < 0.02:
        title += " [" + " ".join(_word(rng) for _ in range(6)) + "]"
    journal = w["journal"]
    if rng.random() < 0.3:
        journal = _abbreviate(journal)
    pages = f"{w['first']}-{w['last']}"
    r = rng.random()
    if r < 0.1:
        pages = ""
    elif r < 0.2:
        pages = f"{w['first']}-{str(w['last'])[-len(str(w['last'])) + 1:] or w['last']}"
    doi = w["doi"]
    r = rng.random()
    if r < 0.3:
        doi = ""
    elif r < 0.4:
        doi = "https://doi.org/" + doi.upper()
    return {"title": title, "author": _authors(rng, w["people"]), "year": str(w["year"]),
            "journal": journal, "volume": w["volume"], "number": w["number"] if rng.random() > 0.1 else "",
            "pages": pages, "doi": doi}


def generate(n: int, seed: int = 20261123) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """About ``n`` synthetic records with their gold groups.

    Returns
    -------
    records : pandas.DataFrame
        ``id, title, author, year, journal, volume, number, pages, doi, abstract, source``.
    groups : pandas.DataFrame
        ``id, group``: records with the same group are the same work.
    related : pandas.DataFrame
        ``id_a, id_b``: a preprint and a record of its published version (different works in
        ``groups``, expected in the engine's ``related`` table).
    """
    rng = random.Random(seed)
    journals = sorted({_journal(rng) for _ in range(400)})
    copies_p = [0.62, 0.25, 0.10, 0.03]
    rows, groups, related = [], [], []
    g = 0
    while len(rows) < n:
        w = _work(rng, journals, g)
        gid = f"w{g}"
        g += 1
        copies = rng.choices(range(1, 5), weights=copies_p)[0]
        first_id = None
        for c in range(copies):
            rec = _export(rng, w)
            rec["id"] = f"r{len(rows)}"
            rec["source"] = f"db{rng.randrange(1, 6)}"
            first_id = first_id or rec["id"]
            rows.append(rec)
            groups.append(gid)
        r = rng.random()
        if r < 0.03:      # a preprint of the same study: related, not a duplicate
            name, prefix = _PREPRINT_SERVERS[rng.randrange(len(_PREPRINT_SERVERS))]
            rec = _export(rng, w)
            rec.update(journal=name, volume="", number="", pages="", year=str(w["year"] - 1),
                       doi=f"{prefix}{rng.randrange(10**6, 10**7)}.v1", id=f"r{len(rows)}", source="db9")
            rows.append(rec)
            groups.append(f"{gid}p")
            related.append((first_id, rec["id"]))
        elif r < 0.05:    # an erratum notice
            rec = _export(rng, w)
            rec.update(title="Erratum to: " + w["title"], pages=str(w["last"] + 40),
                       doi=f"{w['doi']}e", id=f"r{len(rows)}", source="db1")
            rows.append(rec)
            groups.append(f"{gid}e")
        elif r < 0.06:    # Part I / Part II
            for part in ("Part I", "Part II"):
                rec = _export(rng, w)
                rec.update(title=f"{w['title']}, {part}", doi="", id=f"r{len(rows)}",
                           pages=f"{w['first'] + (40 if part == 'Part I' else 80)}-{w['last'] + (40 if part == 'Part I' else 80)}")
                rows.append(rec)
                groups.append(f"{gid}{part[-2:].strip()}")
        elif r < 0.07:    # an annual editorial: same title and author, next year's volume
            base = _export(rng, w)
            for step in (1, 2):
                rec = dict(base, title="Editorial: the year in review", year=str(w["year"] + step),
                           volume=str(int(w["volume"]) + step), pages=str(step), doi="",
                           id=f"r{len(rows)}")
                rows.append(rec)
                groups.append(f"{gid}y{step}")
    records = pd.DataFrame(rows)[["id", "title", "author", "year", "journal", "volume", "number",
                                  "pages", "doi", "source"]]
    records.insert(9, "abstract", "")
    order = np.random.default_rng(seed).permutation(len(records))          # exports arrive in no particular order
    records = records.iloc[order].reset_index(drop=True)
    gold = pd.DataFrame({"id": [r["id"] for r in rows], "group": groups}).iloc[order].reset_index(drop=True)
    return records, gold, pd.DataFrame(related, columns=["id_a", "id_b"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("n", type=int, help="number of records (about)")
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--out", type=Path, required=True, help="folder for records.csv, groups.csv, related.csv")
    args = p.parse_args(argv)
    records, groups, related = generate(args.n, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    records.to_csv(args.out / "records.csv", index=False)
    groups.to_csv(args.out / "groups.csv", index=False)
    related.to_csv(args.out / "related.csv", index=False)
    print(f"{len(records)} records, {groups['group'].nunique()} works -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
