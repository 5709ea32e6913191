"""The workspace's own tests: its data pass every check and give PRISMA counts.

They read the data as they are today, so they hold for any valid state of the review.
"""

from pathlib import Path

from reviewlib.check import run_checks
from reviewlib.prisma import prisma_counts

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_check_passes():
    report = run_checks(ROOT)
    assert report.ok, "\n".join(str(p) for p in report.errors)


def test_prisma_counts_add_up():
    counts = prisma_counts(ROOT / "screening").counts
    assert counts["total_studies"] >= 0
