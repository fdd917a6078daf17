using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CohortKit.Simulation;

namespace CohortKit.Benchmarks.Simulation;

/// <summary>Simulator throughput: learners × 90 days in memory, one thread (baseline) against all cores.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class PlatformSimulatorBenchmarks
{
    [Params(100_000, 1_000_000)]
    public int Learners { get; set; }

    [Benchmark(Baseline = true)]
    public int OneThread() => new PlatformSimulator(new SimulationOptions { Learners = Learners, Days = 90, Seed = 1, MaxDegreeOfParallelism = 1 }).Generate().Activity.EventCount;

    [Benchmark]
    public int AllCores() => new PlatformSimulator(new SimulationOptions { Learners = Learners, Days = 90, Seed = 1 }).Generate().Activity.EventCount;
}

/// <summary>One generation outside BenchmarkDotNet, reporting wall time and the process's peak resident memory (VmHWM).</summary>
internal static class PeakMemoryRun
{
    public static int Run(int learners, int days)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var platform = new PlatformSimulator(new SimulationOptions { Learners = learners, Days = days, Seed = 1 }).Generate();
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM", StringComparison.Ordinal)) ?? "VmHWM: unknown";
        Console.WriteLine($"learners={learners} days={days} events={platform.Activity.EventCount:N0} seconds={seconds:F2} {peak.Replace("\t", " ", StringComparison.Ordinal)}");
        return 0;
    }
}
