"""Reference for CohortKit.Churn.Evaluation.AucInterval: DeLong placements by brute force (every positive-negative pair,
psi = 1, 1/2, 0), summed per cluster as in Obuchowski (1997), Biometrics 53:567-578, eq. for V(A) with K clusters.
Run with Debian /usr/bin/python3 (NumPy 1.24.2, SciPy 1.10.1): writes ../auc_interval.json."""
import json, os
import numpy as np
from scipy.stats import norm


def brute(scores, labels, clusters, level=0.95):
    s = np.asarray(scores, float); y = np.asarray(labels, bool); c = np.asarray(clusters)
    pos = s[y]; neg = s[~y]; M = len(pos); N = len(neg)
    psi = (pos[:, None] > neg[None, :]).astype(float) + 0.5 * (pos[:, None] == neg[None, :])
    A = psi.mean()
    v10 = psi.mean(axis=1)  # per positive
    v01 = psi.mean(axis=0)  # per negative
    ids = list(dict.fromkeys(c.tolist()))
    K = len(ids)
    cp = c[y]; cn = c[~y]
    s10 = s01 = s11 = 0.0
    for k in ids:
        a = v10[cp == k].sum() - (cp == k).sum() * A
        b = v01[cn == k].sum() - (cn == k).sum() * A
        s10 += a * a; s01 += b * b; s11 += a * b
    var = K / (K - 1) * (s10 / M**2 + s01 / N**2 + 2 * s11 / (M * N))
    se = float(np.sqrt(var)); z = norm.ppf(0.5 + level / 2)
    return dict(auc=float(A), se=se, low=max(0.0, A - z * se), high=min(1.0, A + z * se), clusterCount=K)


rng = np.random.default_rng(20261129)
cases = []
# 1. independent rows, continuous scores
n = 300; y = rng.random(n) < 0.3; s = rng.normal(size=n) + 0.8 * y
cases.append(dict(name="independent", scores=s.tolist(), labels=y.tolist(), clusters=[], level=0.95, **brute(s, y, np.arange(n))))
# 2. ties: scores rounded to one decimal, level 0.9
s2 = np.round(rng.normal(size=n) + 0.5 * y, 1)
cases.append(dict(name="ties", scores=s2.tolist(), labels=y.tolist(), clusters=[], level=0.9, **brute(s2, y, np.arange(n), 0.9)))
# 3. clustered: 60 learners x 1..8 weekly rows, a learner effect shared by its rows, rare positives
ids = []; scores = []; labels = []
for k in range(60):
    u = rng.normal()
    for w in range(rng.integers(1, 9)):
        yy = rng.random() < 1 / (1 + np.exp(-(-2.5 + 1.2 * u)))
        ids.append(int(k * 7 + 3)); labels.append(bool(yy)); scores.append(float(u + rng.normal(scale=0.7)))
cases.append(dict(name="clustered", scores=scores, labels=labels, clusters=ids, level=0.95, **brute(scores, labels, ids)))
about = ("DeLong placement values by brute force over all positive-negative pairs, summed per cluster (Obuchowski 1997); "
         "NumPy 1.24.2, SciPy 1.10.1 norm.ppf, Debian /usr/bin/python3; generators/auc_interval.py")
with open(os.path.join(os.path.dirname(__file__), "..", "auc_interval.json"), "w") as f:
    json.dump(dict(about=about, cases=cases), f, indent=1)
print([(c["name"], c["auc"], c["se"], c["clusterCount"]) for c in cases])
