using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Temporal.Tracking;

namespace CohortKit.Temporal.Tests.Tracking;

/// <summary>The tracker: append-only snapshots, migration flows against a direct count, drift against planted ground truth.</summary>
public class CohortTrackerTests
{
    private static readonly DateOnly Week1 = new(2026, 3, 2);
    private static readonly DateOnly Week2 = new(2026, 3, 9);
    private static readonly DateOnly Week3 = new(2026, 3, 16);
    private static readonly string[] Regions = ["north", "south", "east"];

    private static CohortTracker NewTracker() => new(new CohortTrackerOptions());

    private static CategoricalColumn Column(string name, IEnumerable<string> values) => CategoricalColumn.Encode(name, values);

    [Fact]
    public void Flows_EqualADirectCount_OnSimulatedMembership()
    {
        // 5,000 learners: 80 % present in week 1; of those 85 % stay on, a fifth of them moving cohort; newcomers join week 2.
        var rng = new Random(11);
        string[] cohorts = ["a", "b", "c", "d"];
        var week1 = new Dictionary<long, string>();
        var week2 = new Dictionary<long, string>();
        for (long id = 0; id < 5_000; id++)
        {
            var before = rng.NextDouble() < 0.8 ? cohorts[rng.Next(cohorts.Length)] : null;
            string? after = before is null
                ? (rng.NextDouble() < 0.5 ? cohorts[rng.Next(3)] : null)
                : rng.NextDouble() < 0.85 ? (rng.NextDouble() < 0.2 ? cohorts[rng.Next(cohorts.Length)] : before) : null;
            if (before is not null) { week1[id] = before; }
            if (after is not null) { week2[id] = after; }
        }

        var tracker = NewTracker();
        // Rows in a shuffled order, so that the count cannot lean on the learners being sorted.
        Append(tracker, Week1, week1.OrderBy(_ => rng.Next()).ToList());
        Append(tracker, Week2, week2.OrderBy(_ => rng.Next()).ToList());

        var flows = tracker.Flows(Week1, Week2);

        var direct = week1.Keys.Union(week2.Keys)
            .GroupBy(id => (From: week1.GetValueOrDefault(id), To: week2.GetValueOrDefault(id)))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        flows.Flows.ToDictionary(f => (From: f.Source, To: f.Target), f => f.Count).Should().BeEquivalentTo(direct);
        foreach (var f in flows.Flows)
        {
            f.Kind.Should().Be(f.Source is null ? MigrationKind.Entered : f.Target is null ? MigrationKind.Left : f.Source == f.Target ? MigrationKind.Stayed : MigrationKind.Moved);
        }

        flows.Total(MigrationKind.Entered).Should().Be(week2.Keys.Count(id => !week1.ContainsKey(id)));
        flows.Total(MigrationKind.Left).Should().Be(week1.Keys.Count(id => !week2.ContainsKey(id)));
        flows.Total(MigrationKind.Stayed).Should().Be(week1.Count(kv => week2.TryGetValue(kv.Key, out var c) && c == kv.Value));
        flows.From.Should().Be(Week1);
        flows.To.Should().Be(Week2);
    }

    [Fact]
    public void Flows_MatchCohortsByName_WhenTheCodesDiffer()
    {
        var tracker = NewTracker();
        tracker.Append(Week1, [new(1), new(2), new(3)], Column("cohort", ["x", "y", "y"]));
        tracker.Append(Week2, [new(3), new(2), new(1)], Column("cohort", ["y", "x", "x"]));   // codes: y = 0, x = 1
        var flows = tracker.Flows(Week1, Week2).Flows;
        flows.Should().BeEquivalentTo(new[]
        {
            new MigrationFlow { Source = "x", Target = "x", Kind = MigrationKind.Stayed, Count = 1 },
            new MigrationFlow { Source = "y", Target = "y", Kind = MigrationKind.Stayed, Count = 1 },
            new MigrationFlow { Source = "y", Target = "x", Kind = MigrationKind.Moved, Count = 1 },
        });
    }

    [Fact]
    public void Append_AnOlderPeriodOrADuplicate_Throws_AndAppendsNothing()
    {
        var tracker = NewTracker();
        tracker.Append(Week2, [new(1)], Column("cohort", ["a"]));
        var duplicate = () => tracker.Append(Week2, [new(1)], Column("cohort", ["b"]));
        duplicate.Should().Throw<ArgumentException>().WithMessage("Period 2026-03-09 is not after the last appended period 2026-03-09*").Which.ParamName.Should().Be("period");
        var older = () => tracker.Append(Week1, [new(1)], Column("cohort", ["b"]));
        older.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("period");
        tracker.Snapshots.Should().ContainSingle().Which.Cohort[0].Should().Be("a");
    }

