# Reference values for reviewlib.meta, computed with R metafor.
#
# Run from the repository root:
#     Rscript validation/metafor/run_metafor.R
# It writes
#     tests/data/meta/metafor_reference.json   (every number the tests compare against)
#     tests/data/meta/<dataset>.csv            (the data the numbers were computed from)
# The tests never call R; they read these two kinds of file.
#
# Iterative estimators are asked for the exact optimum (README, "Pooling"): metafor's default
# stopping rule (a change in tau^2 below 1e-5) leaves tau^2 visibly short of the maximum.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

pdf(NULL)  # funnel() draws as it computes; keep R from writing Rplots.pdf
out_dir <- file.path("tests", "data", "meta")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

CTRL <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
METHODS <- c("FE", "DL", "REML", "PM", "HE", "SJ", "ML", "HS", "EB")
TESTS <- c("z", "knha")

num <- function(x) if (is.null(x)) NA_real_ else as.numeric(x)

write_data <- function(df, name) {
  # full double precision, so that the tests start from exactly R's numbers
  fmt <- df
  for (col in names(fmt)) {
    if (is.double(fmt[[col]])) fmt[[col]] <- sprintf("%.17g", fmt[[col]])
  }
  write.csv(fmt, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
}

# ---------------------------------------------------------------- datasets
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg <- data.frame(label = paste(dat.bcg$author, dat.bcg$year), trial = dat.bcg$trial,
                  author = dat.bcg$author, year = dat.bcg$year,
                  tpos = dat.bcg$tpos, tneg = dat.bcg$tneg, cpos = dat.bcg$cpos, cneg = dat.bcg$cneg,
                  ablat = dat.bcg$ablat, alloc = dat.bcg$alloc,
                  yi = as.numeric(bcg$yi), vi = as.numeric(bcg$vi), stringsAsFactors = FALSE)

hack <- data.frame(label = paste(dat.hackshaw1998$author, dat.hackshaw1998$year),
                   study = dat.hackshaw1998$study, author = dat.hackshaw1998$author,
                   year = dat.hackshaw1998$year, country = dat.hackshaw1998$country,
                   design = dat.hackshaw1998$design, cases = dat.hackshaw1998$cases,
                   or = dat.hackshaw1998$or, or.lb = dat.hackshaw1998$or.lb, or.ub = dat.hackshaw1998$or.ub,
                   yi = dat.hackshaw1998$yi, vi = dat.hackshaw1998$vi, stringsAsFactors = FALSE)

norm <- escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
               data = dat.normand1999)
norm <- data.frame(label = as.character(dat.normand1999$source), study = dat.normand1999$study,
                   n1i = dat.normand1999$n1i, m1i = dat.normand1999$m1i, sd1i = dat.normand1999$sd1i,
                   n2i = dat.normand1999$n2i, m2i = dat.normand1999$m2i, sd2i = dat.normand1999$sd2i,
                   yi = as.numeric(norm$yi), vi = as.numeric(norm$vi), stringsAsFactors = FALSE)

# small constructed sets for the edges of the parameter space
edge_k2 <- data.frame(label = c("A", "B"), yi = c(0.10, 0.90), vi = c(0.04, 0.09))
edge_homog <- data.frame(label = LETTERS[1:5], yi = c(0.10, 0.12, 0.09, 0.11, 0.10),
                         vi = c(0.010, 0.020, 0.015, 0.030, 0.010))
edge_ident <- data.frame(label = LETTERS[1:4], yi = rep(0.5, 4), vi = c(0.01, 0.04, 0.02, 0.03))
edge_spread <- data.frame(label = LETTERS[1:6], yi = c(-0.3, 0.2, 0.8, 1.5, 0.1, 0.4),
                          vi = c(0.0004, 0.01, 0.2, 1.5, 0.05, 0.003))

edge_ties <- data.frame(label = LETTERS[1:7], yi = c(0.1, 0.3, 0.2, 0.5, 0.4, 0.9, 0.7),
                        vi = c(0.01, 0.02, 0.02, 0.04, 0.05, 0.05, 0.08))

datasets <- list(bcg = bcg, hackshaw1998 = hack, normand1999 = norm,
                 edge_k2 = edge_k2, edge_homogeneous = edge_homog,
                 edge_identical = edge_ident, edge_spread = edge_spread, edge_ties = edge_ties)
for (nm in names(datasets)) write_data(datasets[[nm]], nm)

# ---------------------------------------------------------------- helpers
fit <- function(d, method, test, ...) {
  suppressWarnings(rma(yi, vi, data = d, method = method, test = test, control = CTRL, ...))
}

summ <- function(res) {
  pr <- predict(res)
  list(estimate = num(res$beta[1]), se = num(res$se[1]), zval = num(res$zval[1]),
       pval = num(res$pval[1]), ci_low = num(res$ci.lb[1]), ci_high = num(res$ci.ub[1]),
       tau2 = num(res$tau2), se_tau2 = num(res$se.tau2), i2 = num(res$I2), h2 = num(res$H2),
       q = num(res$QE), q_p = num(res$QEp), pi_low = num(pr$pi.lb), pi_high = num(pr$pi.ub),
       df = num(res$k - res$p), s2w = num(res$s2w))
}

