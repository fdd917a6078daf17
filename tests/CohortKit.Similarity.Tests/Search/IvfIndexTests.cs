using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

[Collection(SharedSimulatedFeatures.Name)]
public class IvfIndexTests(SimulatedFeatures data)
{
    [Fact]
    public void Ivf_RecallAt10_IsAtLeast95PercentAgainstExact()
    {
        var index = IvfIndex.Build(data.Features, data.Ids, SimilarityMetric.Cosine, new IvfIndexOptions { Seed = 3 });
        var normalised = new FeatureMatrix(data.Features.AsSpan().ToArray(), data.Features.Rows, data.Features.Dimensions);
        normalised.NormalizeRows();
        var rng = new Random(2);
        double hits = 0;
        const int queries = 200;
        for (var q = 0; q < queries; q++)
        {
            var row = rng.Next(normalised.Rows);
            var exact = ExactSearch.TopK(normalised, normalised.Row(row), 10).Select(h => data.Ids[h.Row]).ToHashSet();
            hits += index.Search(normalised.Row(row), 10).Count(n => exact.Contains(n.Id));
        }

        (hits / (queries * 10)).Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void Ivf_AddRemoveFilterSaveLoad()
    {
        var small = new FeatureMatrix(data.Features.AsSpan()[..(5000 * 64)].ToArray(), 5000, 64);
        var ids = data.Ids.Take(5000).ToArray();
        var index = IvfIndex.Build(small, ids, SimilarityMetric.Cosine, new IvfIndexOptions { Lists = 50, Probes = 50 });
        index.Count.Should().Be(5000);
        var query = small.Row(17).ToArray();
        index.Search(query, 1)[0].Id.Should().Be(ids[17]);
        index.Remove(ids[17]).Should().BeTrue();
        index.Remove(ids[17]).Should().BeFalse();
        index.Search(query, 5).Should().NotContain(n => n.Id == ids[17]);
        index.Add(new LearnerId(999_999), query);
        index.Search(query, 1)[0].Id.Should().Be(new LearnerId(999_999));
        var filtered = index.Search(query, 10, id => id.Value % 2 == 0);
        filtered.Should().HaveCount(10).And.OnlyContain(n => n.Id.Value % 2 == 0);
        using var stream = new MemoryStream();
        index.Save(stream);
        stream.Position = 0;
        var loaded = IvfIndex.Load(stream);
        loaded.Count.Should().Be(index.Count);
        loaded.Search(query, 10).Should().Equal(index.Search(query, 10));
    }

    [Fact]
    public void Ivf_BadInput_Throws()
    {
        var m = new FeatureMatrix(10, 4);
        for (var r = 0; r < 10; r++) { m[r, r % 4] = 1 + r; }
        var ids = Enumerable.Range(0, 10).Select(i => new LearnerId(i)).ToArray();
        var index = IvfIndex.Build(m, ids, SimilarityMetric.Euclidean, new IvfIndexOptions { Lists = 2, Probes = 2 });
        ((Action)(() => index.Search(new float[3], 2))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("query");
        ((Action)(() => index.Search(new float[4], 0))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("k");
        ((Action)(() => index.Search(new float[4], 11))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("k");
        ((Action)(() => index.Add(new LearnerId(50), [1, float.NaN, 0, 0]))).Should().Throw<ArgumentException>().WithMessage("*NaN*");
        m[3, 1] = float.NaN;
        ((Action)(() => IvfIndex.Build(m, ids))).Should().Throw<ArgumentException>().WithMessage("Row 3*");
        ((Action)(() => IvfIndex.Load(new MemoryStream(new byte[20])))).Should().Throw<InvalidDataException>();
        index.Search(new float[] { 1, 0, 0, 0 }, 1)[0].Id.Should().Be(new LearnerId(0));
    }
}
