"""The layout of a screening folder: file names, exact headers and allowed values.

A screening folder is self-contained; every path below is relative to it, so a copy of the
folder anywhere gives the same results::

    sources.csv           source_id,type,name,searched_on,query,file[,round]
    search/               raw exports named in sources.csv (never edited by hand)
    reasons.csv           code,stage,label
    dedup_overrides.csv   id_a,id_b,decision,note                      (optional)
    title_abstract/<reviewer>.csv   record_id,decision,reason,note
    full_text/<reviewer>.csv        record_id,retrieved,decision,reason,study_id,note
    title_abstract/consensus.csv, full_text/consensus.csv              (optional, reserved)
    title_abstract/ranking.csv        rank,record_id,score,title  (written by screen rank)
    title_abstract/random_sample.csv  position,record_id,title,pool,seed  (screen sample)
    previous_audit.csv    record_id,verdict,reason,note                (optional)
    criteria.csv          criterion,label,description,reason_no,reason_unclear (optional)

With ``criteria.csv``, a decision file or the audit may be *coded* instead: its
``decision``/``verdict`` and ``reason`` columns give way to one column per criterion, in
protocol order (``record_id,period,asia,...,note``; full text keeps ``retrieved`` and
``study_id``), and the decision is derived (:mod:`reviewlib.screening.eligibility`).
    removed.csv           record_id,reason,tool,note                   (optional)

``round`` (optional column of sources.csv) numbers the search rounds of a living review:
1 for the first search, 2 for the first update, and so on (empty for ``previous``
sources). Without the column every source belongs to round 1. ``removed.csv`` lists
records removed before title/abstract screening: by an automation tool (``tool`` names it)
or for another reason (``tool`` empty).

Source types and the PRISMA 2020 column they feed (Page et al. 2021, figure 1):

``database``, ``register``
    "Identification of new studies via databases and registers": deduplicated, screened on
    title and abstract, then reports sought, retrieved, assessed.
``website``, ``organisation``, ``citation``, ``other``
    "Identification of new studies via other methods": records go straight to "reports
    sought for retrieval". A title check may be applied first by putting such records in the
    title/abstract files; those excluded there are *not sought*.
``previous``
    The studies included in the previous version of the review (updated-review template).
    They are neither deduplicated nor screened again; ``previous_audit.csv`` may re-check
    them.
"""

from __future__ import annotations

#: Columns of each file, in the exact order required.
SOURCES_HEADER = ["source_id", "type", "name", "searched_on", "query", "file"]
REASONS_HEADER = ["code", "stage", "label"]
OVERRIDES_HEADER = ["id_a", "id_b", "decision", "note"]
TITLE_ABSTRACT_HEADER = ["record_id", "decision", "reason", "note"]
FULL_TEXT_HEADER = ["record_id", "retrieved", "decision", "reason", "study_id", "note"]
AUDIT_HEADER = ["record_id", "verdict", "reason", "note"]
REMOVED_HEADER = ["record_id", "reason", "tool", "note"]
#: Optional last column of sources.csv: the search round of each source.
ROUND_COLUMN = "round"

#: File and folder names inside a screening folder.
SOURCES_FILE = "sources.csv"
REASONS_FILE = "reasons.csv"
OVERRIDES_FILE = "dedup_overrides.csv"
AUDIT_FILE = "previous_audit.csv"
REMOVED_FILE = "removed.csv"
TITLE_ABSTRACT = "title_abstract"
FULL_TEXT = "full_text"
#: Reserved reviewer name: the file that settles conflicts at its stage.
CONSENSUS = "consensus"

#: Files in title_abstract/ written by reviewlib that are never decision files.
RANKING_FILE = "ranking.csv"
RANDOM_SAMPLE_FILE = "random_sample.csv"
NOT_DECISIONS = (RANKING_FILE, RANDOM_SAMPLE_FILE)

#: Screening stages, as written in reasons.csv's ``stage`` column.
STAGES = (TITLE_ABSTRACT, FULL_TEXT)
AUDIT = "audit"
REASON_STAGES = (TITLE_ABSTRACT, FULL_TEXT, AUDIT)

#: Source types; the PRISMA 2020 column of each.
DATABASE_TYPES = ("database", "register")
OTHER_TYPES = ("website", "organisation", "citation", "other")
PREVIOUS = "previous"
SOURCE_TYPES = DATABASE_TYPES + OTHER_TYPES + (PREVIOUS,)

#: PRISMA column names used in frames: databases and registers, other methods.
DBR, OTHER = "dbr", "other"

#: Allowed values.
TA_DECISIONS = ("include", "exclude", "maybe")
FT_DECISIONS = ("include", "exclude", "")
RETRIEVED = ("yes", "no")
OVERRIDE_DECISIONS = ("same", "different")
AUDIT_VERDICTS = ("in_scope", "out_of_scope", "unclear")

HEADERS = {
    SOURCES_FILE: SOURCES_HEADER,
    REASONS_FILE: REASONS_HEADER,
    OVERRIDES_FILE: OVERRIDES_HEADER,
    AUDIT_FILE: AUDIT_HEADER,
    REMOVED_FILE: REMOVED_HEADER,
    TITLE_ABSTRACT: TITLE_ABSTRACT_HEADER,
    FULL_TEXT: FULL_TEXT_HEADER,
}

#: Optional column of a ``previous`` source file (CSV/TSV) grouping its reports into studies.
PREVIOUS_STUDY_COLUMN = "study_id"
