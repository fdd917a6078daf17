using BenchmarkDotNet.Attributes;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Retention;

namespace CohortKit.Benchmarks.Temporal;

/// <summary>A weekly N-day retention matrix (signup-week cohorts, 12 weeks) over 100M events of 1M learners, against a
/// straightforward single-threaded count (a HashSet of active weeks per learner), in the same run.</summary>
[MemoryDiagnoser]
public class RetentionBenchmarks
{
    private const int Learners = 1_000_000;
    private const int EventsPerLearner = 100;
    private const int Periods = 12;
    private static readonly DateOnly Start = new(2026, 1, 5);
    private static readonly ObservationWindow Window = new(Start, Start.AddDays(179));

    private LearnerAttributes _learners = null!;
    private ActivityLog _log = null!;
    private RetentionDefinition _definition = null!;
    private RetentionAnalyzer _oneThread = null!;
    private RetentionAnalyzer _twoThreads = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var ids = new LearnerId[Learners];
        var signups = new DateOnly[Learners];
        var offsets = new int[Learners + 1];
        var ticks = new long[Learners * EventsPerLearner];
        for (var l = 0; l < Learners; l++)
        {
            ids[l] = new LearnerId(l);
            signups[l] = Start.AddDays(random.Next(-20, 150));   // some before the window
            var t = signups[l].DayNumber * TimeSpan.TicksPerDay;
            for (var e = 0; e < EventsPerLearner; e++)
            {
                t += (long)(random.NextDouble() * 2.4 * TimeSpan.TicksPerDay);
                ticks[l * EventsPerLearner + e] = t;
            }

            offsets[l + 1] = (l + 1) * EventsPerLearner;
        }

        _learners = new LearnerAttributes(ids, signups, []);
        _log = new ActivityLog(offsets, ticks, new LearnerEventKind[ticks.Length], new float[ticks.Length]);
        _definition = new RetentionDefinition { CohortBy = CohortGrouping.SignupWeek, Period = RetentionPeriod.Week, Periods = Periods, Window = Window };
        _oneThread = new RetentionAnalyzer(new RetentionOptions { MaxDegreeOfParallelism = 1 });
        _twoThreads = new RetentionAnalyzer(new RetentionOptions { MaxDegreeOfParallelism = 2 });
    }

    [Benchmark(Baseline = true)]
    public long Straightforward()
    {
        var endTicks = (Window.End.DayNumber + 1L) * TimeSpan.TicksPerDay;
        var counts = new Dictionary<(int Cohort, int Week), long>();
        var offsets = _log.Offsets;
        var ticks = _log.Timestamps;
        for (var l = 0; l < _learners.Count; l++)
        {
            var signup = _learners.SignupDates[l];
            if (signup < Window.Start || signup > Window.End) { continue; }
            var cohort = signup.AddDays(-(((int)signup.DayOfWeek + 6) % 7)).DayNumber;
            var weeks = new HashSet<int>();
            for (var e = offsets[l]; e < offsets[l + 1]; e++)
            {
                if (ticks[e] >= endTicks) { continue; }
                var week = (int)((ticks[e] / TimeSpan.TicksPerDay - signup.DayNumber) / 7);
                if (week < Periods) { weeks.Add(week); }
            }

            foreach (var w in weeks) { counts[(cohort, w)] = counts.GetValueOrDefault((cohort, w)) + 1; }
        }

        return counts.Values.Sum();
    }

    [Benchmark]
    public RetentionMatrix CohortKitOneThread() => _oneThread.Compute(_learners, _log, _definition);

    [Benchmark]
    public RetentionMatrix CohortKitTwoThreads() => _twoThreads.Compute(_learners, _log, _definition);
}
