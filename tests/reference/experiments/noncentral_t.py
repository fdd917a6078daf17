# Reference values for the noncentral t distribution and the t-test power built on it, far into the tails.
# Run with Debian's /usr/bin/python3 (SciPy 1.10.1, statsmodels 0.13.5):
#   /usr/bin/python3 noncentral_t.py > noncentral_t.json
# The distribution values are computed in 50-digit arithmetic with mpmath (below: every term of the series, stable
# recurrences only); scipy.stats.nct (Boost's non_central_t) is kept beside each as scipyCdf / scipySf. The two agree to
# 1e-9 except deep in the tails (below about 1e-60), where nct loses digits or reads 0, and at t = 0 for small df. The power cases are statsmodels'
# TTestIndPower.power formula (power = sf(crit) + cdf(-crit)) in 50 digits with crit the exact t quantile (40-digit root;
# statsmodels uses t.isf, which is 1e-9 off at df = 118), statsmodels' own value beside,
# because statsmodels' solve_power fails for such large effects. The MDE cases invert that power with brentq.
import json, warnings
import mpmath, numpy, scipy, statsmodels
from scipy import stats
from scipy.optimize import brentq
from statsmodels.stats.power import TTestIndPower

warnings.simplefilter("ignore")
mpmath.mp.dps = 50

def _series(x, y, b, mu, sign, upper):
    J = int(mu + 40 * mpmath.sqrt(mu) + 200)
    total = mpmath.mpf(0)
    for half in (mpmath.mpf('0.5'), mpmath.mpf(1)):   # a = j + 1/2 (P terms) and a = j + 1 (Q terms)
        def g(a):  # x^a y^b / (a B(a, b))
            return mpmath.exp(a * mpmath.log(x) + b * mpmath.log(y) + mpmath.loggamma(a + b) - mpmath.loggamma(a + 1) - mpmath.loggamma(b))
        def w(k):  # e^-mu mu^k / Gamma(k + 1)
            return mpmath.exp(-mu + k * mpmath.log(mu) - mpmath.loggamma(k + 1)) if mu > 0 else (mpmath.mpf(1) if k == 0 else mpmath.mpf(0))
        coef = mpmath.mpf(1) if half == mpmath.mpf('0.5') else mpmath.mpf(sign)
        if upper:   # 1 - I, upwards: Ic(a + 1) = Ic(a) + g(a)
            a = half
            ic = mpmath.betainc(b, a, 0, y, regularized=True)
            ga = g(a)
            for j in range(0, J + 1):
                total += coef * w(j + half - mpmath.mpf('0.5')) * ic
                ic += ga
                ga *= x * (a + b) / (a + 1)
                a += 1
        else:       # I, downwards: I(a - 1) = I(a) + g(a - 1)
            a = J + half
            i = mpmath.betainc(a, b, 0, x, regularized=True)
            ga = g(a)
            for j in range(J, -1, -1):
                total += coef * w(j + half - mpmath.mpf('0.5')) * i
                if j == 0:
                    break
                ga = ga * a / (x * (a - 1 + b))
                a -= 1
                i += ga
    return total / 2

def tails(t, df, delta):
    t, df, delta = mpmath.mpf(t), mpmath.mpf(df), mpmath.mpf(delta)
    if t < 0:
        c, s = tails(-t, df, -delta)
        return s, c
    if t == 0:
        return mpmath.ncdf(-delta), mpmath.ncdf(delta)
    x, y = t * t / (t * t + df), df / (t * t + df)
    mu, sign = delta * delta / 2, (1 if delta > 0 else -1 if delta < 0 else 0)
    return mpmath.ncdf(-delta) + _series(x, y, df / 2, mu, sign, False), _series(x, y, df / 2, mu, sign, True)


def row(t, df, delta):
    c, s = tails(t, df, delta)
    # Below 1e-45 the 50-digit sums are at their cancellation floor: the probability is 0 to that precision.
    exact = lambda v: 0.0 if abs(v) < 1e-45 else float(v)
    return {"t": float(t), "df": float(df), "delta": float(delta), "cdf": exact(c), "sf": exact(s),
            "scipyCdf": float(stats.nct.cdf(t, df, delta)), "scipySf": float(stats.nct.sf(t, df, delta))}

