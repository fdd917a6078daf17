using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Tests.Features;

[Collection(SharedSimulatedFeatures.Name)]
public class LearnerFeatureBuilderTests(SimulatedFeatures data)
{
    [Fact]
    public void FeatureBuilder_Gives64NamedStandardisedFeaturesForTheSimulator()
    {
        data.Features.Dimensions.Should().Be(64);
        data.Features.FeatureNames.Should().Contain(["hour_07", "dow_sun", "week_13_active", "mean_score", "domain_programming", "region_EU"]);
        var means = new double[64];
        data.Features.ColumnMeans(means);
        means.Should().OnlyContain(m => Math.Abs(m) < 1e-3);
    }

    [Fact]
    public void FeatureBuilder_PlacesPlantedPersonasCloserTogether()
    {
        // Mean cosine within a persona exceeds the mean cosine across personas (sampled pairs).
        var m = data.Features;
        var persona = data.Platform.Truth.Persona;
        var rng = new Random(1);
        double within = 0, across = 0;
        int nw = 0, na = 0;
        for (var i = 0; i < 20_000; i++)
        {
            int a = rng.Next(m.Rows), b = rng.Next(m.Rows);
            var c = SimilarityKernels.Cosine(m.Row(a), m.Row(b));
            if (persona[a] == persona[b]) { within += c; nw++; } else { across += c; na++; }
        }

        (within / nw).Should().BeGreaterThan(across / na + 0.1);
    }
}
