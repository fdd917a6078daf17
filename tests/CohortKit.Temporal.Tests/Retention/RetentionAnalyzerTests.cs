using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Retention;

namespace CohortKit.Temporal.Tests.Retention;

/// <summary>Retention matrices against a straightforward count written out here (for every cohort grouping, period and
/// kind, with learners who signed up before the window and events after it), plus nulls, intervals and bad input.</summary>
public class RetentionAnalyzerTests
{
    private static readonly DateOnly WindowStart = new(2026, 1, 7);
    private static readonly DateOnly WindowEnd = new(2026, 5, 20);

    private static (LearnerAttributes Learners, ActivityLog Log, List<long>[] Events) Simulate(int seed, int count = 400)
    {
        var random = new Random(seed);
        var ids = new LearnerId[count];
        var signups = new DateOnly[count];
        var plans = new string[count];
        var events = new List<long>[count];
        var rows = new List<int>();
        var times = new List<long>();
        for (var l = 0; l < count; l++)
        {
            ids[l] = new LearnerId(1000 + l);
            signups[l] = WindowStart.AddDays(random.Next(-40, 140));   // some before the window, some near its end
            plans[l] = random.Next(3) switch { 0 => "free", 1 => "plus", _ => "pro" };
            events[l] = [];
            var n = random.Next(0, 30);
            var span = random.Next(1, 200);
            for (var e = 0; e < n; e++)
            {
                var t = signups[l].DayNumber * TimeSpan.TicksPerDay + (long)(random.NextDouble() * span * TimeSpan.TicksPerDay);
                events[l].Add(t);
                rows.Add(l);
                times.Add(t);
            }
        }

        var learners = new LearnerAttributes(ids, signups, [CategoricalColumn.Encode("plan", plans)]);
        var log = ActivityLog.FromUnsorted(count, rows.ToArray(), times.ToArray(), new LearnerEventKind[rows.Count], new float[rows.Count]);
        return (learners, log, events);
    }

    private static long Start(DateOnly signup, RetentionPeriod period, int k) => period switch
    {
        RetentionPeriod.Day => signup.AddDays(k).DayNumber * TimeSpan.TicksPerDay,
        RetentionPeriod.Week => signup.AddDays(7 * k).DayNumber * TimeSpan.TicksPerDay,
        _ => signup.AddMonths(k).DayNumber * TimeSpan.TicksPerDay,
    };

