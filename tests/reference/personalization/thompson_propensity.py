"""Reference values for Thompson sampling's propensity and for the standard normal CDF.

P(a) = P(draw_a is the largest) for independent draws N(m_b, s_b^2), s_b = scale * width_b:
  P(a) = integral of phi(z) * prod_{b != a} Phi((m_a + s_a z - m_b) / s_b) dz,
computed by scipy.integrate.quad (adaptive Gauss-Kronrod) over [-40, 40] with breakpoints at each factor's transition
(m_b - m_a)/s_a and 1, 2, 4, 8 of its widths s_b/s_a either side, epsabs 1e-16, epsrel 1e-13; two-action cases are checked against the closed form
Phi((m_a - m_b)/sqrt(s_a^2 + s_b^2)). Run with Debian's /usr/bin/python3 (SciPy 1.10.1, NumPy 1.24.2).
"""
import json, math
import numpy as np
import scipy
from scipy import integrate, special

def propensity(m, s, a):
    f = lambda z: math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) * np.prod(
        [special.ndtr((m[a] + s[a] * z - m[b]) / s[b]) for b in range(len(m)) if b != a])
    # Breakpoints where each factor turns from 0 to 1: its centre (m_b - m_a)/s_a and +-1, 2, 4, 8 of its width s_b/s_a.
    points = sorted({(m[b] - m[a]) / s[a] + j * s[b] / s[a] for b in range(len(m)) if b != a
                     for j in (-8, -4, -2, -1, 0, 1, 2, 4, 8)} | {-8.0, -4.0, 0.0, 4.0, 8.0})
    points = [p for p in points if -40 < p < 40]
    value, err = integrate.quad(f, -40, 40, points=points or None, limit=2000, epsabs=1e-16, epsrel=1e-13)
    assert err < 1e-11, (m, s, a, err)
    return value

rng = np.random.default_rng(20261129)
cases = []
def add(name, means, widths, scale):
    means = [float(v) for v in means]
    widths = [float(v) for v in widths]
    s = [scale * w for w in widths]
    p = [propensity(means, s, a) for a in range(len(means))]
    if len(means) == 2:
        closed = special.ndtr((means[0] - means[1]) / math.hypot(s[0], s[1]))
        assert abs(closed - p[0]) < 1e-14, (name, closed, p[0])
    assert abs(sum(p) - 1) < 1e-12, (name, sum(p))
    cases.append({"name": name, "means": means, "widths": widths, "scale": scale, "probabilities": p})

add("two actions, close", [0.50, 0.51], [0.10, 0.12], 1.0)
add("two actions, far apart", [0.2, 0.9], [0.05, 0.07], 1.0)
add("ten actions, identical", [0.3] * 10, [0.1] * 10, 1.0)
add("one action far ahead (others' propensities tiny)", [1.0, 0.2, 0.25, 0.3, 0.1], [0.05, 0.06, 0.05, 0.07, 0.05], 1.0)
add("one narrow leader among wide actions", [0.5, 0.45, 0.4, 0.55, 0.3], [0.01, 0.2, 0.3, 0.25, 0.2], 1.0)
add("one wide action among narrow ones", [0.5, 0.52, 0.48, 0.51, 0.3], [0.5, 0.01, 0.02, 0.015, 0.01], 1.0)
add("width ratio 1000", [0.0, 0.001, -0.002], [1.0, 0.001, 0.002], 1.0)
add("scaled draws (v = 0.3)", [0.1, 0.2, 0.15, 0.05], [0.2, 0.1, 0.3, 0.25], 0.3)
for ratio in [1.2, 3, 10, 100]:
    for spread in [0.001, 0.02, 0.1, 0.5]:
        for k in [3, 10]:
            s = np.exp(rng.uniform(-math.log(ratio) / 2, math.log(ratio) / 2, k)) * 0.1
            m = rng.normal(0, spread, k)
            add(f"random, {k} actions, width ratio up to {ratio}, mean sd {spread}", m, s, 1.0)

# Added 2026-11-29 with the vectorised quadrature: more than 8 factors per node (its numerators and denominators are divided
# every 8 factors) and draws like the benchmark's trained model (10 actions, scale 0.5, widths about 0.2, means spread 0.2).
for k, ratio, spread in [(24, 3, 0.05), (40, 2, 0.1), (64, 1.5, 0.02)]:
    s = np.exp(rng.uniform(-math.log(ratio) / 2, math.log(ratio) / 2, k)) * 0.1
    m = rng.normal(0, spread, k)
    add(f"many actions ({k}), width ratio up to {ratio}, mean sd {spread}", m, s, 1.0)
for i in range(3):
    add(f"trained-model-like, 10 actions, scale 0.5, draw {i + 1}", rng.normal(0.4, 0.2, 10), rng.uniform(0.15, 0.28, 10), 0.5)

# Added 2026-11-29 with the trapezoidal rule (the engine's first choice when it needs at most 160 nodes): draws like the
# benchmark's trained model, every action of each, and cases at the rule's edges (one factor much narrower, many factors,
# a rival far ahead, a very wide rival, all rivals far behind).
for i in range(12):
    add(f"trapezoid: trained-model-like, 10 actions, scale 0.5, draw {i + 1}", rng.normal(0.4, 0.25, 10), rng.uniform(0.12, 0.3, 10), 0.5)
for k in [2, 3, 5, 17, 33]:
    s = np.exp(rng.uniform(-0.7, 0.7, k)) * 0.1
    add(f"trapezoid: {k} actions, width ratio up to 4, mean sd 0.1", rng.normal(0, 0.1, k), s, 1.0)
add("trapezoid: one factor 20 times narrower", [0.0, 0.05, -0.1, 0.02], [0.1, 0.005, 0.1, 0.12], 1.0)
add("trapezoid: a rival 6 widths ahead", [0.0, 0.6, 0.1, -0.05], [0.1, 0.1, 0.08, 0.12], 1.0)
add("trapezoid: a rival 50 times wider", [0.0, 0.1, -0.2], [0.02, 1.0, 0.03], 1.0)
add("trapezoid: every rival far behind", [1.0, 0.0, 0.05, -0.1, 0.02], [0.05, 0.05, 0.06, 0.04, 0.05], 1.0)

grid = [float(x) for x in np.concatenate([np.linspace(-37.5, 8.5, 461), [-1e-300, 0.0, 1e-9, 7.07106781186547, -7.07106781186547]])]
out = {
    "about": "Thompson propensities by scipy.integrate.quad with breakpoints at every factor's transition (SciPy " + scipy.__version__ + ", NumPy " + np.__version__ +
             ", Debian /usr/bin/python3) and Phi by scipy.special.ndtr; generated by thompson_propensity.py",
    "cases": cases,
    "normalCdf": {"x": grid, "phi": [float(special.ndtr(x)) for x in grid]},
}
with open("thompson_propensity.json", "w") as f:
    json.dump(out, f, indent=1)
print(len(cases), "cases")
