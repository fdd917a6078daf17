using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 16 §1: every IVF option is checked before building, all failures at once, and <see cref="IvfIndex.Probes"/> cannot be set out of range.</summary>
public class IvfIndexOptionsValidationTests
{
    private static (FeatureMatrix Vectors, LearnerId[] Ids) Data()
    {
        var m = new FeatureMatrix(40, 3);
        var s = m.AsSpan();
        for (var i = 0; i < s.Length; i++) { s[i] = (i * 7919 % 101) / 50f - 1; }
        return (m, Enumerable.Range(0, 40).Select(i => new LearnerId(i)).ToArray());
    }

    [Fact]
    public void Build_ListsEveryInvalidOption()
    {
        var (m, ids) = Data();
        var options = new IvfIndexOptions { Lists = -1, Probes = 0, TrainingSample = 0, Iterations = 0 };
        var ex = ((Func<IvfIndex>)(() => IvfIndex.Build(m, ids, SimilarityMetric.Cosine, options))).Should().Throw<ArgumentOutOfRangeException>().Which;
        ex.ParamName.Should().Be("Lists");
        foreach (var name in new[] { "Lists:", "Probes:", "TrainingSample:", "Iterations:" }) { ex.Message.Should().Contain(name); }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void SettingProbesBelowOne_Throws_AndKeepsTheOldValue(int probes)
    {
        var (m, ids) = Data();
        var index = IvfIndex.Build(m, ids, SimilarityMetric.Cosine, new IvfIndexOptions { Lists = 4, Probes = 2, Seed = 1 });
        ((Action)(() => index.Probes = probes)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Probes");
        index.Probes.Should().Be(2);
    }
}
