"""``reviewlib screen check|status|conflicts|import|rank|sample [DIR]``, ``screen simulate FILE``.

``check``/``status``/``conflicts`` validate screening files and show progress; ``import``
writes a reviewer's decisions from an ASReview LAB or Rayyan export; ``rank`` writes the
prioritised to-do list, ``sample`` draws the random sample for the stopping test,
``simulate`` replays a labelled review (see :mod:`reviewlib.screening.prioritise`).

``check`` reads everything and writes nothing; it prints every problem as
``path:line:column: message`` on stdout and exits 1, or exits 0 when the folder is clean.
Accepted quirks (a BOM, ``;`` delimiters, cp1252, CRLF) are listed on stderr as
``path:line: note: ...`` unless ``--quiet``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from reviewlib.errors import OverwriteError, Problem
from reviewlib.screening import (
    agreement,
    check_folder,
    conflicts,
    previous_audit_status,
    progress,
)
from reviewlib.screening import layout as L
from reviewlib.screening import title_abstract_status
from reviewlib.screening.rounds import latest_round, record_rounds



def _check(args) -> int:
    folder, problems = check_folder(args.dir)
    if not args.quiet:
        for n in folder.notes:   # accepted quirks, on stderr so stdout holds only errors
            print(Problem(n.path, n.line, n.column, f"note: {n.message}"), file=sys.stderr)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {args.dir}", file=sys.stderr)
        return 1
    print(f"{args.dir}: OK ({len(folder.records)} records after deduplication, "
          f"{len(folder.decisions)} decision file(s))", file=sys.stderr)
    return 0


def _fmt(x: float, digits: int = 3) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _status(args) -> int:
    folder, problems = check_folder(args.dir)
    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s) in {args.dir}; run 'reviewlib screen check' "
              "after fixing them", file=sys.stderr)
        return 1
    prog = progress(folder)
    print("Progress (records at title/abstract, reports at full text)")
    print(prog.to_string(index=False))
    print()
    agr = agreement(folder)
    shown = pd.DataFrame({
        "stage": agr["stage"], "scheme": agr["scheme"],
        "pair": [f"{a} vs {b}" if b else f"{a} (alone)" for a, b in
                 zip(agr["reviewer_a"], agr["reviewer_b"])],
        "n": agr["n"], "agreement": [_fmt(x) for x in agr["agreement"]],
        "kappa": [_fmt(x) for x in agr["kappa"]],
        "95% CI": ["" if math.isnan(lo) else f"{lo:.3f} to {hi:.3f}"
                   for lo, hi in zip(agr["ci_low"], agr["ci_high"])],
        "note": agr["note"]})
    print("Agreement (Cohen's kappa; SE of Fleiss, Cohen & Everitt 1969)")
    print(shown.to_string(index=False) if len(shown) else "  no decisions yet")
    _print_rounds(folder)
    audit = previous_audit_status(folder)
    if len(audit):
        counts = audit["verdict"].replace("", "not audited").value_counts()
        print()
        print(f"Previous version: {len(audit)} report(s) re-checked as " +
              ", ".join(f"{k} {v}" for k, v in counts.items()))
    _stopping_status(folder, args)
    for stage in L.STAGES:
        c = conflicts(folder, stage, unresolved_only=True)
        if len(c):
            print()
            print(f"Unresolved conflicts at {stage} ({len(c)}): settle them in "
                  f"{folder.path(stage, L.CONSENSUS + '.csv')}")
            print(c.drop(columns=["stage", "resolved", "consensus"]).to_string(index=False))
    return 0


def _print_rounds(folder) -> None:
    """The latest search round's new records and where they stand (only for an update)."""
    latest = latest_round(folder)
    if latest < 2:
        return
    rounds = record_rounds(folder)
    new = rounds[rounds["new"]]
    ta = title_abstract_status(folder)
    final = dict(zip(ta["record_id"], ta["final"]))
    print()
    again = sum(not n and str(latest) in r.split(";")
                for n, r in zip(rounds["new"], rounds["rounds"]))
    print(f"Search round {latest} (latest): {len(new)} new record(s); {again} record(s) of "
          "earlier rounds found again (their decisions stand)")
    if len(new):
        shown = pd.DataFrame({
            "record_id": new["record_id"], "column": new["column"],
            "title/abstract": [("removed before screening" if r in folder.removed_ids
                                else final.get(r) or "not screened yet")
                               for r in new["record_id"]]})
        print(shown.to_string(index=False))