frame <- function(x, cols) {
  o <- list()
  for (cl in cols) {
    val <- x[[cl]]
    if (is.null(val) && cl == "pval") val <- x[["pvals"]]  # cumul() names it pvals
    if (is.null(val) && cl == "zval") val <- x[["tval"]]   # t statistic under knha
    o[[cl]] <- as.numeric(val)
  }
  o
}

calls <- list()

# ---------------------------------------------------------------- rma.uni for every estimator
pooled <- list()
for (nm in names(datasets)) {
  d <- datasets[[nm]]
  pooled[[nm]] <- list()
  for (m in METHODS) for (tt in TESTS) {
    key <- paste0(m, "_", tt)
    r <- tryCatch(summ(fit(d, m, tt)), error = function(e) list(error = conditionMessage(e)))
    pooled[[nm]][[key]] <- r
  }
}
calls$pooled <- "rma(yi, vi, data = d, method = M, test = T, control = list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)); predict(res) for pi.lb/pi.ub"

# ---------------------------------------------------------------- sensitivity and influence
L1O_COLS <- c("estimate", "se", "zval", "pval", "ci.lb", "ci.ub", "Q", "Qp", "tau2", "I2", "H2")
INF_COLS <- c("rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight")
sens <- list()
for (nm in c("bcg", "hackshaw1998", "normand1999", "edge_spread")) {
  d <- datasets[[nm]]
  sens[[nm]] <- list()
  for (m in c("REML", "DL", "FE", "PM", "ML", "SJ")) for (tt in TESTS) {
    key <- paste0(m, "_", tt)
    res <- fit(d, m, tt)
    l1 <- suppressWarnings(leave1out(res))
    inf <- suppressWarnings(influence(res))
    cu <- suppressWarnings(cumul(res))
    entry <- list(leave1out = frame(l1, L1O_COLS),
                  influence = c(frame(inf$inf, INF_COLS),
                                list(dfbetas = as.numeric(inf$dfbs$intrcpt),
                                     inf = as.logical(inf$is.infl))),
                  cumulative = frame(cu, L1O_COLS))
    if (nm == "bcg") {
      cy <- suppressWarnings(cumul(res, order = d$year))
      entry$cumulative_by_year <- c(frame(cy, L1O_COLS), list(order = order(d$year)))
    }
    if (m != "FE") {
      ci <- confint(res, control = list(tol = 1e-12, maxiter = 10000))
      entry$confint <- list(tau2 = as.numeric(ci$random["tau^2", ]), tau = as.numeric(ci$random["tau", ]),
                            i2 = as.numeric(ci$random["I^2(%)", ]), h2 = as.numeric(ci$random["H^2", ]))
    }
    sens[[nm]][[key]] <- entry
  }
}
calls$sensitivity <- "leave1out(res); influence(res) ($inf, $dfbs, $is.infl); cumul(res) [and cumul(res, order = year) for bcg]; confint(res, control = list(tol = 1e-12, maxiter = 10000)) with res as in 'pooled'"

# ---------------------------------------------------------------- publication bias
bias <- list()
for (nm in c("bcg", "hackshaw1998", "normand1999")) {
  d <- datasets[[nm]]
  bias[[nm]] <- list()
  for (m in c("REML", "DL", "FE")) for (tt in TESTS) {
    key <- paste0(m, "_", tt)
    res <- fit(d, m, tt)
    rt <- regtest(res)
    rl <- regtest(res, model = "lm")
    rk <- ranktest(res)
    entry <- list(
      regtest_rma = list(zval = num(rt$zval), pval = num(rt$pval), dfs = num(rt$dfs),
                         est = num(rt$est), ci_low = num(rt$ci.lb), ci_high = num(rt$ci.ub),
                         slope = num(rt$fit$beta[2]), slope_se = num(rt$fit$se[2])),
      regtest_lm = list(zval = num(rl$zval), pval = num(rl$pval), dfs = num(rl$dfs),
                        est = num(rl$est), ci_low = num(rl$ci.lb), ci_high = num(rl$ci.ub)),
      ranktest = list(tau = num(rk$tau), pval = num(rk$pval)))
    for (est in c("L0", "R0")) {
      tf <- suppressWarnings(trimfill(res, estimator = est, control = CTRL))
      entry[[paste0("trimfill_", est)]] <- list(
        k0 = num(tf$k0), se_k0 = num(tf$se.k0), side = tf$side, p_k0 = num(tf$p.k0),
        estimate = num(tf$beta[1]), se = num(tf$se), ci_low = num(tf$ci.lb), ci_high = num(tf$ci.ub),
        tau2 = num(tf$tau2), q = num(tf$QE), k = num(tf$k),
        yi = as.numeric(tf$yi), vi = as.numeric(tf$vi), fill = as.logical(tf$fill))
    }
    bias[[nm]][[key]] <- entry
  }
}
rk_ties <- ranktest(fit(edge_ties, "REML", "z"))
bias$edge_ties <- list(ranktest = list(tau = num(rk_ties$tau), pval = num(rk_ties$pval)))
calls$bias <- "regtest(res); regtest(res, model = 'lm'); ranktest(res); trimfill(res, estimator = E, control = list(threshold = 1e-12, maxiter = 10000, tol = 1e-12))"

