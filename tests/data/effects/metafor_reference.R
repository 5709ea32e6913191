# Reference values for tests/effects/test_effects_conversions.py, computed with R metafor's escalc().
# Run: Rscript tests/data/effects/metafor_reference.R
# Pinned from: R 4.2.2 Patched (2022-11-10 r83330), metafor 3.8-1.
suppressMessages(library(metafor))
show <- function(label, x) cat(sprintf("%s yi=%.15g vi=%.15g\n", label, x$yi, x$vi))
show("ZCOR r=0.969 n=100", escalc("ZCOR", ri = 0.969, ni = 100))
show("COR r=0.419 n=100", escalc("COR", ri = 0.419, ni = 100))
show("PCOR t=1.402 n=100 m=2", escalc("PCOR", ti = 1.402, ni = 100, mi = 2))
show("ZPCOR t=1.402 n=100 m=2", escalc("ZPCOR", ti = 1.402, ni = 100, mi = 2))
show("D2ORL m1=1 m2=0 sd1=sd2=2 n1=n2=50",
     escalc("D2ORL", m1i = 1, m2i = 0, sd1i = 2, sd2i = 2, n1i = 50, n2i = 50))
