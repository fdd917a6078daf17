#!/usr/bin/python3
"""Peers for CohortKit.Similarity on identical data.

FAISS exact search (IndexFlatIP) at equal threads with CohortKit: one thread answering one query at a time, and one batch
of all queries on every core; optionally HNSW (IndexHNSWFlat). scikit-learn MiniBatchKMeans for cohort formation.

First export the features from CohortKit (1M simulated learners, 64 features, float32):
    dotnet benchmarks/CohortKit.Benchmarks/bin/Release/net10.0/CohortKit.Benchmarks.dll --ann 1000000 1000 /tmp/features.f32
then: bash benchmarks/peers/run.sh similarity /tmp/features.f32            (FAISS flat, 1 thread and batch)
      bash benchmarks/peers/run.sh similarity /tmp/features.f32 hnsw       (also HNSW, ~2.5 minutes to build)
      bash benchmarks/peers/run.sh similarity /tmp/features.f32 kmeans K [full] [ROWS]
          (MiniBatchKMeans with batch 3K, or full KMeans with n_init=1, on the first ROWS rows (default 100,000) with K
           clusters: the number of cohorts CohortKit forms on the same rows, `--cohorts ROWS kmeans /tmp/features.f32`)
Queries are rows i*7919 mod N (as CohortKit's run); recall is against IndexFlatIP. The FAISS build flags are printed
(faiss.get_compile_options()): Debian's python3-faiss is a generic build.
"""
import json
import sys
import time

import faiss
import numpy as np

DIMS, K, QUERIES = 64, 10, 1000


def main(path, hnsw_too):
    x = np.fromfile(path, dtype=np.float32).reshape(-1, DIMS)
    faiss.normalize_L2(x)
    n = x.shape[0]
    rows = (np.arange(QUERIES, dtype=np.int64) * 7919) % n
    q = x[rows].copy()
    cores = faiss.omp_get_max_threads()
    out = {"peer": "faiss", "faiss": faiss.__version__, "compileOptions": faiss.get_compile_options(), "rows": n, "cores": cores}

    flat = faiss.IndexFlatIP(DIMS)
    flat.add(x)
    faiss.omp_set_num_threads(1)
    t = time.perf_counter()
    truth = np.vstack([flat.search(q[i:i + 1], K)[1] for i in range(QUERIES)])
    out["flatOneThreadMsPerQuery"] = round((time.perf_counter() - t) / QUERIES * 1000, 3)
    faiss.omp_set_num_threads(cores)
    t = time.perf_counter()
    batch = flat.search(q, K)[1]
    out["flatBatchAllCoresMsPerQuery"] = round((time.perf_counter() - t) / QUERIES * 1000, 3)
    out["batchAgreesWithOneByOne"] = bool((np.sort(batch, axis=1) == np.sort(truth, axis=1)).all())

    if hnsw_too:
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


def kmeans_peer(path, k, full=False, rows=100_000):
    """scikit-learn k-means on the first `rows` exported features (L2-normalised, as CohortKit normalises them) with k
    clusters, n_init=1. `full`: KMeans (Lloyd, k-means++ seeding, scikit-learn's default max_iter=300 and tol); otherwise
    MiniBatchKMeans with batch_size = 3k (like for like with full k-means: every centroid sees about three points per
    step). Quality measured both ways: mean over clusters of the mean pairwise cosine, and mean over all within-cluster
    pairs. Threads: scikit-learn's default (every core, through OpenMP/BLAS), as CohortKit uses every core."""
    from sklearn.cluster import KMeans, MiniBatchKMeans
    import sklearn
    x = np.fromfile(path, dtype=np.float32).reshape(-1, DIMS)[:rows].copy()
    faiss.normalize_L2(x)
    model = KMeans(n_clusters=k, n_init=1, random_state=0) if full else MiniBatchKMeans(n_clusters=k, batch_size=3 * k, n_init=1, random_state=0)
    t, cpu = time.perf_counter(), time.process_time()
    labels = model.fit_predict(x)
    seconds, cpu_seconds = time.perf_counter() - t, time.process_time() - cpu
    sums = np.zeros((k, DIMS))
    np.add.at(sums, labels, x)
    sizes = np.bincount(labels, minlength=k)
    ok = sizes >= 2
    within = (sums[ok] ** 2).sum(axis=1) - sizes[ok]
    pairs = sizes[ok] * (sizes[ok] - 1)
    print(json.dumps({"peer": "sklearn " + type(model).__name__, "sklearn": sklearn.__version__, "rows": rows, "k": k,
                      "batchSize": None if full else 3 * k, "iterations": int(model.n_iter_),
                      "seconds": round(seconds, 2), "cpuSeconds": round(cpu_seconds, 2), "meanIntraOverClusters": round(float((within / pairs).mean()), 4),
                      "meanIntraOverPairs": round(float(within.sum() / pairs.sum()), 4), "minSize": int(sizes.min()), "maxSize": int(sizes.max())}))


if __name__ == "__main__" and len(sys.argv) > 3 and sys.argv[2] == "kmeans":
    kmeans_peer(sys.argv[1], int(sys.argv[3]), full="full" in sys.argv[4:],
                rows=next((int(a) for a in sys.argv[4:] if a.isdigit()), 100_000))
elif __name__ == "__main__":
    main(sys.argv[1], len(sys.argv) > 2 and sys.argv[2] == "hnsw")
