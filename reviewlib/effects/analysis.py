"""Effects ready for pooling: one call from an effects file to (yi, vi) on one scale.

:func:`prepare_analysis` is what the pooling code and the book's chapters call; it selects
rows, converts them with :func:`reviewlib.effects.convert.convert_row`, attaches the checks'
errors as flags, and says which rows it left out and why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from reviewlib.errors import UsageError

from . import conversions as cv
from .checks import check
from .convert import convert_row, native_scale
from .table import MEASURES, EffectsTable, load_effects

log = logging.getLogger("reviewlib")

#: Exposure names that denote a regression intercept (compared case-insensitively); such
#: rows are never selected for pooling.
INTERCEPTS = frozenset({"constant", "const", "cons", "_cons", "intercept", "(intercept)"})

#: Columns of the frame :func:`prepare_analysis` returns (**contract**), in order.
ANALYSIS_COLUMNS = ("effect_id", "study_id", "label", "sample", "yi", "vi", "measure",
                    "conversion", "flags", "se", "scale", "report", "model", "exposure",
                    "outcome", "location", "line")

#: Columns of :func:`convert_frame`.
CONVERT_COLUMNS = ("effect_id", "line", "study_id", "report", "model", "sample", "exposure",
                   "outcome", "measure", "scale", "yi", "vi", "se", "conversion", "flags",
                   "reason")


def _table(source: EffectsTable | str | Path) -> EffectsTable:
    return source if isinstance(source, EffectsTable) else load_effects(source)


def _label(row) -> str:
    parts = [p for p in (row.sample, row.model) if p]
    return f"{row.study_id} ({', '.join(parts)})" if parts else row.study_id


def convert_frame(source: EffectsTable | str | Path, scale: str | None = None) -> pd.DataFrame:
    """Every row converted (each on its own scale unless ``scale`` is given), as a DataFrame.

    Rows that cannot be converted are kept, with ``yi``/``vi`` NaN and ``reason`` filled in.

    Examples
    --------
    >>> convert_frame("extraction/effects.csv")[["effect_id", "yi", "vi"]]   # doctest: +SKIP
    """
    table = _table(source)
    records = []
    for row in table.rows:
        c = convert_row(row, scale)
        records.append(dict(effect_id=row.effect_id, line=row.line, study_id=row.study_id,
                            report=row.report, model=row.model, sample=row.sample,
                            exposure=row.exposure, outcome=row.outcome, measure=row.measure,
                            scale=c.scale, yi=c.yi, vi=c.vi, se=c.se, conversion=c.conversion,
                            flags=";".join(c.flags), reason=c.reason))
    return pd.DataFrame(records, columns=list(CONVERT_COLUMNS))


def _matches(value: str, wanted: str | None) -> bool:
    return wanted is None or value.strip().casefold() == wanted.strip().casefold()


def prepare_analysis(source: EffectsTable | str | Path, outcome: str | None = None,
                     exposure: str | None = None, samples: Iterable[str] | str | None = None,
                     measure_scale: str | None = "log_odds_ratio", model: str | None = None,
                     exclude_errors: bool = False, warn_shared: bool = True) -> pd.DataFrame:
    """Select effects and put them on one scale for pooling.

    Parameters
    ----------
    source : EffectsTable or path
        An effects table or the path of an effects file.
    outcome, exposure : str, optional
        Keep rows whose outcome / exposure equals this (case and surrounding space ignored).
    samples : str or iterable of str, optional
        Keep rows whose ``sample`` is one of these (same matching).
    measure_scale : str or None
        Scale to convert to, one of :data:`reviewlib.effects.conversions.SCALES`
        (default ``"log_odds_ratio"``). ``None`` keeps each row's own scale and requires
        the selected rows to share it.
    model : str, optional
        Keep rows of this model only (e.g. ``"Model I"``).
    exclude_errors : bool
        Leave out rows with an error-level finding from :func:`reviewlib.effects.check`.
        By default they are kept and carry the flag ``check_error:<code>``.
    warn_shared : bool
        Log a warning when rows share a study and sample (callers that check dependence
        themselves, like :func:`reviewlib.effects.pooling.select_for_pooling`, turn it off).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ANALYSIS_COLUMNS`: effect_id, study_id, label, sample, yi, vi,
        measure, conversion, flags (";"-joined), then se, scale, report, model, exposure,
        outcome, location, line. ``frame.attrs["excluded"]`` lists the rows selected but
        left out, as dicts with effect_id, line and reason; ``frame.attrs["scale"]`` is the
        scale.

    Raises
    ------
    UsageError
        For an unknown scale, or ``measure_scale=None`` with rows on different scales.
    InputError
        When the effects file cannot be loaded.

    Notes
    -----
    Intercept rows (exposure ``constant``, ``intercept``, ``_cons`` ...) are never selected;
    they are listed in ``attrs["excluded"]``.

    Rows sharing a study and a sample are not independent (e.g. Models I-III fitted to the
    same firms); they are flagged ``shares_sample`` and a warning is logged, because pooling
    them together would count the same participants more than once. Samples are matched by
    their label only: a subsample nested in another (Java within the full sample) is not
    detected here; :func:`reviewlib.effects.pooling.select_for_pooling` checks that against
    ``samples.csv`` and refuses what is not independent.

    Examples
    --------
    >>> frame = prepare_analysis("extraction/effects.csv", exposure="social media",
    ...                          model="Model I")                     # doctest: +SKIP
    >>> frame[["label", "yi", "vi"]]                                   # doctest: +SKIP
    """
    if measure_scale is not None and measure_scale not in cv.SCALES:
        raise UsageError(f"measure_scale must be one of {', '.join(cv.SCALES)} or None; "
                         f"got {measure_scale!r}")
    table = _table(source)
    if isinstance(samples, str):
        samples = [samples]
    wanted = None if samples is None else {s.strip().casefold() for s in samples}
    selected = [r for r in table.rows
                if _matches(r.outcome, outcome) and _matches(r.exposure, exposure)
                and _matches(r.model, model)
                and (wanted is None or r.sample.strip().casefold() in wanted)]
    if measure_scale is None:
        scales = {native_scale(r.measure) for r in selected if r.measure in MEASURES}
        if len(scales) > 1:
            raise UsageError("the selected effects are on different scales ("
                             + ", ".join(sorted(scales)) + "); choose a measure_scale")
    errors: dict[str, list[str]] = {}
    for f in check(EffectsTable(table.path, selected)):
        if f.level == "error":
            errors.setdefault(f.effect_id, []).append(f.code)
    records, excluded = [], []
    for row in selected:
        if row.exposure.strip().casefold() in INTERCEPTS:
            excluded.append(dict(effect_id=row.effect_id, line=row.line,
                                 reason=f"{row.exposure!r} is an intercept, not an effect"))
            continue
        if exclude_errors and row.effect_id in errors:
            excluded.append(dict(effect_id=row.effect_id, line=row.line,
                                 reason="error-level finding(s): " + ", ".join(errors[row.effect_id])))
            continue
        c = convert_row(row, measure_scale)
        if not c.ok:
            excluded.append(dict(effect_id=row.effect_id, line=row.line, reason=c.reason))
            log.info("%s:%s: effect %s left out: %s", table.path, row.line, row.effect_id,
                     c.reason)
            continue
        flags = list(c.flags) + [f"check_error:{code}" for code in errors.get(row.effect_id, [])]
        records.append(dict(effect_id=row.effect_id, study_id=row.study_id, label=_label(row),
                            sample=row.sample, yi=c.yi, vi=c.vi, measure=row.measure,
                            conversion=c.conversion, flags=flags, se=c.se, scale=c.scale,
                            report=row.report, model=row.model, exposure=row.exposure,
                            outcome=row.outcome, location=row.location, line=row.line))
    groups: dict[tuple[str, str], list[str]] = {}
    for rec in records:
        groups.setdefault((rec["study_id"], rec["sample"].casefold()), []).append(rec["effect_id"])
    for rec in records:
        ids = groups[(rec["study_id"], rec["sample"].casefold())]
        if len(ids) > 1:
            rec["flags"].append("shares_sample")
    shared = [ids for ids in groups.values() if len(ids) > 1]
    if shared and warn_shared:
        log.warning("effects from the same study and sample are not independent: %s",
                    "; ".join(", ".join(ids) for ids in shared))
    labels: dict[str, int] = {}
    for rec in records:
        labels[rec["label"]] = labels.get(rec["label"], 0) + 1
    for rec in records:
        rec["flags"] = ";".join(rec["flags"])
        if labels[rec["label"]] > 1:  # same study, sample and model: name the effect too
            rec["label"] = rec["label"][:-1] + f", {rec['exposure']} -> {rec['outcome']})" \
                if rec["label"].endswith(")") else f"{rec['label']} ({rec['exposure']})"
    frame = pd.DataFrame(records, columns=list(ANALYSIS_COLUMNS))
    frame = frame.astype({"yi": "float64", "vi": "float64", "se": "float64", "line": "int64"})
    frame.attrs["excluded"] = excluded
    frame.attrs["scale"] = measure_scale
    return frame
