using CohortKit.Features;
using CohortKit.Hosting;
using CohortKit.Learners;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Hosting;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Tests;

/// <summary>Issue 16 §6: parallelism comes from a MaxDegreeOfParallelism ≥ 1 defaulting to the processor count, never −1.</summary>
public class ParallelismOptionsTests
{
    private static FeatureMatrix Rows(int n, int d)
    {
        var m = new FeatureMatrix(n, d);
        var s = m.AsSpan();
        var rng = new Random(11);
        for (var i = 0; i < s.Length; i++) { s[i] = (float)(rng.NextDouble() * 2 - 1); }
        return m;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ExactSearch_MaxDegreeBelowOne_Throws(int threads)
    {
        var m = Rows(100, 4);
        ((Func<RowNeighbor[]>)(() => ExactSearch.TopK(m, m.Row(0), 3, maxDegreeOfParallelism: threads)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxDegreeOfParallelism");
        ((Func<ExactSearchIndex>)(() => new ExactSearchIndex(m, maxDegreeOfParallelism: threads)))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxDegreeOfParallelism");
    }

    [Fact]
    public void ExactSearch_SameHitsOnOneThreadAndOnThree()
    {
        var m = Rows(40_000, 8); // five blocks of 8,192 rows, so three workers split them
        var q = m.Row(17).ToArray();
        ExactSearch.TopK(m, q, 10, maxDegreeOfParallelism: 1).Should().Equal(ExactSearch.TopK(m, q, 10, maxDegreeOfParallelism: 3));
    }

    [Fact]
    public void Defaults_AreTheProcessorCount()
    {
        new ExactSearchIndex(Rows(10, 4)).MaxDegreeOfParallelism.Should().Be(Environment.ProcessorCount);
        new IvfIndexOptions().MaxDegreeOfParallelism.Should().Be(Environment.ProcessorCount);
        new LearnerFeatureBuilderOptions().MaxDegreeOfParallelism.Should().Be(Environment.ProcessorCount);
    }

    [Fact]
    public void IvfBuild_MaxDegreeBelowOne_Throws()
    {
        var m = Rows(50, 4);
        var ids = Enumerable.Range(0, 50).Select(i => new LearnerId(i)).ToArray();
        ((Func<IvfIndex>)(() => IvfIndex.Build(m, ids, SimilarityMetric.Cosine, new IvfIndexOptions { MaxDegreeOfParallelism = 0 })))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDegreeOfParallelism");
    }

    [Fact]
    public void FeatureBuilder_MaxDegreeBelowOne_ThrowsThroughTheConstructorAndThroughDI()
    {
        ((Func<LearnerFeatureBuilder>)(() => new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions { MaxDegreeOfParallelism = 0 })))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDegreeOfParallelism");
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimilarity();
        services.Configure<LearnerFeatureBuilderOptions>(o => o.MaxDegreeOfParallelism = 0);
        using var sp = services.BuildServiceProvider();
        ((Func<LearnerFeatureBuilder>)(() => sp.GetRequiredService<LearnerFeatureBuilder>()))
            .Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle().Which.Should().StartWith("MaxDegreeOfParallelism:");
    }
}
