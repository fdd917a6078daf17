using CohortKit.Experiments.Hypothesis;
using CohortKit.Events;
using CohortKit.Experiments.Sequential;
using CohortKit.Metrics;
using CohortKit.Simulation;
using CohortKit.Simulation.Experiments;
using MathNet.Numerics.Distributions;

namespace CohortKit.Experiments.Tests.Statistical;

/// <summary>Statistical claims checked on simulated platforms with known truth and fixed seeds.</summary>
public class StatisticalPropertyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Experiments = 2_000;

    private static int BinomialQuantile(double p, int n, double q) => Enumerable.Range(0, n + 1).First(x => Binomial.CDF(p, n, x) >= q);

    [Fact]
    public void ConfidenceIntervals_CoverAKnownTrueEffect_In95Percent()
    {
        const double trueEffect = 0.10;
        var covered = 0;
        var sync = new object();
        Parallel.For(0, Experiments, new ParallelOptions { MaxDegreeOfParallelism = 2 }, e =>
        {
            var p = new PlatformSimulator(new SimulationOptions
            {
                Learners = 1_000, Days = 14, Seed = 10_000 + e, MaxDegreeOfParallelism = 1,
                Experiment = new ExperimentDesign { Effects = [new("treatment", SimulatedMetric.Minutes, trueEffect)] },
            }).Generate();
            var arms = new[] { new List<double>(), new List<double>() };
            for (var i = 0; i < p.Learners.Count; i++)
            {
                var events = p.Activity.ForLearner(i);
                var learner = MetricSummary.Empty;
                for (var j = 0; j < events.Count; j++) { if (events.Kinds[j] == LearnerEventKind.Session) { learner = learner.Add(events.Values[j]); } }
                if (learner.Count > 0) { arms[p.Truth.Arm[i]].Add(learner.Mean); }
            }

            var r = WelchTTest.Compute(arms[0].ToArray(), arms[1].ToArray());
            if (r.RelativeInterval is { } ci && ci.Contains(trueEffect))
            {
                lock (sync) { covered++; }
            }
        });

        output.WriteLine($"coverage: {covered} of {Experiments} 95% intervals covered the true effect");
        ((double)covered / Experiments).Should().BeInRange(0.935, 0.965, $"{covered} of {Experiments} intervals covered the true +10%");
    }

    [Fact]
    public void DailyPeeking_InflatesFixedHorizonErrors_ButNotTheSequentialTest()
    {
        // 2,000 simulated A/A experiments; learners arrive over 30 days and their metric is the session minutes of their
        // signup day. Each day the readout is looked at: a fixed-horizon Welch test and the mixture SPRT.
        const int days = 30;
        int welchAny = 0, sequentialAny = 0, welchFinal = 0;
        var sync = new object();
        Parallel.For(0, Experiments, new ParallelOptions { MaxDegreeOfParallelism = 2 }, e =>
        {
            var p = new PlatformSimulator(new SimulationOptions
            {
                Learners = 600, Days = days, Seed = 50_000 + e, NewLearnerShare = 1, MaxDegreeOfParallelism = 1, Experiment = ExperimentDesign.AA(),
            }).Generate();
            var start = p.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
            var country = p.Learners["country"];
            var byDay = Enumerable.Range(0, days).Select(_ => new List<(int Arm, double Minutes)>()).ToArray();
            for (var i = 0; i < p.Learners.Count; i++)
            {
                var signup = p.Truth.SignupDay[i];
                var offset = CohortKit.Simulation.Model.PlatformModel.Countries.Single(c => c.Code == country[i]).UtcOffsetMinutes * TimeSpan.TicksPerMinute;
                var events = p.Activity.ForLearner(i);
                double minutes = 0;
                for (var j = 0; j < events.Count; j++)
                {
                    var day = (int)Math.Floor((events.Timestamps[j] + offset - start) / (double)TimeSpan.TicksPerDay); // the learner's local day
                    if (day == signup && events.Kinds[j] == LearnerEventKind.Session) { minutes += events.Values[j]; }
                }

                byDay[signup].Add((p.Truth.Arm[i], minutes));
            }

            var arms = new[] { MetricSummary.Empty, MetricSummary.Empty };
            var sequential = new MixtureSequentialTest(0.05, tuningUnitsPerArm: 300);
            bool welchRejected = false, sequentialRejected = false, final = false;
            for (var d = 0; d < days; d++)
            {
                foreach (var (arm, minutes) in byDay[d]) { arms[arm] = arms[arm].Add(minutes); }
                if (arms[0].Count < 10 || arms[1].Count < 10 || arms[0].Variance + arms[1].Variance == 0) { continue; }
                var welch = WelchTTest.Compute(arms[0], arms[1]);
                final = welch.PValue < 0.05;
                welchRejected |= final;
                sequentialRejected |= sequential.Update(arms[0], arms[1]).Reject;
            }

            lock (sync)
            {
                welchAny += welchRejected ? 1 : 0;
                sequentialAny += sequentialRejected ? 1 : 0;
                welchFinal += final ? 1 : 0;
            }
        });

        output.WriteLine($"A/A experiments rejected: fixed-horizon final look {welchFinal}, fixed-horizon peeked daily {welchAny}, mSPRT peeked daily {sequentialAny} (of {Experiments})");
        var upper = BinomialQuantile(0.05, Experiments, 0.9995);
        var lower = BinomialQuantile(0.05, Experiments, 0.0005);
        welchFinal.Should().BeInRange(lower, upper, "a single fixed-horizon look keeps alpha (2,000 A/A tests)");
        welchAny.Should().BeGreaterThan(upper, $"peeking daily at a fixed-horizon test inflates errors ({welchAny} of {Experiments})");
        sequentialAny.Should().BeLessThanOrEqualTo(upper, $"the always-valid test keeps alpha under daily peeking ({sequentialAny} of {Experiments})");
        ((double)sequentialAny / Experiments).Should().BeLessThanOrEqualTo(0.05);
    }
}
