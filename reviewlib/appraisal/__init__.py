"""Quality appraisal: instruments as data, appraisers' answer files, agreement, plots.

The stages, in the order they run:

``read_tools``        the instruments of ``tools.csv`` -> dict of :class:`Tool`
``load_folder``       read and check an appraisal folder (never writes, never raises for
                      content) -> :class:`AppraisalFolder` with its ``problems``
``check_folder``      load_folder plus the cross-file rules (``excluded.csv``)
``check_appraisal``   every problem of a workspace's ``appraisal/`` (``reviewlib check``)
``final_answers``     consensus, agreed or single-appraiser answer per study and item
``conflicts``         items on which appraisers disagree
``progress``          studies and items appraised per appraiser and tool
``agreement``         Cohen's kappa (weighted for ordered answers) per item and overall
``judgements``        per study: criteria met / not met / unclear and a label
``traffic_light_plot``, ``summary_plot``   the two plots robvis made familiar
``appraisal_groups``, ``sensitivity``      use the judgements when pooling
``excluded_after_appraisal``                studies a protocol excludes on their appraisal
"""

from __future__ import annotations

from reviewlib.appraisal.answers import (
    agreement,
    conflicts,
    final_answers,
    judgements,
    progress,
    signal,
)
from reviewlib.appraisal.check import check_appraisal, check_folder
from reviewlib.appraisal.downstream import (
    appraisal_groups,
    excluded_after_appraisal,
    sensitivity,
)
from reviewlib.appraisal.kappa import linear_weights, weighted_kappa
from reviewlib.appraisal.load import HEADER, AnswerFile, AppraisalFolder, load_folder
from reviewlib.appraisal.tools import TOOLS_HEADER, Item, Tool, read_tools

__all__ = [
    "HEADER", "TOOLS_HEADER", "AnswerFile", "AppraisalFolder", "Item", "Tool", "agreement",
    "appraisal_groups", "check_appraisal", "check_folder", "conflicts",
    "excluded_after_appraisal", "final_answers", "judgements", "linear_weights",
    "load_folder", "progress", "read_tools", "sensitivity", "signal", "weighted_kappa",
]
