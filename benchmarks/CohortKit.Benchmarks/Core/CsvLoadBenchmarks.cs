using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CohortKit.Csv;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Simulation;

namespace CohortKit.Benchmarks.Core;

/// <summary>Loading about 10M events from CSV: the streaming UTF-8 loader against a straightforward
/// File.ReadLines + string.Split + double.Parse loader.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class CsvLoadBenchmarks
{
    private string _dir = "";
    private string _events = "";
    private LearnerAttributes _learners = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("cohortkit-bench-").FullName;
        var platform = new PlatformSimulator(new SimulationOptions { Learners = 230_000, Days = 90, Seed = 1 }).Generate();
        _learners = platform.Learners;
        _events = Path.Combine(_dir, "events.csv");
        ActivityCsv.Save(_events, platform.Activity, platform.Learners);
        Console.WriteLine($"// events in file: {platform.Activity.EventCount:N0}, bytes: {new FileInfo(_events).Length:N0}");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    [Benchmark(Baseline = true)]
    public int NaiveSplitParse()
    {
        var rows = new List<int>();
        var ts = new List<long>();
        var kinds = new List<LearnerEventKind>();
        var values = new List<float>();
        foreach (var line in File.ReadLines(_events).Skip(1))
        {
            var f = line.Split(',');
            _learners.TryGetRow(new LearnerId(long.Parse(f[0], CultureInfo.InvariantCulture)), out var row);
            rows.Add(row);
            ts.Add(DateTime.Parse(f[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).Ticks);
            kinds.Add(Enum.Parse<LearnerEventKind>(f[2], ignoreCase: true));
            values.Add(float.Parse(f[3], CultureInfo.InvariantCulture));
        }

        return ActivityLog.FromUnsorted(_learners.Count, rows.ToArray(), ts.ToArray(), kinds.ToArray(), values.ToArray()).EventCount;
    }

    [Benchmark]
    public int ActivityCsvLoad() => ActivityCsv.Load(_events, _learners).EventCount;
}
