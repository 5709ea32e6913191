"""Entry point for pooling dependent effects of an effects file: three-level model or CR2.

``reviewlib pool --effects ... --multilevel OUTER/INNER`` and ``--robust CLUSTER`` call
:func:`pool_dependent` with the selected, checked effects. It hands them to the
three-level random-effects model (metafor's ``rma.mv``) and the cluster-robust CR2
inference (clubSandwich's ``coef_test``) of :mod:`reviewlib.meta` when those are present
in this build; otherwise it raises :class:`DependentModelUnavailable` and nothing is
pooled.
"""

from __future__ import annotations

from reviewlib.errors import ReviewlibError


class DependentModelUnavailable(ReviewlibError):
    """The multilevel model or CR2 inference is not part of this build of reviewlib."""


def pool_dependent(yi, vi, *, outer=None, inner=None, cluster=None, level: float = 95.0):
    """Pool dependent effects: three-level model (``outer``/``inner`` labels), CR2 by ``cluster``.

    Parameters
    ----------
    yi, vi : array-like
        Effects and sampling variances.
    outer, inner : sequence of str, optional
        Labels of the outer (e.g. study) and inner (e.g. effect) level, one per effect,
        for ``rma.mv(yi, vi, random = ~ 1 | outer/inner)``.
    cluster : sequence of str, optional
        Cluster of each effect for CR2 standard errors with Satterthwaite df.
    level : float
        Confidence level in percent.

    Raises
    ------
    DependentModelUnavailable
        Always in this build: the three-level model and CR2 are not available yet.
    """
    raise DependentModelUnavailable(
        "the three-level model (--multilevel) and cluster-robust CR2 inference (--robust) "
        "are not available in this build of reviewlib; pool one row per sample instead "
        "(--model, --sample)")
