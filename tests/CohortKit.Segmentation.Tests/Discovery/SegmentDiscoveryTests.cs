using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Segmentation.Discovery;
using CohortKit.Testing;

namespace CohortKit.Segmentation.Tests.Discovery;

/// <summary>Discovery against scikit-learn (tests/reference/segmentation/blobs.json) and against the blobs' known labels.</summary>
public sealed class SegmentDiscoveryTests
{
    private static (FeatureMatrix Features, int[] Truth, System.Text.Json.JsonElement Expected) Blobs()
    {
        var r = SharedData.Reference("segmentation/blobs.json");
        var points = r.GetProperty("points").EnumerateArray().Select(p => p.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        var d = points[0].Length;
        var features = new FeatureMatrix([.. points.SelectMany(p => p)], points.Length, d);
        return (features, [.. r.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32())], r.GetProperty("expected"));
    }

    [Fact]
    public void SilhouetteScore_TrueLabels_MatchesScikitLearn()
    {
        var (features, truth, expected) = Blobs();
        var x = features.AsSpan().ToArray();
        var distances = Silhouette.Distances(x, features.Rows, features.Dimensions);
        Silhouette.Score(distances, features.Rows, truth, 4).Should().BeApproximately(expected.GetProperty("silhouetteOfTrueLabels").GetDouble(), 1e-6, "float distances");
    }

