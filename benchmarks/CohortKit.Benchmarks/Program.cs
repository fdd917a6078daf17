using BenchmarkDotNet.Running;
using CohortKit.Benchmarks.Simulation;

// Usage: dotnet run -c Release -- --filter '*MetricSummary*'      (any BenchmarkDotNet arguments)
//        dotnet run -c Release -- --simulate-peak 1000000 90       (one timed generation with peak memory)
//        dotnet run -c Release -- --ann 1000000 1000                (IVF on simulated learners: build time, recall@10, latency; optional 4th argument exports the features for the Python peer)
//        dotnet run -c Release -- --rank-latency 1000000                (per-call Rank latency percentiles, 10 actions × 20 features)
//        dotnet run -c Release -- --tune-comparison 20 100 0.05         (GP-EI vs random: evaluations to within 1 % of the minimum on Branin and Hartmann-6)
//        dotnet run -c Release -- --cohorts 100000 kmeans           (cohort formation time and quality against k-means; a 4th argument reads features exported by --ann; --threads T bounds the parallelism)
if (args.Length > 0 && args[0] == "--simulate-peak")
{
    return PeakMemoryRun.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "--ann")
{
    return CohortKit.Benchmarks.Similarity.AnnRun.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args.Length > 3 ? args[3] : null);
}

if (args.Length > 0 && args[0] == "--rank-latency")
{
    return CohortKit.Benchmarks.Personalization.RankLatencyRun.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "--tune-comparison")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    return CohortKit.Benchmarks.Personalization.TunerComparisonRun.Run(int.Parse(args[1], inv), int.Parse(args[2], inv), double.Parse(args[3], inv));
}

if (args.Length > 0 && args[0] == "--cohorts")
{
    // --cohorts LEARNERS [kmeans] [features.f32] [--threads T]
    var threadsAt = Array.IndexOf(args, "--threads");
    var threads = threadsAt > 0 ? int.Parse(args[threadsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
    var rest = threadsAt > 0 ? args[..threadsAt] : args;
    return CohortKit.Benchmarks.Similarity.CohortRun.Run(int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture), rest.Length > 2 && rest[2] == "kmeans", rest.Length > 3 ? rest[3] : null, threads);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
