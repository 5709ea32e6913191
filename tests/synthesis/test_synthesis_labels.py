"""Codes in the data reach the reader as words, and figures link to their full size."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from reviewlib import screening  # noqa: E402
from reviewlib.effects import check, convert_frame  # noqa: E402
from reviewlib.prisma import prisma_counts  # noqa: E402
from reviewlib.synthesis import figure_image, labels, plain  # noqa: E402
from reviewlib.synthesis.quantitative import effect_locations  # noqa: E402
from synthhelpers import REPO  # noqa: E402

EFFECTS = REPO / "extraction" / "effects.csv"


def test_every_code_the_real_data_produce_has_a_label():
    # A code without a label would reach the page as it is (e.g. "se_from_p_bound").
    assert {f.code for f in check(EFFECTS)} <= set(labels.CHECKS)
    conv = convert_frame(EFFECTS)
    flags = {f for cell in conv["flags"] for f in cell.split(";") if f}
    assert flags <= set(labels.FLAGS)
    assert set(conv["scale"]) <= set(labels.SCALES)
    assert {c for c in conv["conversion"] if c} <= set(labels.SCALES)
    assert set(prisma_counts(REPO / "screening").to_frame()["key"]) <= set(labels.PRISMA_BOXES)
    folder = screening.load_checked(REPO / "screening")
    assert set(folder.audit["verdict"]) <= set(labels.VERDICTS)
    assert set(screening.agreement(folder)["scheme"]) <= set(labels.SCREENING)


def test_plain_keeps_unknown_codes_and_joins_several():
    out = plain(pd.Series(["p_zero;decimal_comma", "made_up", "", None]), labels.FLAGS)
    assert out.tolist() == ["p printed as 0.000; decimal comma", "made_up", "", ""]
    assert plain(pd.Series(["out_of_scope"]), labels.VERDICTS).tolist() == ["out of scope"]


def test_figure_image_carries_its_css_width():
    # 4 in at 144 dpi is 576 image pixels, shown as 384 CSS pixels (96 per inch); with a
    # width, Sphinx links the shrunken picture to its full-resolution file.
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    image = figure_image(fig, dpi=144)
    png_width = int.from_bytes(image.data[16:20], "big")
    assert png_width > 300
    _, metadata = image._repr_png_()                  # what Jupyter (and glue) store
    assert metadata["width"] == round(png_width * 96 / 144)


def test_effect_locations_say_where_each_effect_was_printed():
    where = effect_locations(EFFECTS)
    assert where["fitriani_t3_full_m2_socmed"] == "Table 3, full, Model II, social media"
    assert where.index.is_unique and (where != "").all()


def test_data_files_are_described_for_the_appendix():
    from reviewlib.synthesis import data_inventory

    from reviewlib.synthesis import load_codebook

    book = load_codebook(REPO)
    described = {f: labels.describe_file(f, book) for f in data_inventory(REPO)["file"]}
    for path in ("extraction/studies.csv", "extraction/effects.csv", "screening/sources.csv",
                 "screening/previous_audit.csv", "screening/full_text/team.csv",
                 "extraction/review/synergies.csv"):
        assert described[path], path
    assert labels.describe_file("elsewhere/unknown.txt") == ""