    private static string Label(DateOnly s, CohortGrouping by, string plan) => by switch
    {
        CohortGrouping.SignupDay => s.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        CohortGrouping.SignupWeek => s.AddDays(-(((int)s.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        CohortGrouping.SignupMonth => s.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        _ => plan,
    };

    public static TheoryData<CohortGrouping, RetentionPeriod, RetentionKind> Combinations()
    {
        var data = new TheoryData<CohortGrouping, RetentionPeriod, RetentionKind>();
        foreach (var by in Enum.GetValues<CohortGrouping>())
        {
            foreach (var period in Enum.GetValues<RetentionPeriod>())
            {
                foreach (var kind in Enum.GetValues<RetentionKind>()) { data.Add(by, period, kind); }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Compute_EqualsADirectCount(CohortGrouping by, RetentionPeriod period, RetentionKind kind)
    {
        var (learners, log, events) = Simulate(seed: (int)by * 9 + (int)period * 3 + (int)kind);
        PeriodBracket[] brackets = [new(0, 0), new(1, 3), new(2, 6), new(4, 4)];
        var definition = new RetentionDefinition
        {
            CohortBy = by, Attribute = "plan", Period = period, Kind = kind, Periods = 8, Brackets = brackets,
            Window = new ObservationWindow(WindowStart, WindowEnd),
        };
        var matrix = new RetentionAnalyzer(new RetentionOptions { MaxDegreeOfParallelism = 2 }).Compute(learners, log, definition);

        // The direct count: every learner who signed up inside the window, every column, every event.
        var endTicks = WindowEnd.AddDays(1).DayNumber * TimeSpan.TicksPerDay;
        var columns = kind == RetentionKind.Bracket ? brackets : Enumerable.Range(0, 8).Select(k => new PeriodBracket(k, k)).ToArray();
        var inside = Enumerable.Range(0, learners.Count).Where(l => learners.SignupDates[l] >= WindowStart && learners.SignupDates[l] <= WindowEnd).ToList();
        matrix.LearnersOutsideWindow.Should().Be(learners.Count - inside.Count).And.BePositive();
        var expected = inside.GroupBy(l => Label(learners.SignupDates[l], by, learners["plan"][l])).ToDictionary(g => g.Key, g => g.ToList());
        matrix.Cohorts.Select(c => c.Cohort).Should().BeEquivalentTo(expected.Keys);
        foreach (var cohort in matrix.Cohorts)
        {
            var members = expected[cohort.Cohort];
            cohort.Size.Should().Be(members.Count);
            for (var j = 0; j < columns.Length; j++)
            {
                var observed = members.All(l => Start(learners.SignupDates[l], period, columns[j].Last + 1) <= endTicks);
                var from = kind == RetentionKind.Unbounded ? j : columns[j].First;
                var retained = members.Count(l =>
                {
                    var lo = Start(learners.SignupDates[l], period, from);
                    var hi = kind == RetentionKind.Unbounded ? endTicks : Math.Min(endTicks, Start(learners.SignupDates[l], period, columns[j].Last + 1));
                    return events[l].Any(t => t >= lo && t < hi);
                });
                if (observed)
                {
                    cohort.Retained[j].Should().Be(retained, $"cohort {cohort.Cohort} column {j}");
                    cohort.Rate[j].Should().Be((double)retained / members.Count);
                    cohort.Intervals[j]!.Value.Contains(cohort.Rate[j]!.Value).Should().BeTrue();
                }
                else
                {
                    cohort.Retained[j].Should().BeNull($"cohort {cohort.Cohort} column {j} is not fully observed");
                    cohort.Rate[j].Should().BeNull();
                    cohort.Intervals[j].Should().BeNull();
                }
            }
        }

        for (var j = 0; j < columns.Length; j++)
        {
            var observedCohorts = matrix.Cohorts.Where(c => c.Retained[j] is not null).ToList();
            var average = matrix.Average[j];
            average.Learners.Should().Be(observedCohorts.Sum(c => c.Size));
            average.Rate.Should().Be(observedCohorts.Count == 0 ? null : (double)observedCohorts.Sum(c => c.Retained[j]!.Value) / observedCohorts.Sum(c => c.Size));
        }
    }

    [Fact]
    public void Compute_SmallCase_WrittenOut()
    {
        // Window 2026-03-02 (Mon) .. 2026-03-15 (Sun): two full weeks. A signs up 03-02 and is active on 03-03 and 03-10;
        // B signs up 03-04 and is active on 03-04 only; C signed up before the window and is left out.
        var day = (int d) => new DateOnly(2026, 3, d).DayNumber * TimeSpan.TicksPerDay + TimeSpan.TicksPerHour * 12;
        var learners = new LearnerAttributes([new(1), new(2), new(3)], [new(2026, 3, 2), new(2026, 3, 4), new(2026, 2, 1)], []);
        var log = ActivityLog.FromUnsorted(3, [0, 0, 1, 2], [day(3), day(10), day(4), day(5)], new LearnerEventKind[4], new float[4]);
        var m = new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, new RetentionDefinition
        {
            CohortBy = CohortGrouping.SignupWeek, Period = RetentionPeriod.Week, Periods = 3,
            Window = new ObservationWindow(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 15)),
        });
        m.LearnersOutsideWindow.Should().Be(1);
        var cohort = m.Cohorts.Should().ContainSingle().Subject;
        cohort.Cohort.Should().Be("2026-03-02");
        cohort.Size.Should().Be(2);
        // Week 0: both active. Week 1 ends on 03-16 for A but 03-18 for B: not fully observed for B, so null. Week 2: null.
        cohort.Retained.Should().Equal(2, null, null);
        cohort.Rate.Should().Equal(1.0, null, null);
        m.Average[0].Rate.Should().Be(1);
        m.Average[1].Rate.Should().BeNull();
        m.Average[1].Interval.Should().BeNull();
    }

    [Fact]
    public void Compute_LearnerObservedThrough_NullsTheirLaterPeriodsAndLeavesThemOutOfTheAverage()
    {
        // Window 2026-03-02 (Mon) .. 2026-03-22: three full weeks. All three sign up 03-02. A ("short") is observed only
        // through 03-08 and is active 03-03 and 03-10 (after their end: ignored); B and C ("long") are observed to the
        // window's end, B active 03-03 and 03-10, C active 03-03 only.
        var day = (int d) => new DateOnly(2026, 3, d).DayNumber * TimeSpan.TicksPerDay + TimeSpan.TicksPerHour * 12;
        var signup = new DateOnly(2026, 3, 2);
        var learners = new LearnerAttributes([new(1), new(2), new(3)], [signup, signup, signup], [CategoricalColumn.Encode("course", ["short", "long", "long"])]);
        var log = ActivityLog.FromUnsorted(3, [0, 0, 1, 1, 2], [day(3), day(10), day(3), day(10), day(3)], new LearnerEventKind[5], new float[5]);
        var windowEnd = new DateOnly(2026, 3, 22);
        var definition = new RetentionDefinition
        {
            CohortBy = CohortGrouping.Attribute, Attribute = "course", Period = RetentionPeriod.Week, Periods = 3,
            Window = new ObservationWindow(signup, windowEnd),
            LearnerObservedThrough = [new DateOnly(2026, 3, 8), windowEnd, windowEnd],
        };
        var m = new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, definition);
        m.Cohorts.Single(c => c.Cohort == "short").Retained.Should().Equal(1, null, null);
        m.Cohorts.Single(c => c.Cohort == "long").Retained.Should().Equal(2, 1, 0);
        m.Average.Select(a => a.Rate).Should().Equal(1.0, 0.5, 0.0);
        m.Average.Select(a => a.Learners).Should().Equal(3, 2, 2);
        var unbounded = new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, definition with { Kind = RetentionKind.Unbounded });
        unbounded.Cohorts.Single(c => c.Cohort == "short").Retained.Should().Equal(1, null, null);
        var wrong = () => new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, definition with { LearnerObservedThrough = [windowEnd] });
        wrong.Should().Throw<ArgumentException>().WithMessage("LearnerObservedThrough has 1 days but there are 3 learners*");
    }

    [Fact]
    public void Compute_DefaultWindow_IsFirstToLastEventDay()
    {
        var (learners, log, events) = Simulate(seed: 5, count: 50);
        var m = new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, new RetentionDefinition());
        var all = events.SelectMany(e => e).ToList();
        m.Window.Start.Should().Be(DateOnly.FromDayNumber((int)(all.Min() / TimeSpan.TicksPerDay)));
        m.Window.End.Should().Be(DateOnly.FromDayNumber((int)(all.Max() / TimeSpan.TicksPerDay)));
    }

