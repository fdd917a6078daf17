using CohortKit.Hosting;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Hosting;
using CohortKit.Similarity.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Tests.Hosting;

/// <summary>AddSimilarity: the three overloads, validation at start, idempotence, configuration binding.</summary>
public class SimilarityCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddSimilarity_Twice_AddsNothingNew_AndValidatesOptions()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimilarity(o => o.MinSize = 12);
        var count = services.Count;
        services.AddCohortKit().AddSimilarity();
        services.Count.Should().Be(count);
        using (var sp = services.BuildServiceProvider())
        {
            sp.GetRequiredService<CohortFormer>().Options.MinSize.Should().Be(12);
        }

        using var bad = new ServiceCollection().AddCohortKit().AddSimilarity(o => o.MaxSize = 5).Services.BuildServiceProvider();
        ((Func<CohortFormer>)(() => bad.GetRequiredService<CohortFormer>())).Should().Throw<OptionsValidationException>().WithMessage("*MaxSize*");
    }

    [Fact]
    public void AddSimilarity_EachOverloadAfterTheFirst_AddsNoService()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MinSize"] = "10" }).Build();
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimilarity();
        var count = services.Count;
        services.AddCohortKit().AddSimilarity(o => o.MaxSize = 25).AddSimilarity(config).AddSimilarity();
        services.Count(d => d.ServiceType == typeof(CohortFormer)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(LearnerFeatureBuilder)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<CohortFormationOptions>)).Should().Be(1);
        // Only the configure and bind actions themselves are added, not services.
        services.Count(d => d.ServiceType != typeof(IConfigureOptions<CohortFormationOptions>) && d.ServiceType != typeof(IOptionsChangeTokenSource<CohortFormationOptions>))
            .Should().Be(count);
    }

    [Fact]
    public void AddSimilarity_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MinSize"] = "8", ["MaxSize"] = "11", ["Seed"] = "5" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddSimilarity(config).Services.BuildServiceProvider();
        var options = sp.GetRequiredService<CohortFormer>().Options;
        (options.MinSize, options.MaxSize, options.Seed).Should().Be((8, 11, 5L));
    }

    [Fact]
    public void AddSimilarity_RegistersAnExactFlatIndex_UnlessTheHostRegisteredOne()
    {
        using (var sp = new ServiceCollection().AddCohortKit().AddSimilarity().Services.Configure<FlatIndexOptions>(o => o.Dimensions = 3).BuildServiceProvider())
        {
            var index = sp.GetRequiredService<ISimilarityIndex>();
            index.Should().BeOfType<FlatIndex>();
            index.Dimensions.Should().Be(3);
            index.Count.Should().Be(0);
            sp.GetRequiredService<ISimilarityIndex>().Should().BeSameAs(index, "one index per container");
        }

        var own = FlatIndex.Build(new CohortKit.Features.FeatureMatrix([1f, 0f], 1, 2), [new CohortKit.Learners.LearnerId(1)]);
        var services = new ServiceCollection().AddSingleton<ISimilarityIndex>(own);
        services.AddCohortKit().AddSimilarity();
        using (var sp = services.BuildServiceProvider())
        {
            sp.GetRequiredService<ISimilarityIndex>().Should().BeSameAs(own, "AddSimilarity registers with TryAdd");
        }

        using var bad = new ServiceCollection().AddCohortKit().AddSimilarity().Services
            .Configure<FlatIndexOptions>(o => { o.Dimensions = -1; o.MaxDegreeOfParallelism = 0; }).BuildServiceProvider();
        ((Func<ISimilarityIndex>)(() => bad.GetRequiredService<ISimilarityIndex>())).Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().HaveCount(2);
        ((Func<FlatIndex>)(() => new FlatIndex(new FlatIndexOptions { MaxDegreeOfParallelism = 0 }))).Should().Throw<ArgumentOutOfRangeException>()
            .Which.ParamName.Should().Be("MaxDegreeOfParallelism");
    }
}
