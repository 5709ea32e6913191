"""Entry point for pooling dependent effects of an effects file: three-level model or CR2.

``reviewlib pool --effects ... --multilevel OUTER/INNER`` and ``--robust CLUSTER`` call
:func:`pool_dependent` with the selected, checked effects. It fits the three-level
random-effects model (:func:`reviewlib.meta.multilevel.multilevel`, metafor's ``rma.mv``)
and/or the cluster-robust CR2 test (:func:`reviewlib.meta.robust.robust`, clubSandwich's
``coef_test``).
"""

from __future__ import annotations

from reviewlib.meta.multilevel import multilevel
from reviewlib.meta.results import pool
from reviewlib.meta.robust import robust


def pool_dependent(yi, vi, *, outer=None, inner=None, cluster=None, level: float = 95.0,
                   method: str = "REML", names: tuple[str, str] | None = None,
                   cluster_name: str | None = None):
    """Pool dependent effects: three-level model (``outer``/``inner``), CR2 by ``cluster``.

    Parameters
    ----------
    yi, vi : array-like
        Effects and sampling variances.
    outer, inner : sequence, optional
        Labels of the outer (e.g. study) and inner (e.g. effect) level, one per effect, for
        ``rma.mv(yi, vi, random = ~ 1 | outer/inner)``. Without them the model is
        :func:`reviewlib.meta.pool` with ``method``.
    cluster : sequence, optional
        Cluster of each effect for CR2 standard errors with Satterthwaite df.
    level : float
        Confidence level in percent.
    names, cluster_name : optional
        Names of the levels and of the cluster, for the output.

    Returns
    -------
    tuple
        ``(fit, robust)``: the fitted model (``MultilevelResult`` or ``MetaResult``) and
        the ``RobustResult`` (``None`` without ``cluster``).

    """
    if outer is not None:
        fit = multilevel(yi, vi, outer, inner, level=level, names=names)
    else:
        fit = pool(yi, vi, method=method, level=level)
    rob = None
    if cluster is not None:
        rob = robust(fit, cluster, level=level, cluster_name=cluster_name)
    return fit, rob