    [Fact]
    public void Append_CopiesItsInput_SoAnAppendedSnapshotNeverChanges()
    {
        var tracker = NewTracker();
        LearnerId[] learners = [new(1), new(2)];
        var codes = new[] { 0, 1 };
        var values = new[] { 3.0, 5.0 };
        var snapshot = tracker.Append(Week1, learners, new CategoricalColumn("cohort", ["a", "b"], codes), metrics: [new MetricColumn("minutes", values)]);
        learners[0] = new(99);
        codes[0] = 1;
        values[0] = 100;
        var stored = tracker.At(Week1);
        stored.Should().BeSameAs(snapshot);
        stored.Learners[0].Should().Be(new LearnerId(1));
        stored.Cohort[0].Should().Be("a");
        stored.Metrics[0].Values.Span[0].Should().Be(3);
        stored.Cohorts.Select(c => (c.Cohort, c.Size, c.Metrics["minutes"].Mean)).Should().Equal(("a", 1, 3.0), ("b", 1, 5.0));
        (stored.Learners as IList<LearnerId>)!.IsReadOnly.Should().BeTrue();
    }

    [Fact]
    public void Append_BadColumns_ThrowNamingTheProblem_AndAppendNothing()
    {
        var tracker = NewTracker();
        tracker.Append(Week1, [new(1), new(2)], Column("cohort", ["a", "a"]), [Column("region", ["n", "s"])], [new MetricColumn("m", new[] { 1.0, 2 })]);
        var cases = new (Action Act, string Parameter, string Message)[]
        {
            (() => tracker.Append(Week2, [new(1), new(1)], Column("cohort", ["a", "a"])), "learners", "Learner 1 appears twice (row 1)*"),
            (() => tracker.Append(Week2, [], Column("cohort", Array.Empty<string>())), "learners", "*has no learners*"),
            (() => tracker.Append(Week2, [new(1), new(2)], Column("cohort", ["a"])), "cohort", "Column 'cohort' has 1 rows but there are 2 learners*"),
            (() => tracker.Append(Week2, [new(1), new(2)], Column("cohort", ["a", "a"]), [Column("region", ["n", "s"])], [new MetricColumn("m", new[] { 1.0, double.NaN })]), "metrics", "Metric 'm' has NaN at unit 1*"),
            (() => tracker.Append(Week2, [new(1), new(2)], Column("cohort", ["a", "a"]), [Column("device", ["n", "s"])], [new MetricColumn("m", new[] { 1.0, 2 })]), "attributes", "The columns are [device] but every snapshot must have those of the first: [region]*"),
            (() => tracker.Append(Week2, [new(1), new(2)], Column("cohort", ["a", "a"]), [Column("region", ["n", "s"]), Column("region", ["n", "s"])]), "attributes", "Two columns are named 'region'*"),
        };
        foreach (var (act, parameter, message) in cases)
        {
            act.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be(parameter);
        }

        tracker.Snapshots.Should().ContainSingle();
    }

