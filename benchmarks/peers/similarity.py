#!/usr/bin/python3
"""FAISS on the data of the CohortKit ANN run: exact (IndexFlatIP) and HNSW (IndexHNSWFlat) top-10 on identical
simulated learner features and queries.

First export the features from CohortKit (1M simulated learners, 64 features, float32):
    dotnet benchmarks/CohortKit.Benchmarks/bin/Release/net10.0/CohortKit.Benchmarks.dll --ann 1000000 1000 /tmp/features.f32
then: bash benchmarks/peers/run.sh similarity /tmp/features.f32          (FAISS flat and HNSW)
      bash benchmarks/peers/run.sh similarity /tmp/features.f32 kmeans   (scikit-learn MiniBatchKMeans, first 100k rows)
Queries are rows i*7919 mod N, answered one at a time (as CohortKit's run does); recall is against IndexFlatIP.
"""
import json
import sys
import time

import faiss
import numpy as np

DIMS, K, QUERIES = 64, 10, 1000


def main(path):
    x = np.fromfile(path, dtype=np.float32).reshape(-1, DIMS)
    faiss.normalize_L2(x)
    n = x.shape[0]
    rows = (np.arange(QUERIES, dtype=np.int64) * 7919) % n
    q = x[rows].copy()
    out = {"peer": "faiss", "faiss": faiss.__version__, "rows": n, "threads": faiss.omp_get_max_threads()}

    flat = faiss.IndexFlatIP(DIMS)
    flat.add(x)
    t = time.perf_counter()
    truth = np.vstack([flat.search(q[i:i + 1], K)[1] for i in range(QUERIES)])
    out["flatMsPerQuery"] = round((time.perf_counter() - t) / QUERIES * 1000, 3)

    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(DIMS, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 40
    hnsw.add(x)
    out["hnswBuildSeconds"] = round(time.perf_counter() - t, 1)
    out["hnsw"] = []
    for ef in (16, 32, 64, 128):
        hnsw.hnsw.efSearch = ef
        times, hits = [], 0
        for i in range(QUERIES):
            t = time.perf_counter()
            found = hnsw.search(q[i:i + 1], K)[1][0]
            times.append((time.perf_counter() - t) * 1000)
            hits += len(set(found) & set(truth[i]))
        times.sort()
        out["hnsw"].append({"efSearch": ef, "recallAt10": hits / (QUERIES * K), "p50Ms": round(times[QUERIES // 2], 3), "p99Ms": round(times[int(QUERIES * 0.99)], 3)})
    print(json.dumps(out))





def kmeans_peer(path, rows=100_000):
    """scikit-learn MiniBatchKMeans on the first `rows` exported features, k = the number of cohorts CohortKit forms there
    (round(rows / 22.5)), with the same quality measure: mean over clusters of the mean pairwise cosine."""
    from sklearn.cluster import MiniBatchKMeans
    x = np.fromfile(path, dtype=np.float32).reshape(-1, DIMS)[:rows].copy()
    faiss.normalize_L2(x)
    k = round(rows / 22.5)
    t = time.perf_counter()
    labels = MiniBatchKMeans(n_clusters=k, batch_size=4096, n_init=1, random_state=0).fit_predict(x)
    seconds = time.perf_counter() - t
    sums = np.zeros((k, DIMS))
    np.add.at(sums, labels, x)
    sizes = np.bincount(labels, minlength=k)
    ok = sizes >= 2
    pairwise = ((sums[ok] ** 2).sum(axis=1) - sizes[ok]) / (sizes[ok] * (sizes[ok] - 1))
    print(json.dumps({"peer": "sklearn MiniBatchKMeans", "rows": rows, "k": k, "seconds": round(seconds, 2),
                      "meanIntraSimilarity": round(float(pairwise.mean()), 4), "minSize": int(sizes.min()), "maxSize": int(sizes.max())}))


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[2] == "kmeans":
    kmeans_peer(sys.argv[1])
elif __name__ == "__main__":
    main(sys.argv[1])
