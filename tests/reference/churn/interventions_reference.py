"""Reference values for CohortKit.Churn's intervention readout and Qini curve (run with Debian's /usr/bin/python3).

readout: statsmodels proportions_ztest (pooled z) of treated vs holdout churn, the unpooled Wald interval of the difference
(confint_proportions_2indep, method='wald', compare='diff') and Wilson intervals of each arm (proportion_confint).
qini: the Qini curve as CausalML's get_qini computes it without a true effect column (sort by score descending, cumulative
treated/control counts and outcomes, keep rows where both arms are non-empty, Q = Y_t - Y_c * N_t / N_c), with the outcome
y = 1 - churned; ties broken by ascending row index (a stable sort); the random baseline is its expectation, k/n * Q(n);
coefficient = mean over the kept points of Q - baseline; normalized = coefficient / Q(n).
"""
import json
import numpy as np
import scipy
import statsmodels
from statsmodels.stats.proportion import proportions_ztest, confint_proportions_2indep, proportion_confint

readout = []
for hold_c, hold_n, tr_c, tr_n in [(130, 500, 1020, 4500), (45, 300, 240, 2700), (12, 80, 60, 720), (7, 20, 9, 25)]:
    z, p = proportions_ztest([tr_c, hold_c], [tr_n, hold_n])
    lo, hi = confint_proportions_2indep(tr_c, tr_n, hold_c, hold_n, method="wald", compare="diff", alpha=0.05)
    tlo, thi = proportion_confint(tr_c, tr_n, alpha=0.05, method="wilson")
    hlo, hhi = proportion_confint(hold_c, hold_n, alpha=0.05, method="wilson")
    readout.append(dict(holdoutChurned=hold_c, holdoutN=hold_n, treatedChurned=tr_c, treatedN=tr_n,
                        difference=tr_c / tr_n - hold_c / hold_n, z=float(z), p=float(p), low=float(lo), high=float(hi),
                        treatedWilson=[tlo, thi], holdoutWilson=[hlo, hhi]))


def qini(score, treated, churned):
    order = np.argsort(-score, kind="stable")
    w = treated[order].astype(float)
    y = 1.0 - churned[order].astype(float)
    k = np.arange(1, len(score) + 1)
    nt = np.cumsum(w)
    nc = k - nt
    yt = np.cumsum(y * w)
    yc = np.cumsum(y * (1 - w))
    keep = (nt > 0) & (nc > 0)
    q = yt[keep] - yc[keep] * nt[keep] / nc[keep]
    kk = k[keep]
    total = q[-1]
    coefficient = float(np.mean(q - kk / len(score) * total))
    return dict(targeted=kk.tolist(), gain=q.tolist(), total=float(total), coefficient=coefficient,
                normalized=coefficient / total if total != 0 else None)


rng = np.random.default_rng(20261129)
qini_cases = []
for n, ties in [(300, False), (400, True), (50, True)]:
    x = rng.normal(size=n)
    score = np.round(x, 1) if ties else x
    treated = rng.random(n) < 0.5
    p = 1 / (1 + np.exp(-(-0.3 + 0.8 * x - 1.2 * treated * (x > 0))))
    churned = rng.random(n) < p
    case = dict(scores=score.tolist(), treated=treated.astype(int).tolist(), churned=churned.astype(int).tolist())
    case.update(qini(score, treated, churned))
    qini_cases.append(case)

about = ("computed in this repository on 2026-11-29 by tests/reference/churn/interventions_reference.py with "
         f"NumPy {np.__version__}, SciPy {scipy.__version__}, statsmodels {statsmodels.__version__} (Debian /usr/bin/python3)")
json.dump(dict(about=about + "; " + __doc__.strip().replace("\n", " "), readout=readout, qini=qini_cases),
          open("interventions.json", "w"), indent=1)
