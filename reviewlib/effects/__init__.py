"""Effect sizes from statistics exactly as printed, and checks that the printed numbers agree.

The stages, in order:

``table``        :func:`load_effects` -- read and validate ``extraction/effects.csv``
``parsing``      :func:`parse_printed` -- one printed number: value, operator, decimals,
                 stars, flags (decimal comma, ambiguous separators, p printed as 0)
``resolve``      :func:`read_row` -- a row's numbers read together; ambiguous cells settled
                 by another printed number (a flagged inference)
``conversions``  the formulas: SE from CI / t / p, log OR, Fisher z, d <-> r <-> log OR
``convert``      :func:`convert_row` -- a row to (yi, vi) on a scale, every step named
``checks``       :func:`check` -- recompute what can be recomputed, allowing for rounding
``analysis``     :func:`prepare_analysis` -- selected effects on one scale, for pooling
``samples``      :func:`~.samples.load_samples` -- ``samples.csv``: which sample is part of
                 which, and whether two samples overlap
``pooling``      :func:`~.pooling.select_for_pooling` -- effects checked for independence;
                 what is not independent is refused, naming rows and ways out
``sensitivity``  :func:`~.sensitivity.implied_ses` -- SEs that are upper bounds replaced by
                 those the same regression's exact p-values imply
"""

from .analysis import ANALYSIS_COLUMNS, convert_frame, prepare_analysis
from .checks import LEVELS, Finding, check, summary
from .conversions import SCALES
from .convert import FLAGS, STEPS, Converted, convert_row, convert_table
from .parsing import Printed, parse_printed
from .resolve import RowReading, read_row
from .table import COLUMNS, MEASURES, EffectRow, EffectsTable, load_effects

__all__ = [
    "ANALYSIS_COLUMNS", "COLUMNS", "Converted", "EffectRow", "EffectsTable", "FLAGS",
    "Finding", "LEVELS", "MEASURES", "Printed", "RowReading", "SCALES", "STEPS", "check",
    "convert_frame", "convert_row", "convert_table", "load_effects", "parse_printed",
    "prepare_analysis", "read_row", "summary",
]
