"""reviewlib: a systematic review and meta-analysis kept as data.

The package follows the stages of a review, one module (or small subpackage) each:

``records``    the bibliographic record and its field normalisers
``io``         readers (BibTeX, RIS, CSV/TSV) and canonical writers
``dedup``      prepare -> block -> compare -> decide -> cluster -> merge
``screening``  reviewers' decision files: validation, conflicts, agreement
``prisma``     PRISMA 2020 counts, flow diagram and PRISMA2020-template export
``effects``    effect-size conversions and extraction consistency checks
``meta``       pooling (the MetaResult object), heterogeneity, influence, bias, plots
``synthesis``  evidence tables and maps for the book's chapters
``cli``        the ``reviewlib`` command, a thin shell over the modules above
"""

__version__ = "0.1.0"