def _stopping_status(folder, args) -> None:
    """The stopping test, when a random sample was drawn with ``screen sample``."""
    from reviewlib.screening.ranking import sample_test

    st = sample_test(folder, args.target, args.confidence)
    if st is None:
        return
    print()
    print(f"Stopping aid (hypergeometric test, Callaghan & Müller-Hansen 2020): random sample "
          f"of {st.sample_size} from the {st.pool} records unscreened when it was drawn "
          f"(seed {st.seed})")
    t = st.test
    if t is None:
        print("  no record of the sample decided yet: screen it in the listed order")
        return
    print(f"  sample screened {t.n_sampled} of {st.sample_size}, relevant {t.k_found}; "
          f"relevant found before the sample {t.r_before}")
    print(f"  estimated recall {t.recall_estimate:.3f}; recall is at least "
          f"{t.recall_lower:.3f} with {t.confidence:.0%} confidence")
    verdict = ("the target is reached: screening may stop" if t.stop else
               "not shown yet: keep screening the sample")
    print(f"  H0 'recall < {t.target:.0%}': p = {t.p:.4f} -> {verdict}")
    if st.late:
        print(f"  note: {st.late} record(s) outside the sample were decided after it was drawn;"
              " the test counts them as screened before it (screen only the sample until "
              "the test is read)")


def _rank(args) -> int:
    from reviewlib.screening.ranking import rank, write_ranking

    folder = _checked(args.dir)
    if folder is None:
        return 1
    frame = rank(folder, reviewer=args.reviewer)
    path = write_ranking(folder, frame, force=args.force)
    who = f" for {args.reviewer}" if args.reviewer else ""
    print(f"wrote {path}: {len(frame)} record(s) to screen{who}, most likely relevant first "
          "(a to-do list: decisions still go in your own file)", file=sys.stderr)
    if len(frame):
        print(frame.head(args.show).to_string(index=False))
    return 0


def _sample(args) -> int:
    from reviewlib.screening.ranking import draw_sample, write_sample

    folder = _checked(args.dir)
    if folder is None:
        return 1
    frame = draw_sample(folder, args.n, args.seed)
    path = write_sample(folder, frame, force=args.force)
    print(f"wrote {path}: {len(frame)} of the {frame['pool'].iloc[0]} undecided records, drawn "
          f"at random (seed {args.seed}). Screen them in the listed order; 'reviewlib screen "
          "status' then reports the stopping test", file=sys.stderr)
    return 0


def _checked(root):
    folder, problems = check_folder(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {root}; run 'reviewlib screen check' after "
              "fixing them", file=sys.stderr)
        return None
    return folder


def _register_rank_sample(actions) -> None:
    text = "write title_abstract/ranking.csv: undecided records, most likely relevant first"
    p = actions.add_parser("rank", help=text, description=text + ". Trains on the settled "
                           "title/abstract decisions (include and maybe = relevant).")
    p.add_argument("dir", nargs="?", default="screening", metavar="DIR")
    p.add_argument("--reviewer", metavar="NAME",
                   help="rank the records NAME has not decided yet (default: those nobody has)")
    p.add_argument("--show", type=int, default=10, metavar="N",
                   help="print the first N rows (default 10)")
    p.add_argument("--force", action="store_true",
                   help="replace ranking.csv even if it is not an earlier ranking")
    p.set_defaults(func=_rank)
    text = "draw a random sample of undecided records for the stopping test"
    p = actions.add_parser("sample", help=text, description=text + " (written to "
                           "title_abstract/random_sample.csv; never a decision file).")
    p.add_argument("n", type=int, metavar="N", help="sample size")
    p.add_argument("dir", nargs="?", default="screening", metavar="DIR")
    p.add_argument("--seed", type=int, required=True, help="random seed (write it down)")
    p.add_argument("--force", action="store_true", help="replace an existing sample")
    p.set_defaults(func=_sample)


