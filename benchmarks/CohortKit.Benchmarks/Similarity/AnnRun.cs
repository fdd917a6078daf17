using System.Diagnostics;
using CohortKit.Features;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;
using CohortKit.Simulation;

namespace CohortKit.Benchmarks.Similarity;

/// <summary>ANN on simulated learners outside BenchmarkDotNet (a build takes seconds): build time, recall@10 against exact
/// search, and query latency percentiles for several probe counts. Usage: --ann LEARNERS QUERIES.</summary>
internal static class AnnRun
{
    public static int Run(int learners, int queries, string? export = null)
    {
        var clock = Stopwatch.StartNew();
        var p = new PlatformSimulator(new SimulationOptions { Learners = learners, Days = 90, Seed = 1 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        Console.WriteLine($"simulate + features: {clock.Elapsed.TotalSeconds:F1} s, {features.Rows:N0} × {features.Dimensions}");
        var ids = p.Learners.Ids.ToArray();
        if (export is not null)
        {
            // Raw little-endian float32, rows × 64, for benchmarks/peers/similarity.py (identical data and queries).
            using var file = File.Create(export);
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()));
            Console.WriteLine($"exported {features.Rows} × {features.Dimensions} float32 to {export}");
        }

        clock.Restart();
        var index = IvfIndex.Build(features, ids, SimilarityMetric.Cosine);
        Console.WriteLine($"IVF build: {clock.Elapsed.TotalSeconds:F1} s, {index.Lists} lists");
        var normalised = new FeatureMatrix(features.AsSpan().ToArray(), features.Rows, features.Dimensions);
        normalised.NormalizeRows();
        // Query rows i·7919 mod N: the Python peer uses the same ones.
        var rows = Enumerable.Range(0, queries).Select(i => (int)((long)i * 7919 % features.Rows)).ToArray();
        var exactClock = Stopwatch.StartNew();
        var exact = rows.Select(r => ExactSearch.TopK(normalised, normalised.Row(r), 10).Select(h => ids[h.Row]).ToHashSet()).ToArray();
        Console.WriteLine($"exact top-10: {exactClock.Elapsed.TotalMilliseconds / queries:F2} ms per query ({queries} queries, one at a time)");
        var exactIndex = new ExactSearchIndex(normalised);
        exactClock.Restart();
        var mismatches = 0;
        for (var i = 0; i < queries; i++)
        {
            var hits = exactIndex.TopK(normalised.Row(rows[i]), 10);
            if (!hits.Select(h => ids[h.Row]).ToHashSet().SetEquals(exact[i])) { mismatches++; }
        }

        Console.WriteLine($"ExactSearchIndex top-10: {exactClock.Elapsed.TotalMilliseconds / queries:F2} ms per query, fallbacks {exactIndex.Fallbacks}, mismatches {mismatches}");

        // Equal threads with FAISS (benchmarks/peers/similarity.py): one thread answering one query at a time, and a batch
        // of all queries spread over every core (each query on one thread, as FAISS splits a batch by query).
        exactClock.Restart();
        foreach (var r in rows) { ExactSearch.TopK(normalised, normalised.Row(r), 10, maxDegreeOfParallelism: 1); }
        Console.WriteLine($"exact top-10, 1 thread: {exactClock.Elapsed.TotalMilliseconds / queries:F2} ms per query");
        exactClock.Restart();
        Parallel.ForEach(rows, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, r => ExactSearch.TopK(normalised, normalised.Row(r), 10, maxDegreeOfParallelism: 1));
        Console.WriteLine($"exact top-10, batch of {queries} on {Environment.ProcessorCount} threads: {exactClock.Elapsed.TotalMilliseconds / queries:F2} ms per query (throughput)");
        foreach (var probes in new[] { 8, 16, 24, 32, 48, 64 })
        {
            index.Probes = probes;
            var times = new double[queries];
            double hits = 0;
            for (var i = 0; i < queries; i++)
            {
                var q = normalised.Row(rows[i]);
                var t = Stopwatch.GetTimestamp();
                var result = index.Search(q, 10);
                times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                hits += result.Count(n => exact[i].Contains(n.Id));
            }

            Array.Sort(times);
            Console.WriteLine($"probes={probes,3} recall@10={hits / (queries * 10.0):F4} p50={times[queries / 2]:F3} ms p99={times[(int)(queries * 0.99)]:F3} ms");
        }

        return 0;
    }
}
