using CohortKit.Features;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 16 §6: the exact scans' parallelism comes from a maxDegreeOfParallelism ≥ 1 defaulting to the processor
/// count, never −1; one thread and three give the same hits.</summary>
public class ExactSearchParallelismKernelTests
{
    private static FeatureMatrix Rows(int n, int d) => UniformFeatures.Create(n, d, seed: 11);

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
    }
}
