using CohortKit.Learners;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 16 §6: the IVF build's parallelism comes from <see cref="IvfIndexOptions.MaxDegreeOfParallelism"/> ≥ 1,
/// defaulting to the processor count.</summary>
public class IvfIndexParallelismTests
{
    [Fact]
    public void IvfBuild_MaxDegreeBelowOne_Throws()
    {
        var m = UniformFeatures.Create(50, 4, seed: 11);
        var ids = Enumerable.Range(0, 50).Select(i => new LearnerId(i)).ToArray();
        ((Func<IvfIndex>)(() => IvfIndex.Build(m, ids, SimilarityMetric.Cosine, new IvfIndexOptions { MaxDegreeOfParallelism = 0 })))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDegreeOfParallelism");
    }

    [Fact]
    public void Defaults_AreTheProcessorCount()
    {
        new IvfIndexOptions().MaxDegreeOfParallelism.Should().Be(Environment.ProcessorCount);
    }
}
