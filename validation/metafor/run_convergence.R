# Reference tau^2 for datasets on which Fisher scoring oscillates (metafor's default
# stepping fails to converge on several of them); metafor is run with half steps
# (stepadj = 0.5), which does converge, and to the exact optimum.
#
# Run from the repository root:
#     Rscript validation/metafor/run_convergence.R
# It writes tests/data/meta/convergence_reference.json.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

CTRL <- list(stepadj = 0.5, threshold = 1e-12, maxiter = 100000, tol = 1e-12)
METHODS <- c("REML", "ML", "PM", "EB")

cases <- list(
  # the classic oscillating case: REML Fisher scoring alternates between two values
  list(name = "oscillating_reml",
       yi = c(1, 1.5, 1, 0, 1, 2), vi = c(1, 1, 1, .125, 1, 2)),
  # found by a seeded random search (benchmarks/tau2_convergence.py generator shapes):
  # rounded effects with one very precise study
  list(name = "rounded_precise_study",
       yi = c(0, 0, 0, -1, 0, 0, 1, 0),
       vi = c(1.416, 0.106, 0.911, 0.753, 1.284, 1.128, 0.001, 1.059)),
  list(name = "ml_ten_studies",
       yi = c(0.7, 0.3, 0.9, 0.6, -0.8, 1.1, 0.2, 1.0, -0.7, 1.2),
       vi = c(1.666, 1.111, 0.502, 0.758, 0.191, 1.134, 1.546, 0.478, 1.936, 1.183)),
  list(name = "integer_effects",
       yi = c(0, 1, 1, 0, 1, 2, 0, 0, 0),
       vi = c(0.912, 0.599, 0.767, 1.174, 1.991, 0.192, 0.863, 1.214, 1.381)),
  list(name = "one_decimal_effects",
       yi = c(0.9, -1.3, -0.7, 0.7, -0.4, 0.7, 0.0, -0.8),
       vi = c(1.808, 1.497, 0.358, 1.986, 1.289, 0.049, 0.749, 0.643)),
  list(name = "three_decimal_effects",
       yi = c(0.629, 1.165, -2.072, -0.645, -0.407, -0.255, 0.367, -0.56, -0.346, 0.059),
       vi = c(1.735, 1.76, 0.454, 1.387, 1.36, 1.247, 1.47, 1.364, 1.371, 0.859))
)

default_converges <- function(yi, vi, method) {
  !inherits(try(rma(yi, vi, method = method), silent = TRUE), "try-error")
}

out <- lapply(cases, function(cs) {
  tau2 <- list()
  default_ok <- list()
  for (m in METHODS) {
    fit <- rma(cs$yi, cs$vi, method = m, control = CTRL)
    tau2[[m]] <- fit$tau2
    default_ok[[m]] <- default_converges(cs$yi, cs$vi, m)
  }
  list(name = cs$name, yi = cs$yi, vi = cs$vi, tau2 = tau2,
       metafor_default_converges = default_ok)
})

res <- list(
  source = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                date = format(Sys.time(), "%Y-%m-%d", tz = "UTC"),
                call = "rma(yi, vi, method = m, control = list(stepadj = 0.5, threshold = 1e-12, maxiter = 100000, tol = 1e-12))"),
  cases = out)
write_json(res, file.path("tests", "data", "meta", "convergence_reference.json"),
           digits = NA, auto_unbox = TRUE, pretty = TRUE)
