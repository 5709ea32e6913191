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
"""

from reviewlib.meta.estimators import METHODS
from reviewlib.meta.regression import MetaRegressionResult, meta_regression
from reviewlib.meta.results import MetaResult, Prediction, TrimFillResult, pool
from reviewlib.meta.subgroups import SubgroupResult

__all__ = ["METHODS", "MetaRegressionResult", "MetaResult", "Prediction", "SubgroupResult",
           "TrimFillResult", "meta_regression", "pool"]
