"""Shared by the tests of reviewlib.meta: the metafor reference values and the tolerances.

The reference file ``tests/data/meta/metafor_reference.json`` was written by
``validation/metafor/run_metafor.R`` (its ``source`` block records the R and metafor
versions and every call); the datasets it used sit next to it as CSV files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data" / "meta"
REF = json.loads((DATA / "metafor_reference.json").read_text(encoding="utf-8"))

#: One tolerance table for every comparison with metafor: kind -> (rtol, atol, reason).
#: Observed agreement is ~1e-10 relative; 1e-6 is the bar the project sets.
TOL: dict[str, tuple[float, float, str]] = {
    "estimate": (1e-6, 1e-10, "same closed-form WLS given tau^2; tau^2 solved to 1e-12 on both sides"),
    "se": (1e-6, 1e-10, "as estimate"),
    "ci": (1e-6, 1e-10, "estimate +/- quantile * se; quantiles agree to machine precision"),
    "stat": (1e-6, 1e-10, "estimate / se"),
    "pvalue": (1e-6, 1e-12, "tail areas; absolute floor because p-values near 1e-26 differ in the last bits"),
    "tau2": (1e-6, 1e-9, "metafor's Fisher scoring approaches a boundary optimum (tau^2 = 0) from "
                         "above and stops ~1e-11 short of it; we return exactly 0"),
    "heterogeneity": (1e-6, 1e-6, "I^2 (in %) and H^2 inherit the absolute tau^2 difference at the boundary"),
    "q": (1e-6, 1e-9, "fixed-effect weighted sum of squares"),
    "qprofile": (1e-6, 1e-9, "roots of Q(tau^2) = chi^2 quantile; metafor run with uniroot tol = 1e-12"),
    "influence": (1e-6, 1e-9, "functions of the leave-one-out fits"),
}


def close(ours, theirs, kind: str) -> bool:
    """True when every value agrees within TOL[kind]; None/NaN in metafor must be NaN here."""
    rtol, atol, _ = TOL[kind]
    a = np.atleast_1d(np.asarray(ours, dtype=float))
    b = np.atleast_1d(np.asarray([np.nan if x is None else x for x in np.atleast_1d(theirs)],
                                 dtype=float))
    if a.shape != b.shape:
        return False
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | np.isclose(a, b, rtol=rtol, atol=atol)))


def assert_close(ours, theirs, kind: str, what: str) -> None:
    """Assert :func:`close`, with a message showing both sides."""
    assert close(ours, theirs, kind), f"{what}: reviewlib {ours!r} vs metafor {theirs!r} ({kind})"


def dataset(name: str) -> pd.DataFrame:
    """A dataset as R wrote it (yi, vi at full double precision)."""
    return pd.read_csv(DATA / f"{name}.csv", keep_default_na=False)
