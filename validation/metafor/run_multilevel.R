# Reference values for reviewlib.meta.multilevel and reviewlib.meta.robust, computed with
# metafor (rma.mv, rma.uni) and clubSandwich (coef_test with CR2 and Satterthwaite df).
#
# Run from the repository root:
#     Rscript validation/metafor/run_multilevel.R
# It writes
#     tests/data/meta/multilevel_reference.json   (every number the tests compare against)
#     tests/data/meta/<dataset>.csv               (the data the numbers were computed from)
# The tests never call R; they read these files.
#
# rma.mv runs with its default optimiser (nlminb, rel.tol = 1e-10); asking it for more
# makes nlminb report non-convergence on dat.assink2016.

suppressPackageStartupMessages({
  library(metafor)
  library(clubSandwich)
  library(jsonlite)
})

out_dir <- file.path("tests", "data", "meta")
CTRL <- list()

write_data <- function(df, name) {
  fmt <- df
  for (col in names(fmt)) {
    if (is.double(fmt[[col]])) fmt[[col]] <- sprintf("%.17g", fmt[[col]])
  }
  write.csv(fmt, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
}

# ---------------------------------------------------------------- datasets
kon <- dat.konstantopoulos2011[, c("district", "school", "study", "year", "yi", "vi")]
assink <- dat.assink2016[, c("study", "esid", "id", "yi", "vi", "pubstatus", "year", "deltype")]

# synthetic: 12 studies with 1-5 samples each, samples with 1-3 effects (so the inner
# level is not the row), effects drawn from a three-level model; seeded
set.seed(20261202)
rows <- list()
for (s in 1:12) {
  u <- rnorm(1, 0, sqrt(0.08))
  for (g in seq_len(sample(1:5, 1))) {
    w <- rnorm(1, 0, sqrt(0.03))
    for (e in seq_len(sample(1:3, 1))) {
      vi <- round(runif(1, 0.005, 0.12), 4)
      rows[[length(rows) + 1]] <- data.frame(study = paste0("S", s), sample = paste0("S", s, "-", g),
                                             yi = round(0.3 + u + w + rnorm(1, 0, sqrt(vi)), 4),
                                             vi = vi)
    }
  }
}
synth <- do.call(rbind, rows)

# boundary: no between-study variance in the generating model, and REML puts the
# inner-level component on its boundary (metafor returns ~1e-10 for it)
set.seed(5)
bnd <- data.frame(study = rep(1:10, each = 4), esid = rep(1:4, 10))
bnd$vi <- round(runif(40, 0.01, 0.05), 4)
bnd$yi <- round(0.2 + rnorm(40, 0, sqrt(0.02)) + rnorm(40, 0, sqrt(bnd$vi)), 4)

write_data(kon, "konstantopoulos2011")
write_data(assink, "assink2016")
write_data(synth, "multilevel_synthetic")
write_data(bnd, "multilevel_boundary")

# ---------------------------------------------------------------- fits
num <- function(x) as.numeric(x)

mv_numbers <- function(fit) {
  list(k = fit$k, sigma2 = num(fit$sigma2), estimate = num(fit$beta), se = num(fit$se),
       zval = num(fit$zval), pval = num(fit$pval), ci_low = num(fit$ci.lb), ci_high = num(fit$ci.ub),
       q = num(fit$QE), q_df = fit$k - fit$p, q_p = num(fit$QEp), loglik = num(logLik(fit)),
       n_levels = as.integer(fit$s.nlevels))
}

uni_numbers <- function(fit) {
  list(k = fit$k, tau2 = num(fit$tau2), estimate = num(fit$beta), se = num(fit$se),
       ci_low = num(fit$ci.lb), ci_high = num(fit$ci.ub), q = num(fit$QE))
}

robust_numbers <- function(fit, cluster) {
  ct <- coef_test(fit, vcov = "CR2", cluster = cluster, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = cluster, level = 0.95)
  list(estimate = num(ct$beta), se = num(ct$SE), t = num(ct$tstat), df = num(ct$df_Satt),
       p = num(ct$p_Satt), ci_low = num(ci$CI_L), ci_high = num(ci$CI_U))
}

one <- function(dat, outer, inner, name, call) {
  f <- as.formula(paste0("~ 1 | ", outer, "/", inner))
  reml <- rma.mv(yi, vi, random = f, data = dat, method = "REML", control = CTRL)
  ml <- rma.mv(yi, vi, random = f, data = dat, method = "ML", control = CTRL)
  uni <- rma(yi, vi, data = dat, method = "REML",
             control = list(threshold = 1e-12, maxiter = 10000))
  list(name = name, file = paste0(name, ".csv"), outer = outer, inner = inner, call = call,
       reml = mv_numbers(reml), ml = mv_numbers(ml),
       reml_robust = robust_numbers(reml, dat[[outer]]),
       uni = uni_numbers(uni), uni_robust = robust_numbers(uni, dat[[outer]]))
}

res <- list(
  source = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                clubSandwich = as.character(packageVersion("clubSandwich")),
                date = format(Sys.time(), "%Y-%m-%d", tz = "UTC"),
                calls = c("rma.mv(yi, vi, random = ~ 1 | outer/inner, method = 'REML' or 'ML')",
                          "rma(yi, vi, method = 'REML', control = list(threshold = 1e-12, maxiter = 10000))",
                          "coef_test(fit, vcov = 'CR2', cluster = data[[outer]], test = 'Satterthwaite')",
                          "conf_int(fit, vcov = 'CR2', cluster = data[[outer]], level = 0.95)")),
  datasets = list(
    one(kon, "district", "school", "konstantopoulos2011", "metafor::dat.konstantopoulos2011"),
    one(assink, "study", "esid", "assink2016", "metafor::dat.assink2016"),
    one(synth, "study", "sample", "multilevel_synthetic", "seeded three-level simulation (set.seed(20261202))"),
    one(bnd, "study", "esid", "multilevel_boundary", "seeded simulation with a variance component on its boundary (set.seed(5))")))

write_json(res, file.path(out_dir, "multilevel_reference.json"), digits = NA,
           auto_unbox = TRUE, pretty = TRUE)