    [Fact]
    public void FlowsAndDrift_UnknownOrReversedPeriods_Throw()
    {
        var tracker = NewTracker();
        tracker.Append(Week1, [new(1)], Column("cohort", ["a"]));
        tracker.Append(Week2, [new(1)], Column("cohort", ["a"]));
        tracker.Invoking(t => t.Flows(Week1, Week3)).Should().Throw<ArgumentException>().WithMessage("No snapshot was appended for 2026-03-16 (appended: 2026-03-02, 2026-03-09)*").Which.ParamName.Should().Be("to");
        tracker.Invoking(t => t.Drift(Week2, Week1)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("to");
    }

    [Fact]
    public void Drift_FlagsAPlantedCompositionShift_AndItsTestHoldsItsLevelUnderTheNull()
    {
        // Ground truth: cohort "shifted" moves from regions (0.5, 0.3, 0.2) to (0.3, 0.3, 0.4); cohort "steady" keeps
        // (0.5, 0.3, 0.2). Each replicate draws fresh members for both periods, so the chi-square null holds exactly for "steady".
        const int replicates = 400;
        var rng = new Random(5);
        int flaggedShift = 0, rejectedNull = 0, flaggedNull = 0;
        for (var rep = 0; rep < replicates; rep++)
        {
            var tracker = NewTracker();
            for (var period = 0; period < 2; period++)
            {
                var cohort = new List<string>();
                var region = new List<string>();
                for (var i = 0; i < 600; i++)
                {
                    var shifted = i < 300;
                    cohort.Add(shifted ? "shifted" : "steady");
                    region.Add(Draw(rng, shifted && period == 1 ? [0.3, 0.3, 0.4] : [0.5, 0.3, 0.2]));
                }

                tracker.Append(period == 0 ? Week1 : Week2, Enumerable.Range(0, 600).Select(i => new LearnerId(rep * 10_000L + period * 1_000 + i)).ToArray(),
                    Column("cohort", cohort), [Column("region", region)]);
            }

            var drift = tracker.Drift(Week1, Week2).ToDictionary(d => d.Cohort);
            flaggedShift += drift["shifted"].Flagged ? 1 : 0;
            var steady = drift["steady"].Composition.Single();
            rejectedNull += steady.Test!.PValue < 0.05 ? 1 : 0;
            flaggedNull += steady.Flagged ? 1 : 0;
            steady.Test.DegreesOfFreedom.Should().Be(2);
        }

        // Power: the shift has PSI ≈ 0.29 and chi-square ≈ 26 on 300 + 300 members; a miss is rarer than 1 in 10,000.
        flaggedShift.Should().Be(replicates);
        // Level: 400 null replicates at alpha 0.05 give a rejection count in [6, 34] with 99.9 % binomial probability.
        rejectedNull.Should().BeInRange(6, 34);
        flaggedNull.Should().BeLessThanOrEqualTo(rejectedNull);
    }

    [Fact]
    public void Drift_CompositionMatchesAHandCount_AndMetricDriftComesFromMeasurementDrift()
    {
        var tracker = NewTracker();
        // Cohort a: regions n, n, s, e then n, s, s, s; a cohort b with one member has no metric test.
        tracker.Append(Week1, [new(1), new(2), new(3), new(4), new(5)], Column("cohort", ["a", "a", "a", "a", "b"]),
            [Column("region", ["n", "n", "s", "e", "n"])], [new MetricColumn("m", new[] { 1.0, 2, 3, 4, 9 })]);
        tracker.Append(Week2, [new(1), new(2), new(3), new(4), new(5)], Column("cohort", ["a", "a", "a", "a", "b"]),
            [Column("region", ["n", "s", "s", "s", "w"])], [new MetricColumn("m", new[] { 2.0, 4, 6, 8, 9 })]);
        var drift = tracker.Drift(Week1, Week2);
        drift.Select(d => d.Cohort).Should().Equal("a", "b");
        var a = drift[0].Composition.Single();
        a.Categories.Should().Equal("n", "s", "e");
        a.BeforeShares.Should().Equal(0.5, 0.25, 0.25);
        a.AfterShares.Should().Equal(0.25, 0.75, 0);
        // Pearson chi-square of [[2, 1, 1], [1, 3, 0]] written out: expected [[1.5, 2, 0.5], [1.5, 2, 0.5]].
        var chi2 = 2 * (0.25 / 1.5) + 2 * (1 / 2.0) + 2 * (0.25 / 0.5);
        a.Test!.ChiSquare.Should().BeApproximately(chi2, 1e-12);
        a.Test.DegreesOfFreedom.Should().Be(2);
        var psi = (0.25 - 0.5) * Math.Log(0.25 / 0.5) + (0.75 - 0.25) * Math.Log(0.75 / 0.25) + (1e-4 - 0.25) * Math.Log(1e-4 / 0.25);
        a.PopulationStabilityIndex.Should().BeApproximately(psi, 1e-12);
        var metric = drift[0].Metrics.Single();
        metric.BeforeMean.Should().Be(2.5);
        metric.AfterMean.Should().Be(5);
        metric.RelativeChange.Should().BeApproximately(1, 1e-12);
        drift[1].Metrics.Should().BeEmpty();
        drift[1].Composition.Single().Test.Should().NotBeNull();   // n then w: two categories seen
    }

    [Fact]
    public void Drift_FlagsAPlantedMetricShiftInOneCohort_NotInTheOther()
    {
        var rng = new Random(3);
        var tracker = NewTracker();
        for (var period = 0; period < 2; period++)
        {
            var n = 4_000;
            var cohort = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? "moved" : "still").ToArray();
            var minutes = Enumerable.Range(0, n).Select(i => Normal(rng, i % 2 == 0 && period == 1 ? 33 : 30, 6)).ToArray();
            tracker.Append(period == 0 ? Week1 : Week2, Enumerable.Range(0, n).Select(i => new LearnerId(i)).ToArray(), Column("cohort", cohort), metrics: [new MetricColumn("minutes", minutes)]);
        }

        var drift = tracker.Drift(Week1, Week2).ToDictionary(d => d.Cohort);
        drift["moved"].Metrics.Single().Flagged.Should().BeTrue();
        drift["moved"].Metrics.Single().RelativeChange.Should().BeApproximately(0.1, 0.02);
        drift["still"].Metrics.Single().RelativeChange.Should().BeApproximately(0, 0.02);
        drift["still"].Metrics.Single().PValue.Should().BeGreaterThan(0.001);
    }

    private static void Append(CohortTracker tracker, DateOnly period, List<KeyValuePair<long, string>> rows)
        => tracker.Append(period, rows.Select(r => new LearnerId(r.Key)).ToArray(), Column("cohort", rows.Select(r => r.Value)));

    private static string Draw(Random rng, double[] shares)
    {
        var u = rng.NextDouble();
        for (var k = 0; k < shares.Length - 1; k++)
        {
            if (u < shares[k]) { return Regions[k]; }
            u -= shares[k];
        }

        return Regions[^1];
    }

    private static double Normal(Random rng, double mean, double sd)
        => mean + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