def _conflicts(args) -> int:
    folder, problems = check_folder(args.dir)
    if problems:
        for p in problems:
            print(p)
        return 1
    stages = L.STAGES if args.stage == "all" else (args.stage,)
    for stage in stages:
        c = conflicts(folder, stage, unresolved_only=not args.all)
        print(f"{stage}: {len(c)} conflict(s)")
        if len(c):
            print(c.drop(columns=["stage"]).to_string(index=False))
    return 0


def _import(args) -> int:
    """``screen import``: one reviewer's decisions from an ASReview LAB or Rayyan export."""
    from reviewlib.screening.importing import (
        decision_path,
        import_decisions,
        write_decisions,
    )

    target = decision_path(args.dir, args.reviewer)
    if target.exists() and not args.force:
        raise OverwriteError(f"{target} exists; it is {args.reviewer}'s decision file and is "
                             "not replaced without --force")
    result = import_decisions(args.dir, args.file, tool_reviewer=args.tool_reviewer or
                              args.reviewer, exclude_reason=args.exclude_reason)
    for p in result.unmatched:
        print(p)
    path = write_decisions(result, args.dir, args.reviewer, force=args.force)
    how = ", ".join(f"{n} by {k}" for k, n in sorted(result.matched_by.items())) or "none"
    print(f"{path}: {len(result.decisions)} decision(s) from {result.tool} ({how}); "
          f"{result.not_screened} record(s) not screened in the tool; "
          f"{len(result.unmatched)} row(s) not imported" +
          (" (listed above)" if result.unmatched else ""), file=sys.stderr)
    return 0


def _register_import(actions) -> None:
    p = actions.add_parser(
        "import", help="write a reviewer's title/abstract file from an ASReview LAB or "
                       "Rayyan export",
        description="Match the decisions of an ASReview LAB export (CSV with an 'included' "
                    "or 'asreview_label' column, or RIS with ASReview_relevant notes) or a "
                    "Rayyan CSV (RAYYAN-INCLUSION notes) to the folder's records by id, DOI "
                    "or title, and write DIR/title_abstract/NAME.csv. Rows that match no "
                    "record are listed, not dropped.")
    p.add_argument("file", metavar="FILE", help="the export")
    p.add_argument("dir", nargs="?", default="screening", metavar="DIR",
                   help="screening folder (default: screening)")
    p.add_argument("--reviewer", required=True, metavar="NAME",
                   help="the reviewer: writes title_abstract/NAME.csv")
    p.add_argument("--tool-reviewer", metavar="NAME",
                   help="Rayyan collaborator whose decisions are taken (default: --reviewer, "
                        "or the only one)")
    p.add_argument("--exclude-reason", metavar="CODE",
                   help="reason code (reasons.csv, stage title_abstract) for exclusions the "
                        "export gives no reason for (ASReview never does)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing decision file of that reviewer")
    p.set_defaults(func=_import)


