using BenchmarkDotNet.Attributes;
using CohortKit.Reliability.Slo;

namespace CohortKit.Benchmarks.Reliability;

/// <summary>Recording one request outcome (goal: under 50 ns, no allocation) against the floor of any counter that reads the
/// clock: TimeProvider.System.GetUtcNow() plus one interlocked increment, in the same run.</summary>
[MemoryDiagnoser]
public class SloRecordBenchmarks
{
    private SloMonitor _monitor = null!;
    private long _counter;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _monitor = new SloMonitor(new SloOptions { Objective = 0.9999 });
        _monitor.Record(true); // claim the current bucket outside the timing
    }

    [Benchmark(Baseline = true)]
    public void ClockAndInterlockedIncrement()
    {
        _ = TimeProvider.System.GetUtcNow();
        Interlocked.Increment(ref _counter);
    }

    [Benchmark]
    public void Record() => _monitor.Record((++_i & 1023) != 0);
}

/// <summary>Evaluating the error budget and the workbook's three alert rules over 30 days of 30-second buckets (86,400 buckets,
/// all full; goal: under 1 ms), against a plain sum of the same number of (total, bad) pairs, in the same run.</summary>
[MemoryDiagnoser]
public class SloEvaluateBenchmarks
{
    private const int Buckets = 30 * 24 * 120;
    private SloMonitor _monitor = null!;
    private long[] _totals = [];
    private long[] _bad = [];

    [GlobalSetup]
    public void Setup()
    {
        var clock = new SteppedClock();
        _monitor = new SloMonitor(new SloOptions { Objective = 0.9999, Period = TimeSpan.FromDays(30) }, clock);
        for (var b = 0; b < Buckets; b++)
        {
            clock.Now = DateTimeOffset.UnixEpoch.AddSeconds(30.0 * b);
            _monitor.RecordCounts(1000, b % 97 == 0 ? 3 : 0);
        }

        _totals = Enumerable.Repeat(1000L, Buckets).ToArray();
        _bad = Enumerable.Range(0, Buckets).Select(b => b % 97 == 0 ? 3L : 0L).ToArray();
    }

    [Benchmark(Baseline = true)]
    public long SumOfBucketPairs()
    {
        long t = 0, e = 0;
        for (var i = 0; i < _totals.Length; i++) { t += _totals[i]; e += _bad[i]; }
        return t + e;
    }

    [Benchmark]
    public SloStatus Evaluate() => _monitor.Evaluate();

    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
