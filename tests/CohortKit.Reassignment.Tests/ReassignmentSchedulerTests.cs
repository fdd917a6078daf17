using CohortKit.Features;
using CohortKit.Similarity.Cohorts;
using CohortKit.Temporal.Scheduling;

namespace CohortKit.Reassignment.Tests;

/// <summary>The scheduler with Similarity's former behind it, on simulated drift where the right cadence is known.</summary>
public class ReassignmentSchedulerTests
{
    private const int Rows = 240;
    private const int Dimensions = 6;

    private static readonly SimilarityCohortReformer Reformer = new(new CohortFormer(new CohortFormationOptions { MinSize = 20, MaxSize = 40, Seed = 1, MaxDegreeOfParallelism = 1 }));

    // Eight latent groups (centres N(0, 3²) per feature), members at their centre + N(0, 1).
    private static float[] Population(Random rng)
    {
        var centres = Enumerable.Range(0, 8 * Dimensions).Select(_ => 3 * Gaussian(rng)).ToArray();
        var data = new float[Rows * Dimensions];
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < Dimensions; j++) { data[i * Dimensions + j] = (float)(centres[(i % 8) * Dimensions + j] + Gaussian(rng)); }
        }

        return data;
    }

    private static FeatureMatrix[] History(double drift, int weeks, int seed)
    {
        var rng = new Random(seed);
        var data = Population(rng);
        var history = new FeatureMatrix[weeks];
        for (var w = 0; w < weeks; w++)
        {
            if (w > 0)
            {
                data = data.ToArray();
                for (var i = 0; i < data.Length; i++) { data[i] += (float)(drift * Gaussian(rng)); }
            }

            history[w] = new FeatureMatrix(data, Rows, Dimensions);
        }

        return history;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Schedule_FastDrift_ChoosesWeekly_ForEveryCohort()
    {
        // Weekly steps of N(0, 3²) per feature against a within-group spread of 1: a week scatters the groups.
        var history = History(drift: 3, weeks: 4, seed: 1);
        var scheduler = new ReassignmentScheduler(new ReassignmentOptions(), Reformer);
        var schedule = scheduler.Schedule(history, Reformer.Form(history[^1]));
        schedule.Cohorts.Should().NotBeEmpty();
        foreach (var c in schedule.Cohorts)
        {
            c.DriftPerWeek.Should().BeApproximately(3, 0.3, "the drift is measured from the history's weekly changes");
            c.Cadence.Should().Be(ReformationCadence.Weekly, c.Reason);
            c.Reason.Should().StartWith("Features drift").And.Contain("weekly gains");
            c.Estimates.Select(e => e.Cadence).Should().Equal(ReformationCadence.Weekly, ReformationCadence.Monthly, ReformationCadence.Quarterly);
            c.Estimates[0].MeanSimilarity.Should().BeGreaterThan(c.Estimates[2].MeanSimilarity);
        }
    }

    [Fact]
    public void Schedule_NoDrift_ChoosesQuarterly_ForEveryCohort()
    {
        var history = History(drift: 0, weeks: 4, seed: 2);
        var scheduler = new ReassignmentScheduler(new ReassignmentOptions(), Reformer);
        var schedule = scheduler.Schedule(history, Reformer.Form(history[^1]));
        foreach (var c in schedule.Cohorts)
        {
            c.DriftPerWeek.Should().Be(0);
            c.Cadence.Should().Be(ReformationCadence.Quarterly, c.Reason);
            c.Estimates.Should().OnlyContain(e => e.MovesPerMemberWeek == 0, "the same features re-form into the same cohorts");
            c.Reason.Should().Contain("does not gain more than 0.005 a member-week and 2 standard errors");
        }
    }

    [Fact]
    public void Schedule_SameSeed_SameSchedule()
    {
        var history = History(drift: 0.5, weeks: 3, seed: 3);
        var cohorts = Reformer.Form(history[^1]);
        var options = new ReassignmentOptions { HorizonWeeks = 13, Simulations = 3 };
        var a = new ReassignmentScheduler(options, Reformer).Schedule(history, cohorts);
        var b = new ReassignmentScheduler(options, Reformer).Schedule(history, cohorts);
        a.Cohorts.Select(c => (c.Cadence, c.Estimates[0].Value, c.Estimates[2].Value)).Should().Equal(b.Cohorts.Select(c => (c.Cadence, c.Estimates[0].Value, c.Estimates[2].Value)));
    }
}
