"""Evidence tables, maps and figures from the review's data, for the book's chapters.

The chapters call these functions and show what they return; nothing here prints.

Data
    :func:`load_review_table`  the review's own tables in ``extraction/review/`` (validated)
    :func:`load_studies`       ``extraction/studies.csv`` (validated)
    :func:`load_bib`           the entries of ``references.bib``
    :func:`load_codebook`      the codebook: codes and labels of every coded dimension
    :func:`check_codebook`     every coded cell of the data against the codebook
    :func:`check_data_citations`  every citation key in the data exists in the bibliography
    :func:`data_inventory`     the data files, for the data-availability appendix
Views
    :func:`html_table`         any DataFrame as escaped HTML, sources as author-year links
    :func:`figure_image`       a matplotlib figure as a PNG for the page (and closed)
    :func:`plain`, :mod:`~reviewlib.synthesis.labels`  plain-language labels for codes
    :func:`ecosystem_figure`   the four-stage pipeline with its feedback loops
    :func:`evidence_counts`, :func:`evidence_heatmap`, :func:`study_matrix_figure`,
    :func:`drivers_per_study`  the evidence map (studies x drivers x regions)
Claims and their support (modules :mod:`~reviewlib.synthesis.support`,
:mod:`~reviewlib.synthesis.marks`, :mod:`~reviewlib.synthesis.claims`)
    citation_support   the review's verdict on every cited work (in scope, unclear, ...)
    marker_html        the dagger a citation of an out-of-scope work carries
    claims_ledger, banner   each claim of the book with its sources counted by verdict
Quantitative context (module :mod:`reviewlib.synthesis.quantitative`)
    study_effect_status, findings_frame, conversion_frame, compare_subsamples,
    side_by_side   arrangements of what reviewlib.effects and reviewlib.meta compute
"""

from reviewlib.synthesis.bib import BibEntry, read_bib
from reviewlib.synthesis.citations import (CITATION_COLUMNS, check_data_citations,
                                           split_keys, table_citation_problems)
from reviewlib.synthesis.codebook import (CODEBOOK_FILE, Codebook, check_codebook,
                                          load_codebook)
from reviewlib.synthesis.ecosystem import ecosystem_figure
from reviewlib.synthesis.evidence import (codebook_of, driver_coverage, driver_matrix, drivers_per_study,
                                          evidence_counts, evidence_heatmap, load_studies,
                                          study_labels, study_matrix_figure)
from reviewlib.synthesis import claims, labels, marks, support
from reviewlib.synthesis.inventory import data_inventory
from reviewlib.synthesis.labels import plain
from reviewlib.synthesis.paths import project_root
from reviewlib.synthesis.render import HTMLTable, escape_cell, figure_image, html_table
from reviewlib.synthesis.review import (DRIVER_LABELS, DRIVERS, REVIEW_DIR, REVIEW_TABLES,
                                        TableSpec, load_bib, load_review_table)

__all__ = [
    "BibEntry", "read_bib", "load_bib",
    "CITATION_COLUMNS", "check_data_citations", "split_keys", "table_citation_problems",
    "CODEBOOK_FILE", "Codebook", "check_codebook", "codebook_of", "load_codebook",
    "ecosystem_figure",
    "driver_coverage", "driver_matrix", "drivers_per_study", "evidence_counts", "evidence_heatmap",
    "load_studies", "study_labels", "study_matrix_figure",
    "data_inventory", "claims", "labels", "marks", "support", "plain", "project_root",
    "HTMLTable", "escape_cell", "figure_image", "html_table",
    "DRIVER_LABELS", "DRIVERS", "REVIEW_DIR", "REVIEW_TABLES", "TableSpec",
    "load_review_table",
]