    [Fact]
    public void Compute_SameResult_OnOneThreadOrTwo()
    {
        var (learners, log, _) = Simulate(seed: 11, count: 9000);
        var definition = new RetentionDefinition { Period = RetentionPeriod.Day, Periods = 30, Window = new ObservationWindow(WindowStart, WindowEnd) };
        var one = new RetentionAnalyzer(new RetentionOptions { MaxDegreeOfParallelism = 1 }).Compute(learners, log, definition);
        var two = new RetentionAnalyzer(new RetentionOptions { MaxDegreeOfParallelism = 2 }).Compute(learners, log, definition);
        two.Cohorts.Should().BeEquivalentTo(one.Cohorts, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Compute_EventBeforeSignup_NamesTheLearnerAndTheColumn()
    {
        var learners = new LearnerAttributes([new(7), new(42)], [new(2026, 3, 2), new(2026, 3, 4)], []);
        var log = ActivityLog.FromUnsorted(2, [0, 1], [new DateOnly(2026, 3, 2).DayNumber * TimeSpan.TicksPerDay, new DateOnly(2026, 3, 3).DayNumber * TimeSpan.TicksPerDay], new LearnerEventKind[2], new float[2]);
        var act = () => new RetentionAnalyzer(new RetentionOptions()).Compute(learners, log, new RetentionDefinition());
        act.Should().Throw<ArgumentException>().WithMessage("Column 'timestamp', learner_id 42: an event at 2026-03-03T00:00:00Z is before the learner's signup_date 2026-03-04*");
    }

    [Fact]
    public void Compute_InvalidDefinition_Throws()
    {
        var (learners, log, _) = Simulate(seed: 1, count: 20);
        var analyzer = new RetentionAnalyzer(new RetentionOptions());
        var periods = () => analyzer.Compute(learners, log, new RetentionDefinition { Periods = 0 });
        periods.Should().Throw<ArgumentException>().WithMessage("Periods is 0*");
        var bracket = () => analyzer.Compute(learners, log, new RetentionDefinition { Kind = RetentionKind.Bracket, Brackets = [new(3, 1)] });
        bracket.Should().Throw<ArgumentException>().WithMessage("Bracket [3, 1]*");
        var none = () => analyzer.Compute(learners, log, new RetentionDefinition { Kind = RetentionKind.Bracket });
        none.Should().Throw<ArgumentException>().WithMessage("*at least one bracket*");
        var attribute = () => analyzer.Compute(learners, log, new RetentionDefinition { CohortBy = CohortGrouping.Attribute, Attribute = "region" });
        attribute.Should().Throw<ArgumentException>().WithMessage("No attribute 'region'*plan*");
        var window = () => analyzer.Compute(learners, log, new RetentionDefinition { Window = new ObservationWindow(WindowEnd, WindowStart) });
        window.Should().Throw<ArgumentException>().WithMessage("*ends*before it starts*");
        var sizes = () => analyzer.Compute(learners, ActivityLog.FromUnsorted(3, [], [], [], []), new RetentionDefinition());
        sizes.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("log");
        var empty = () => analyzer.Compute(learners, ActivityLog.FromUnsorted(20, [], [], [], []), new RetentionDefinition());
        empty.Should().Throw<ArgumentException>().WithMessage("The log has no events*");
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryFailure()
    {
        var act = () => new RetentionAnalyzer(new RetentionOptions { ConfidenceLevel = 0, MaxDegreeOfParallelism = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ConfidenceLevel*MaxDegreeOfParallelism*").Which.ParamName.Should().Be("ConfidenceLevel");
    }
}
