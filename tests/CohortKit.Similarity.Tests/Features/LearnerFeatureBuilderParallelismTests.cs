using CohortKit.Hosting;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Tests.Features;

/// <summary>Issue 16 §6: the feature builder's parallelism comes from
/// <see cref="LearnerFeatureBuilderOptions.MaxDegreeOfParallelism"/> ≥ 1, defaulting to the processor count.</summary>
public class LearnerFeatureBuilderParallelismTests
{
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

    [Fact]
    public void Defaults_AreTheProcessorCount()
    {
        new LearnerFeatureBuilderOptions().MaxDegreeOfParallelism.Should().Be(Environment.ProcessorCount);
    }
}
