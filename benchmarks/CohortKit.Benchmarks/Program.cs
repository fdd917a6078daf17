using BenchmarkDotNet.Running;
using CohortKit.Benchmarks.Simulation;

// Usage: dotnet run -c Release -- --filter '*MetricSummary*'      (any BenchmarkDotNet arguments)
//        dotnet run -c Release -- --simulate-peak 1000000 90       (one timed generation with peak memory)
//        dotnet run -c Release -- --ann 1000000 1000                (IVF on simulated learners: build time, recall@10, latency; optional 4th argument exports the features for the Python peer)
//        dotnet run -c Release -- --cohorts 100000 kmeans           (cohort formation time and quality against k-means; a 4th argument reads features exported by --ann)
if (args.Length > 0 && args[0] == "--simulate-peak")
{
    return PeakMemoryRun.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "--ann")
{
    return CohortKit.Benchmarks.Similarity.AnnRun.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args.Length > 3 ? args[3] : null);
}

if (args.Length > 0 && args[0] == "--cohorts")
{
    return CohortKit.Benchmarks.Similarity.CohortRun.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 && args[2] == "kmeans", args.Length > 3 ? args[3] : null);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
