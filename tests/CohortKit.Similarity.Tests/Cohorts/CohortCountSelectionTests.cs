using CohortKit.Features;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Similarity.Tests.Cohorts;

/// <summary>Issue 8 §1: choosing the number of cohorts from the data must not do worse than the fixed count on data
/// without planted groups. The fixed count is run through <see cref="CohortFormationOptions.TargetSize"/> = 22, which gives
/// slightly more cohorts than the former fixed n / 22.5 and so a slightly stronger baseline.</summary>
public class CohortCountSelectionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Data() => ["simulator", "uniform"];

    [Theory]
    [MemberData(nameof(Data))]
    public void DataDrivenCount_IsNoWorseThanTheFixedCount(string data)
    {
        FeatureMatrix features;
        if (data == "simulator")
        {
            var p = new PlatformSimulator(new SimulationOptions { Learners = 6_000, Days = 60, Seed = 12 }).Generate();
            features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        }
        else
        {
            var rng = new Random(13);
            features = new FeatureMatrix(6_000, 16);
            var s = features.AsSpan();
            for (var i = 0; i < s.Length; i++) { s[i] = (float)(rng.NextDouble() * 2 - 1); }
        }

        var chosen = new CohortFormer(new CohortFormationOptions { Seed = 3 }).Form(features);
        var fixedCount = new CohortFormer(new CohortFormationOptions { Seed = 3, TargetSize = 22 }).Form(features);
        var ours = PartitionMeasures.MeanIntraCosine(features, chosen.CohortOf.ToArray());
        var baseline = PartitionMeasures.MeanIntraCosine(features, fixedCount.CohortOf.ToArray());
        output.WriteLine($"{data}: chosen {chosen.CohortCount} cohorts, intra {ours:F4} (pairs {PartitionMeasures.MeanPairCosine(features, chosen.CohortOf.ToArray()):F4}); fixed {fixedCount.CohortCount}, intra {baseline:F4}");
        chosen.Sizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        ours.Should().BeGreaterThanOrEqualTo(baseline);
    }

    [Fact]
    public void TargetSize_OutsideTheBounds_Throws()
    {
        var act = () => new CohortFormer(new CohortFormationOptions { TargetSize = 40 });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("TargetSize");
    }
}
