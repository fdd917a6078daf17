using System.Diagnostics;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Benchmarks.Similarity;

/// <summary>Cohort formation on simulated learners outside BenchmarkDotNet (one run takes seconds): formation time, the
/// k-means baseline's time and the quality report. Usage: --cohorts LEARNERS [kmeans] [features.f32] [--threads T] (T defaults to every core).</summary>
internal static class CohortRun
{
    public static int Run(int learners, bool kmeans, string? file, int threads)
    {
        CohortKit.Features.FeatureMatrix features;
        if (file is not null)
        {
            // The first `learners` rows of a features file exported by --ann (identical data for the scikit-learn peer).
            var bytes = File.ReadAllBytes(file);
            var all = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
            features = new CohortKit.Features.FeatureMatrix(all[..(learners * 64)].ToArray(), learners, 64);
        }
        else
        {
            var p = new PlatformSimulator(new SimulationOptions { Learners = learners, Days = 90, Seed = 1 }).Generate();
            features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        }

        var former = new CohortFormer(new CohortFormationOptions { MaxDegreeOfParallelism = threads });
        // Wall-clock and this process's CPU time (on a shared machine the CPU time of a one-thread run is the steadier figure).
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var cohorts = former.Form(features);
        var formSeconds = clock.Elapsed.TotalSeconds;
        var formCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        CohortAssignment? baseline = null;
        double? kmeansSeconds = null;
        if (kmeans)
        {
            clock.Restart();
            baseline = former.KMeansBaseline(features);
            kmeansSeconds = clock.Elapsed.TotalSeconds;
        }

        var report = CohortQuality.Evaluate(features, cohorts, baseline);
        Console.WriteLine($"learners={learners} threads={threads} cohorts={report.CohortCount} sizes=[{report.MinSize},{report.MaxSize}] form={formSeconds:F2} s formCpu={formCpuSeconds:F2} s "
            + $"intraOverCohorts={report.MeanIntraSimilarity:F4} intraOverPairs={report.MeanPairSimilarity:F4} random={report.RandomBaselineSimilarity:F4} kmeans={report.KMeansSimilarity?.ToString("F4") ?? "-"} "
            + $"kmeansSeconds={kmeansSeconds?.ToString("F2") ?? "-"} ratio={(report.KMeansSimilarity is { } k && report.MeanIntraSimilarity is { } q ? (q / k).ToString("F4") : "-")}");
        return 0;
    }
}
