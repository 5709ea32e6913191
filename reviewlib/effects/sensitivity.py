"""Sensitivity analysis for standard errors that are only upper bounds.

A p-value printed as ``0.000`` (or ``< 0.001``) bounds the p-value, so the SE obtained from
it (:data:`reviewlib.effects.convert.STEPS` ``se_from_p_bound``) is the largest SE the
printing allows: the truth is smaller by an unknown amount. When every SE of a pool is such
a bound, all effects get nearly the same z, and Q, I² and tau² describe the bound rather
than the data.

:func:`implied_ses` proposes a replacement for each bounded SE, taken from the neighbouring
printed statistics of the same regression: the other coefficients printed in the same table,
for the same sample and model, whose p-value is printed exactly. Each of them implies an SE
(``|b| / z(p/2)``); the median of those that the rounding of p pins down within
``max_spread`` is the replacement, never above the bound. This assumes that the predictors
of one regression are estimated with similar precision -- an assumption, which is why the
result is a sensitivity analysis, labelled as such, and not an estimate.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import conversions as cv
from .convert import convert_row
from .pooling import BOUND_FLAG, FAMILIES, is_intercept
from .resolve import read_row
from .table import EffectsTable, load_effects

#: How the replaced SEs are labelled wherever they are shown.
LABEL = "SE implied by neighbouring printed statistics (sensitivity analysis)"

#: Columns of :func:`implied_ses`.
IMPLIED_COLUMNS = ("effect_id", "line", "se_bound", "se_implied", "se", "neighbours",
                   "label")


def _table_of(location: str) -> str:
    """``"Table 4, Java, Model I, cos_man"`` -> ``"table 4"``: the printed table."""
    return location.split(",")[0].strip().casefold()


def _regression(row) -> tuple:
    return (row.study_id, row.report, _table_of(row.location), row.sample.strip().casefold(),
            row.model.strip().casefold())


def _neighbour_se(row, max_spread: float) -> float | None:
    """The SE a row's exact p implies, when the rounding of p pins it within max_spread."""
    if FAMILIES.get(row.measure) != "odds ratio" or is_intercept(row.exposure):
        return None
    c = convert_row(row, "log_odds_ratio")
    if not c.ok or BOUND_FLAG in c.flags or not c.conversion.endswith("se_from_p"):
        return None
    p = read_row(row)["p"]
    b = abs(c.yi)
    lo, hi = cv.se_from_p(b, max(p.lower, 1e-300)), cv.se_from_p(b, min(p.upper, 1.0))
    if not (math.isfinite(lo) and math.isfinite(hi) and lo > 0) or hi / lo > max_spread:
        return None
    return c.se


def implied_ses(source: EffectsTable | str | Path, effect_ids: Iterable[str] | None = None,
                max_spread: float = 1.25) -> pd.DataFrame:
    """A replacement for every SE that is an upper bound, from the same regression's other rows.

    Parameters
    ----------
    source : EffectsTable or path
    effect_ids : iterable of str, optional
        The effects to look at (default: all). Rows whose SE is not a bound are skipped.
    max_spread : float
        A neighbour counts only when the largest SE its printed p allows (from the rounding
        of p) is at most ``max_spread`` times the smallest.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`IMPLIED_COLUMNS`: ``se_bound`` (the SE from the bound),
        ``se_implied`` (median over ``neighbours``, the ";"-joined effect_ids used; NaN
        when there is none), ``se`` = min(se_implied, se_bound) (the bound when no
        neighbour qualifies), ``label`` :data:`LABEL` (or ``"upper bound kept: no
        neighbour"``).

    Examples
    --------
    >>> implied_ses("extraction/effects.csv", ["fitriani_t4_java_m3_socmed"])  # doctest: +SKIP
    """
    table = source if isinstance(source, EffectsTable) else load_effects(source)
    wanted = None if effect_ids is None else list(effect_ids)
    rows = table.rows if wanted is None else [r for r in table.rows if r.effect_id in wanted]
    by_regression: dict[tuple, list] = {}
    for r in table.rows:
        by_regression.setdefault(_regression(r), []).append(r)
    records = []
    for row in rows:
        if is_intercept(row.exposure):
            continue
        c = convert_row(row, "log_odds_ratio")
        if not c.ok or BOUND_FLAG not in c.flags:
            continue
        found = [(n.effect_id, _neighbour_se(n, max_spread))
                 for n in by_regression[_regression(row)] if n is not row]
        found = [(eid, se) for eid, se in found if se is not None]
        implied = statistics.median(se for _, se in found) if found else math.nan
        se = min(implied, c.se) if found else c.se
        records.append(dict(effect_id=row.effect_id, line=row.line, se_bound=c.se,
                            se_implied=implied, se=se,
                            neighbours=";".join(eid for eid, _ in found),
                            label=LABEL if found else "upper bound kept: no neighbour"))
    frame = pd.DataFrame(records, columns=list(IMPLIED_COLUMNS))
    if wanted is not None:  # in the order asked for
        frame = frame.set_index("effect_id").reindex(
            [e for e in wanted if e in set(frame["effect_id"])]).reset_index()
    return frame


def with_implied_ses(frame: pd.DataFrame, source: EffectsTable | str | Path,
                     max_spread: float = 1.25) -> pd.DataFrame:
    """A prepared frame (:func:`prepare_analysis`) with bounded SEs replaced by implied ones.

    ``se`` and ``vi`` change for the bounded rows; ``se_source`` says, row by row, whether
    the SE is the one used in the main analysis or :data:`LABEL`.
    """
    implied = implied_ses(source, frame["effect_id"], max_spread).set_index("effect_id")
    out = frame.copy()
    out["se_source"] = "as in the main analysis"
    for i, eid in zip(out.index, out["effect_id"]):
        if eid in implied.index and implied.at[eid, "label"] == LABEL:
            out.at[i, "se"] = implied.at[eid, "se"]
            out.at[i, "vi"] = implied.at[eid, "se"] ** 2
            out.at[i, "se_source"] = LABEL
    return out
