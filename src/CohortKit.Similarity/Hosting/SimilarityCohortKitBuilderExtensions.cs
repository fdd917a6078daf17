using CohortKit.Hosting;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Hosting;

/// <summary>DI registration of <see cref="CohortFormer"/>, <see cref="LearnerFeatureBuilder"/> and the default
/// <see cref="ISimilarityIndex"/> (an empty <see cref="FlatIndex"/> configured by <see cref="FlatIndexOptions"/>; a host
/// that registers its own index first, e.g. a built <see cref="IvfIndex"/>, keeps it).</summary>
public static class SimilarityCohortKitBuilderExtensions
{
    /// <summary>Registers the cohort former with default <see cref="CohortFormationOptions"/> (validated on start) and the feature builder.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimilarity(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the cohort former and the feature builder, and configures the cohort options.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Sets the <see cref="CohortFormationOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimilarity(this ICohortKitBuilder builder, Action<CohortFormationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>Registers the cohort former with options bound from configuration.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The section holding <see cref="CohortFormationOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimilarity(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration);
        return builder;
    }

    // Idempotent: the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<CohortFormationOptions> Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(CohortFormer));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CohortFormationOptions>, CohortFormationOptionsValidator>());
        s.TryAddSingleton<CohortFormer>();
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LearnerFeatureBuilderOptions>, LearnerFeatureBuilderOptionsValidator>());
        s.TryAddSingleton<LearnerFeatureBuilder>();
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlatIndexOptions>, FlatIndexOptionsValidator>());
        s.TryAddSingleton<ISimilarityIndex, FlatIndex>();
        if (!first)
        {
            return s.AddOptions<CohortFormationOptions>();
        }

        s.AddOptionsWithValidateOnStart<LearnerFeatureBuilderOptions>();
        s.AddOptionsWithValidateOnStart<FlatIndexOptions>();
        return s.AddOptionsWithValidateOnStart<CohortFormationOptions>();
    }
}