# ---------------------------------------------------------------- meta-regression
mreg <- function(res, res0) {
  list(coef = as.numeric(res$beta), se = as.numeric(res$se), zval = as.numeric(res$zval),
       pval = as.numeric(res$pval), ci_low = as.numeric(res$ci.lb), ci_high = as.numeric(res$ci.ub),
       tau2 = num(res$tau2), i2 = num(res$I2), h2 = num(res$H2), qe = num(res$QE), qe_p = num(res$QEp),
       qm = num(res$QM), qm_p = num(res$QMp), qm_df = as.numeric(res$QMdf), r2 = num(res$R2),
       names = rownames(res$beta))
}
regr <- list()
for (m in c("REML", "DL", "ML", "PM", "FE", "HE", "SJ")) for (tt in TESTS) {
  key <- paste0(m, "_", tt)
  regr[[key]] <- list(
    ablat = mreg(fit(bcg, m, tt, mods = ~ ablat)),
    ablat_year = mreg(fit(bcg, m, tt, mods = ~ ablat + year)),
    alloc = mreg(fit(bcg, m, tt, mods = ~ factor(alloc))))
}
calls$regression <- "rma(yi, vi, data = bcg, mods = ~ ablat | ~ ablat + year | ~ factor(alloc), method = M, test = T, control = CTRL)"

# ---------------------------------------------------------------- subgroups
subg <- list()
for (spec in list(list(d = "bcg", g = "alloc"), list(d = "hackshaw1998", g = "design"))) {
  d <- datasets[[spec$d]]
  grp <- d[[spec$g]]
  for (m in c("REML", "DL", "FE")) for (tt in TESTS) {
    levels_g <- sort(unique(grp))
    per <- list()
    est <- c(); se <- c()
    for (lv in levels_g) {
      dd <- d[grp == lv, ]
      r <- tryCatch(summ(fit(dd, m, tt)), error = function(e) list(error = conditionMessage(e)))
      per[[lv]] <- r
      est <- c(est, r$estimate); se <- c(se, r$se)
    }
    between <- rma(est, sei = se, method = "FE")
    d$g_ <- factor(grp, levels = levels_g)
    common <- fit(d, m, tt, mods = ~ g_)
    common_noint <- fit(d, m, tt, mods = ~ g_ - 1)
    subg[[paste0(spec$d, "_", spec$g, "_", m, "_", tt)]] <- list(
      groups = levels_g, separate = per,
      separate_test = list(qb = num(between$QE), df = num(between$k - 1), p = num(between$QEp)),
      common = list(qm = num(common$QM), qm_df = as.numeric(common$QMdf), qm_p = num(common$QMp),
                    tau2 = num(common$tau2), estimates = as.numeric(common_noint$beta),
                    se = as.numeric(common_noint$se), ci_low = as.numeric(common_noint$ci.lb),
                    ci_high = as.numeric(common_noint$ci.ub)))
  }
}
calls$subgroups <- "per group: rma(yi, vi, subset = group == g, ...); between-group test: rma(estimates, sei = ses, method = 'FE')$QE; common tau^2: rma(yi, vi, mods = ~ factor(group)) (QM) and mods = ~ factor(group) - 1 (group estimates)"

# ---------------------------------------------------------------- funnel coordinates
fun <- list()
res <- fit(bcg, "REML", "z")
f <- funnel(res)
fun$bcg_REML <- list(x = as.numeric(f$x), y = as.numeric(f$y))

out <- list(
  source = list(
    generator = "validation/metafor/run_metafor.R",
    r_version = R.version.string,
    metafor_version = as.character(packageVersion("metafor")),
    jsonlite_version = as.character(packageVersion("jsonlite")),
    generated_on = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
    control = "control = list(threshold = 1e-12, maxiter = 10000, tol = 1e-12) on every rma call",
    calls = calls,
    data = list(
      bcg = "metafor::dat.bcg (Colditz et al. 1994); yi, vi = escalc('RR', ai = tpos, bi = tneg, ci = cpos, di = cneg)",
      hackshaw1998 = "metafor::dat.hackshaw1998 (Hackshaw et al. 1997); yi, vi as stored in the dataset (log odds ratios)",
      normand1999 = "metafor::dat.normand1999 (Normand 1999); yi, vi = escalc('MD', m1i, sd1i, n1i, m2i, sd2i, n2i)",
      edge = "edge_* sets are constructed by hand (k = 2; homogeneous; identical effects; widely spread variances)")),
  pooled = pooled, sensitivity = sens, bias = bias, regression = regr, subgroups = subg, funnel = fun)

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           file.path(out_dir, "metafor_reference.json"))
cat("wrote", file.path(out_dir, "metafor_reference.json"), "\n")
