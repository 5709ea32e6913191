"""PRISMA 2020: counts from the data, the flow diagram, the R-template export, PRISMA-S.

Parse, compute, render and save are separate steps:

``prisma_counts``           check the screening folder and count every box -> PrismaCounts
                            (ScreeningIncomplete while records wait for a decision)
``check_identities``        the arithmetic between boxes -> list of Problem
``appraisal_exclusions``    studies excluded after appraisal (appraisal/excluded.csv), checked
``template_frame``          the PRISMA2020 R package's CSV template, filled -> DataFrame
``write_template``          write it (atomically) -> Path
``draw`` / ``save``         the flow diagram as a matplotlib Figure / as .svg, .png or .pdf
``prisma_s_table``          the PRISMA-S search table, one row per source -> DataFrame
``identification_by_type``  records and duplicates per source type -> DataFrame

See :mod:`reviewlib.prisma.counts` for how records, reports and studies flow through the
databases-and-registers column, the other-methods column and the previous-version column.
"""

from reviewlib.prisma.counts import (
    APPRAISAL_KEYS,
    COUNT_KEYS,
    EXTENSION_KEYS,
    LIST_KEYS,
    PrismaCounts,
    ScreeningIncomplete,
    appraisal_exclusions,
    check_identities,
    count_folder,
    prisma_counts,
    waiting_counts,
)
from reviewlib.prisma.diagram import draw, save
from reviewlib.prisma.template import (
    TEMPLATE_COLUMNS,
    identification_by_type,
    prisma_s_table,
    template_frame,
    write_template,
)

__all__ = [
    "APPRAISAL_KEYS", "COUNT_KEYS", "EXTENSION_KEYS", "LIST_KEYS", "PrismaCounts",
    "ScreeningIncomplete",
    "TEMPLATE_COLUMNS", "appraisal_exclusions", "check_identities", "count_folder", "draw",
    "identification_by_type", "prisma_counts", "prisma_s_table", "save", "template_frame",
    "waiting_counts", "write_template",
]
