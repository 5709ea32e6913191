"""The command-line dispatcher: subcommands listed, exit codes as the README says."""

import subprocess
import sys

import pytest

from reviewlib import cli
from reviewlib.errors import InputError, Problem, UsageError


def test_help_lists_every_subcommand(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("dedup", "screen", "prisma", "effects", "pool"):
        assert name in out


def test_no_command_is_a_usage_error(capsys):
    assert cli.main([]) == 2
    assert "usage: reviewlib" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys):
    assert cli.main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unbuilt_subcommand_says_so_and_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(cli.SUBCOMMANDS, "nonexistent", "a subcommand with no module")
    assert cli.main(["nonexistent"]) == 2
    assert "not built yet" in capsys.readouterr().err


def _fake_command(monkeypatch, exc):
    real_build = cli.build_parser

    def build(argv=None):
        parser = real_build(argv)
        sub = next(a for a in parser._actions if a.dest == "command")
        p = sub.add_parser("boom")

        def run(args):
            raise exc

        p.set_defaults(func=run)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)


def test_input_errors_print_one_line_each_and_exit_1(monkeypatch, capsys):
    _fake_command(monkeypatch, InputError([Problem("screening/a.csv", 3, 2, "bad value 'x'"),
                                          Problem("screening/b.csv", None, None, "file is empty")]))
    assert cli.main(["boom"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["screening/a.csv:3:2: bad value 'x'", "screening/b.csv: file is empty"]


def test_usage_errors_exit_2(monkeypatch, capsys):
    _fake_command(monkeypatch, UsageError("--level must be between 0 and 100"))
    assert cli.main(["boom"]) == 2
    assert "--level must be between 0 and 100" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run([sys.executable, "-m", "reviewlib", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("reviewlib ")


def test_unexpected_errors_are_one_line_not_a_traceback(monkeypatch, capsys):
    _fake_command(monkeypatch, ZeroDivisionError("float division by zero"))
    assert cli.main(["boom"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("reviewlib boom: unexpected error (ZeroDivisionError: float division by zero)")


def test_extreme_variances_in_pool_do_not_end_in_a_traceback(tmp_path, capsys):
    # Variances spanning 1e-300..1e200 make the SJ fit's matrix singular in floating point.
    data = tmp_path / "extreme.csv"
    data.write_text("yi,vi\n1.0,0.01\n1.0,1e-06\n-1e10,1e200\n1e200,100\n1e200,1e-300\n"
                    "-1e10,1e-12\n1e10,1e-06\n-0.5,1e-300\n")
    code = cli.main(["pool", str(data), "--yi", "yi", "--vi", "vi", "--method", "SJ"])
    assert code in (1, 2)
    assert "Traceback" not in capsys.readouterr().err


def test_a_command_imports_only_its_own_module():
    # a command does not pay for the imports of the others (statsmodels for pool,
    # matplotlib for the PRISMA diagram): checked in a fresh interpreter
    code = ("import sys; from reviewlib import cli; cli.main(['new', '--help']); "
            "print(sorted(m for m in sys.modules if m.startswith(('reviewlib.cli.', "
            "'statsmodels', 'matplotlib.pyplot'))))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "['reviewlib.cli.new']"
    # with no command every subcommand is registered, so the top-level help is complete
    assert {"new", "dedup", "pool", "appraise"} <= set(
        next(a for a in cli.build_parser()._actions if a.dest == "command").choices)
