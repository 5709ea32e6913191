"""Meta-analysis: pooling, heterogeneity, sensitivity, small-study effects and plots.

The numbers follow R metafor's ``rma.uni`` (Viechtbauer 2010) and are tested against it.
Layers, lowest first (each imports only those above it):

``stats``        Q, weights, traces, Q-profile: the arithmetic of the inverse-variance model
``estimators``   tau^2 estimators (FE DL HE HS SJ ML REML EB PM)
``core``         fitting a model to many study subsets at once
``influence``    leave-one-out, case diagnostics, cumulative meta-analysis
``bias``         Egger's and Begg's tests, trim and fill
``regression``   meta-regression
``subgroups``    subgroup analysis
``plots``        forest and funnel plots
``results``      :func:`pool` and the :class:`MetaResult` it returns
``multilevel``   :func:`multilevel`, the three-level model for dependent effects (metafor
                 ``rma.mv(yi, vi, random = ~ 1 | outer/inner)``) and :class:`MultilevelResult`
``robust``       :func:`robust`, CR2 cluster-robust inference with Satterthwaite df
                 (clubSandwich ``coef_test(fit, vcov = "CR2", cluster = ...)``) for either fit

Dependent effects, in Python::

    fit = multilevel(yi, vi, outer=study, inner=sample)   # REML; method="ML" also
    fit.sigma2                                            # (outer, inner) variance components
    rob = fit.robust(study)                               # or robust(pool(yi, vi), study)
    rob.se, rob.df, rob.p
"""

from reviewlib.meta.estimators import METHODS
from reviewlib.meta.multilevel import MultilevelResult, multilevel
from reviewlib.meta.regression import MetaRegressionResult, meta_regression
from reviewlib.meta.results import MetaResult, Prediction, TrimFillResult, pool
from reviewlib.meta.robust import RobustResult, robust
from reviewlib.meta.subgroups import SubgroupResult

__all__ = ["METHODS", "MetaRegressionResult", "MetaResult", "MultilevelResult", "Prediction",
           "RobustResult", "SubgroupResult", "TrimFillResult", "meta_regression", "multilevel",
           "pool", "robust"]