def _simulate(args) -> int:
    from reviewlib.io import read_table, write_csv
    from reviewlib.screening.simulation import check_priors, read_labelled, replay

    out = Path(args.out)
    if out.is_dir():
        raise OverwriteError(f"{out} is a folder")
    if out.exists() and not args.force:
        t = read_table(out)
        if t.header != ["id"]:
            raise OverwriteError(f"{out} exists and is not an earlier screening order (header "
                                 "'id'); choose another --out or pass --force")
    frame = read_labelled(args.file)
    rows = check_priors(frame, args.prior, str(args.file))
    res = replay(frame, rows, target=args.target, confidence=args.confidence)
    write_csv(pd.DataFrame({"id": res.order}), out, overwrite=True)
    m = res.measures
    n, r = len(res.order), int(res.labels.sum())
    print(f"{args.file}: {n} records, {r} included, {res.n_priors} priors")
    print(f"WSS@95      {m['wss95']:.3f}")
    print(f"WSS@100     {m['wss100']:.3f}")
    print(f"recall@10%  {m['recall10']:.3f}")
    print(f"loss        {m['loss']:.3f}")
    how = (f"hypergeometric test, recall target {args.target:.0%} at {args.confidence:.0%} "
           "confidence, the ranked records taken as a random sample")
    if res.stop_at is None:
        print(f"stopping aid ({how}): would not have said stop before the last record")
    else:
        print(f"stopping aid ({how}): stop after {res.stop_at} of {n} records "
              f"({res.stop_at / n:.1%}), recall there {res.stop_recall:.3f}")
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _fraction(text: str) -> float:
    x = float(text)
    x = x / 100 if x > 1 else x
    if not 0 < x < 1 or math.isnan(x):
        raise argparse.ArgumentTypeError(f"{text!r}: give a share in (0, 1) or a percentage")
    return x


def _register_simulate(actions) -> None:
    text = "replay a labelled review in the model's order; WSS, recall@10%, loss, stop point"
    p = actions.add_parser("simulate", help=text.replace("%", "%%"),
                           description=text + ". FILE has id, title, "
                           "abstract, label_included (1/0); other columns are ignored.")
    p.add_argument("file", metavar="FILE", help="labelled records (CSV)")
    p.add_argument("--prior", nargs="+", required=True, metavar="ID",
                   help="ids screened first (at least one included and one excluded)")
    p.add_argument("--out", required=True, metavar="ORDER.csv",
                   help="screening order written here (column id, priors first)")
    p.add_argument("--force", action="store_true",
                   help="replace --out even if it is not an earlier screening order")
    p.add_argument("--target", type=_fraction, default=0.95,
                   help="recall the stopping aid aims for (default 0.95)")
    p.add_argument("--confidence", type=_fraction, default=0.95,
                   help="confidence of the stopping aid (default 0.95)")
    p.set_defaults(func=_simulate)


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``screen`` and its actions to the ``reviewlib`` command."""
    parser = subparsers.add_parser(
        "screen", help="check screening decision files; screening progress and agreement",
        description="Check the screening folder (never writes), show progress, agreement "
                    "and conflicts.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    for name, func, text in (
            ("check", _check, "validate every file; print path:line:column: message"),
            ("status", _status, "progress per stage and reviewer, agreement, open conflicts"),
            ("conflicts", _conflicts, "records on which reviewers disagree")):
        p = actions.add_parser(name, help=text, description=text)
        p.add_argument("dir", nargs="?", default="screening", metavar="DIR",
                       help="screening folder (default: screening)")
        if name == "check":
            p.add_argument("-q", "--quiet", action="store_true",
                           help="do not list accepted quirks (BOM, ';' delimiter, cp1252, CRLF)")
        if name == "status":
            p.add_argument("--target", type=_fraction, default=0.95,
                           help="recall the stopping aid tests for (default 0.95)")
            p.add_argument("--confidence", type=_fraction, default=0.95,
                           help="confidence of the stopping aid (default 0.95)")
        if name == "conflicts":
            p.add_argument("--stage", choices=[*L.STAGES, "all"], default="all")
            p.add_argument("--all", action="store_true",
                           help="also list conflicts already settled by consensus")
        p.set_defaults(func=func)
    _register_import(actions)
    _register_simulate(actions)
    _register_rank_sample(actions)
    return parser