distribution = []
for df in [0.3, 1.0, 2.5, 9.0, 58.0, 1000.0]:
    for delta in [-40.0, -6.0, -0.7, 0.0, 0.3, 2.0, 8.0, 39.0, 45.0, 70.0, 150.0]:
        for t in [-30.0, -2.0, 0.0, 0.5, 2.0, 12.7, 60.0, 400.0]:
            distribution.append(row(t, df, delta))

def critical(alpha, df):
    """The upper alpha/2 point of Student's t in 40 digits: SciPy's t.isf is off by 1e-9 (relative) at df = 118, alpha = 0.001."""
    with mpmath.workdps(40):
        v, p = mpmath.mpf(df), mpmath.mpf(alpha) / 2
        f = lambda t: mpmath.betainc(v / 2, mpmath.mpf(1) / 2, 0, v / (v + t * t), regularized=True) / 2 - p
        return float(mpmath.findroot(f, mpmath.mpf(float(stats.t.isf(alpha / 2, df)))))

def power(d, n, alpha, ratio):
    n2 = n * ratio
    df = n + n2 - 2
    nc = d * numpy.sqrt(1 / (1 / n + 1 / n2))
    crit = critical(alpha, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))

tt = TTestIndPower()
powers = []
for d, n, alpha, ratio in [(70.0, 1.5, 0.05, 1.0), (45.0, 1.5, 0.05, 1.0), (30.0, 2.0, 0.05, 1.0), (5.0, 200.0, 0.05, 1.0),
                           (1.2, 40.0, 0.001, 2.0), (0.2, 50.0, 1e-10, 1.0), (0.05, 30.0, 0.05, 0.5), (-3.0, 20.0, 0.01, 1.0),
                           (8.0, 1.05, 0.05, 1.0), (2.0, 1.2, 0.05, 1.0), (40.0, 5.0, 1e-6, 1.0)]:
    p = power(d, n, alpha, ratio)
    n2, e = n * ratio, abs(d)
    nc, df = e * numpy.sqrt(1 / (1 / n + 1 / n2)), n + n2 - 2
    crit = critical(alpha, df)
    # In 50 digits: power = sf(crit) + cdf(-crit), and 1 - power = cdf(crit) - cdf(-crit) summed directly.
    lower_c, upper_c = tails(crit, df, nc)
    lower_m, _ = tails(-crit, df, nc)
    p_scipy, p = p, float(upper_c + lower_m)
    failure = float(lower_c - lower_m)
    entry = {"effectSize": d, "nControl": n, "alpha": alpha, "ratio": ratio, "power": p, "failure": failure, "scipyPower": p_scipy}
    for point in (crit, -crit):  # the distribution at the power's own critical values, too
        distribution.append(row(point, df, nc))
    sm = float(tt.power(d, n, alpha, ratio))
    entry["statsmodels"] = sm
    powers.append(entry)

mdes = []
for n, alpha, target in [(1.5, 0.05, 0.9999999999), (1.5, 0.05, 0.999999), (3.0, 0.05, 0.99999), (10.0, 1e-6, 0.999)]:
    d = brentq(lambda e: power(e, n, alpha, 1.0) - target, 1e-6, 1e4, xtol=1e-14, rtol=1e-15, maxiter=500)
    mdes.append({"nControl": n, "alpha": alpha, "power": target, "effectSize": float(d)})

print(json.dumps({
    "about": "Noncentral t CDF and survival (50-digit mpmath sums of the Poisson-mixture series, 0 where below 1e-45; SciPy's nct beside as scipyCdf/scipySf) on a grid reaching far tails (|delta| up to "
             "150, df from 0.3 to 1000), two-sided two-sample t-test power sf(crit) + cdf(-crit) with crit the exact upper alpha/2 point of t (40-digit root; SciPy's t.isf is 1e-9 off at df = 118) "
             "(statsmodels' TTestIndPower formula, its own value beside it as 'statsmodels'; power and 'failure' = cdf(crit) - cdf(-crit) with |d| (1 - power without cancellation) in 50 digits, the nct power beside as scipyPower), and the effect size reaching a power "
             "target (brentq on that power with nct's float tails). Generated by tests/reference/experiments/noncentral_t.py.",
    "generator": f"mpmath {mpmath.__version__}, SciPy {scipy.__version__}, statsmodels {statsmodels.__version__}, NumPy {numpy.__version__} (Debian /usr/bin/python3), 2026-11-29",
    "distribution": distribution, "power": powers, "mde": mdes}, indent=1))