    [Fact]
    public void Discover_Auto_ChoosesTheTrueKAndRecoversTheBlobs_AtScikitLearnsInertia()
    {
        var (features, truth, expected) = Blobs();
        var result = new SegmentDiscovery(new DiscoveryOptions { Standardize = false, MaxK = 7 }).Discover(features);
        result.Selection.Should().Be(KSelection.Silhouette);
        result.K.Should().Be(4);
        result.Silhouettes.Select(s => s.K).Should().Equal(2, 3, 4, 5, 6, 7);
        result.Silhouettes.Single(s => s.K == 4).Score.Should().BeApproximately(expected.GetProperty("silhouetteByK").GetProperty("4").GetDouble(), 1e-4,
            "the sample is the whole data set here (600 < 2,000), so k = 4 finds sklearn's clustering");
        // Every discovered cluster is exactly one blob.
        var labels = result.Assignments.ToArray();
        Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).Should().OnlyContain(g => g.Select(i => truth[i]).Distinct().Count() == 1);
        result.Inertia.Should().BeApproximately(expected.GetProperty("kmeansInertia").GetDouble(), 1e-3 * expected.GetProperty("kmeansInertia").GetDouble());
        result.Clusters.Select(c => c.Size).Should().Equal(200, 160, 140, 100);
    }

    [Theory]
    [InlineData(42UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    public void Discover_HardBlobs_RestartsReachScikitLearnsInertia_AndTheTrueK(ulong seed)
    {
        // Five blobs, one column in other units (so standardisation matters). One k-means++ start merged two blobs and split
        // another at seeds 42 and 2 (inertia 1719.7 and 1712.4 against scikit-learn's 868.5) and chose k = 4 at seeds 3 and 4.
        var r = SharedData.Reference("segmentation/blobs_hard.json");
        var rows = r.GetProperty("rows").EnumerateArray().Select(p => p.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        var truth = r.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        var features = new FeatureMatrix([.. rows.SelectMany(p => p)], rows.Length, rows[0].Length);
        var result = new SegmentDiscovery(new DiscoveryOptions { Seed = seed }).Discover(features);
        result.K.Should().Be(5);
        var sklearn = r.GetProperty("expected").GetProperty("inertia").GetDouble();
        result.Inertia.Should().BeApproximately(sklearn, 1e-3 * sklearn);
        var labels = result.Assignments.ToArray();
        Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).Should().OnlyContain(g => g.Select(i => truth[i]).Distinct().Count() == 1);
    }

    [Fact]
    public void Discover_SameSeed_SameClusters_OnAnyNumberOfThreads()
    {
        var (features, _, _) = Blobs();
        var one = new SegmentDiscovery(new DiscoveryOptions { K = 5, MaxDegreeOfParallelism = 1 }).Discover(features);
        var two = new SegmentDiscovery(new DiscoveryOptions { K = 5, MaxDegreeOfParallelism = 2 }).Discover(features);
        one.Assignments.ToArray().Should().Equal(two.Assignments.ToArray());
        one.Inertia.Should().Be(two.Inertia);
        one.Selection.Should().Be(KSelection.Fixed);
        one.Silhouettes.Should().BeEmpty();
    }

    /// <summary>Blob 0 (200 learners) is 80 % "pro" (160), the other 400 learners 10 % "pro" (40): overall 200 / 600, so the lift
    /// of pro in that cluster is 0.8 / (1/3) = 2.4; the two-proportion z-test of 160/200 against 40/400 is far below α.</summary>
    [Fact]
    public void Discover_WithAttributes_ProfilesTheOverRepresentedValueWithItsLift()
    {
        var (features, truth, _) = Blobs();
        var seen = new int[4];
        var plan = truth.Select(t => seen[t]++ is var k && (t == 0 ? k < 160 : k % 10 == 0) ? "pro" : "free").ToArray();
        var result = new SegmentDiscovery(new DiscoveryOptions { K = 4, Standardize = false }).Discover(features, [CategoricalColumn.Encode("plan", plan)]);
        var blob0 = result.Clusters[0];
        blob0.Size.Should().Be(200);
        var pro = blob0.Profile.Should().ContainSingle().Subject;
        (pro.Attribute, pro.Value).Should().Be(("plan", "pro"));
        pro.ClusterShare.Should().Be(0.8);
        pro.OverallShare.Should().BeApproximately(200.0 / 600, 1e-15);
        pro.Lift.Should().BeApproximately(2.4, 1e-12);
        pro.AdjustedPValue.Should().BeLessThan(1e-30);
        result.Clusters.Skip(1).Should().OnlyContain(c => c.Profile.All(l => l.Value == "free"), "pro is under-represented elsewhere");
    }

    [Fact]
    public void Discover_BadInput_ThrowsNamingIt()
    {
        var discovery = new SegmentDiscovery(new DiscoveryOptions { K = 2 });
        var nan = new FeatureMatrix([1, 2, float.NaN, 4, 5, 6], 3, 2, ["a", "b"]);
        ((Action)(() => discovery.Discover(nan))).Should().Throw<ArgumentException>().WithMessage("Feature 'a' is NaN at row 1*");
        var small = new FeatureMatrix([1, 2, 3, 4], 2, 2);
        ((Action)(() => discovery.Discover(small))).Should().Throw<ArgumentException>().WithParameterName("features");
        var ok = new FeatureMatrix([1, 2, 3, 4, 5, 6], 3, 2);
        ((Action)(() => discovery.Discover(ok, [CategoricalColumn.Encode("plan", ["a"])]))).Should().Throw<ArgumentException>().WithParameterName("attributes");
        ((Func<SegmentDiscovery>)(() => new SegmentDiscovery(new DiscoveryOptions { K = 1, MaxK = 1 }))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*K must be 0*MaxK must be at least MinK*");
    }

    /// <summary>Uniform points have no clusters to find at once, so k-means needs many Lloyd steps; at convergence each centroid
    /// is (to the tolerance) the mean of the points assigned to it — Lloyd's fixed point.</summary>
    [Fact]
    public void Discover_UniformPoints_IteratesToLloydsFixedPoint()
    {
        var rng = new CohortKit.Randomness.Xoshiro256(5, 0);
        var data = new float[3000 * 2];
        for (var i = 0; i < data.Length; i++) { data[i] = (float)rng.NextDouble(); }
        var result = new SegmentDiscovery(new DiscoveryOptions { K = 6, Standardize = false, Tolerance = 1e-7, MaxIterations = 500 })
            .Discover(new FeatureMatrix(data, 3000, 2));
        result.Iterations.Should().BeGreaterThan(3);
        var labels = result.Assignments.ToArray();
        foreach (var cluster in result.Clusters)
        {
            var members = Enumerable.Range(0, 3000).Where(i => labels[i] == cluster.Cluster).ToArray();
            for (var j = 0; j < 2; j++)
            {
                members.Average(i => (double)data[i * 2 + j]).Should().BeApproximately(cluster.Centroid.Span[j], 2e-3, $"cluster {cluster.Cluster}, feature {j}");
            }
        }
    }
}
