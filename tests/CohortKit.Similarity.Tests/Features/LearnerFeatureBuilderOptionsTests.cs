using CohortKit.Features;
using CohortKit.Hosting;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Hosting;
using CohortKit.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Tests.Features;

/// <summary>Issue 16: group weights are reached through options; a negative weight throws instead of silently producing NaN.</summary>
public class LearnerFeatureBuilderOptionsTests
{
    private static readonly SimulatedPlatform Platform = new PlatformSimulator(new SimulationOptions { Learners = 400, Days = 28, Seed = 5 }).Generate();

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void BadGroupWeight_Throws_NamingTheWeight(double weight)
    {
        var options = new LearnerFeatureBuilderOptions { Weights = new FeatureGroupWeights { Trajectory = weight } };
        ((Func<LearnerFeatureBuilder>)(() => new LearnerFeatureBuilder(options)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Weights.Trajectory");
    }

    [Fact]
    public void BadGroupWeights_ThroughDI_ListEveryFailure()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimilarity();
        services.Configure<LearnerFeatureBuilderOptions>(o =>
        {
            o.MaxDegreeOfParallelism = 0;
            o.Weights.TimeOfDay = -2;
            o.Weights.Profile = -0.5;
        });
        using var sp = services.BuildServiceProvider();
        ((Func<LearnerFeatureBuilder>)(() => sp.GetRequiredService<LearnerFeatureBuilder>())).Should().Throw<OptionsValidationException>()
            .Which.Failures.Select(f => f[..f.IndexOf(':', StringComparison.Ordinal)]).Should().Equal("MaxDegreeOfParallelism", "Weights.TimeOfDay", "Weights.Profile");
    }

    [Fact]
    public void WeightFromOptions_ScalesItsGroupsTotalVariance()
    {
        // Each group is standardised, then scaled by √(weight / columns): its total variance is proportional to its weight.
        static double HourVariance(FeatureMatrix m)
        {
            double total = 0;
            for (var j = 0; j < 24; j++)
            {
                var column = Enumerable.Range(0, m.Rows).Select(r => (double)m.Row(r)[j]).ToArray();
                var mean = column.Average();
                total += column.Sum(x => (x - mean) * (x - mean));
            }

            return total;
        }

        var plain = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days);
        var heavy = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions { Weights = new FeatureGroupWeights { TimeOfDay = 4 } })
            .Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days);
        HourVariance(plain).Should().BeGreaterThan(0);
        (HourVariance(heavy) / HourVariance(plain)).Should().BeApproximately(4, 1e-4);
    }

    [Fact]
    public void Builder_KeepsTheWeightsItValidated()
    {
        var options = new LearnerFeatureBuilderOptions { Weights = new FeatureGroupWeights { Engagement = 2 } };
        var builder = new LearnerFeatureBuilder(options);
        options.Weights.Engagement = -1;
        builder.Weights.Engagement.Should().Be(2);
        builder.Options.Weights.Engagement = -1;
        builder.Weights.Engagement.Should().Be(2);
    }
}
