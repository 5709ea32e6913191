"""Entry point for pooling dependent effects of an effects file: three-level model or CR2.

``reviewlib pool --effects ... --multilevel OUTER/INNER`` and ``--robust CLUSTER`` call
:func:`pool_dependent` with the selected, checked effects. It fits the three-level
random-effects model (:func:`reviewlib.meta.multilevel.multilevel`, metafor's ``rma.mv``)
and the cluster-robust CR2 test (:func:`reviewlib.meta.robust.robust`, clubSandwich's
``coef_test``) when those modules are part of this build; otherwise it raises
:class:`DependentModelUnavailable` and nothing is pooled.
"""

from __future__ import annotations

import importlib

from reviewlib.errors import ReviewlibError


class DependentModelUnavailable(ReviewlibError):
    """The multilevel model or CR2 inference is not part of this build of reviewlib."""


def _engine(name: str, function: str):
    try:
        module = importlib.import_module(f"reviewlib.meta.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"reviewlib.meta.{name}":
            raise
        raise DependentModelUnavailable(
            "the three-level model (--multilevel) and cluster-robust CR2 inference (--robust) "
            "are not available in this build of reviewlib; pool one row per sample instead "
            "(--model, --sample)") from e
    return getattr(module, function)


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

    Raises
    ------
    DependentModelUnavailable
        When the multilevel or robust modules are not part of this build.
    """
    if outer is not None:
        multilevel = _engine("multilevel", "multilevel")
        fit = multilevel(yi, vi, outer, inner, level=level, names=names)
    else:
        if cluster is not None:
            _engine("robust", "robust")  # say it is missing before fitting anything
        from reviewlib.meta.results import pool
        fit = pool(yi, vi, method=method, level=level)
    rob = None
    if cluster is not None:
        rob = _engine("robust", "robust")(fit, cluster, level=level, cluster_name=cluster_name)
    return fit, rob
