using CohortKit.Hosting;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Hosting;

/// <summary>DI registration of <see cref="CohortFormer"/> and <see cref="LearnerFeatureBuilder"/>.</summary>
public static class SimilarityCohortKitBuilderExtensions
{
    /// <summary>Registers the cohort former (options validated on start) and the feature builder.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Optional configuration of <see cref="CohortFormationOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimilarity(this ICohortKitBuilder builder, Action<CohortFormationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Register(builder);
        if (configure is not null) { options.Configure(configure); }
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

    private static OptionsBuilder<CohortFormationOptions> Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(CohortFormer));
        s.TryAddSingleton(sp => new CohortFormer(sp.GetRequiredService<IOptions<CohortFormationOptions>>().Value));
        s.TryAddSingleton<LearnerFeatureBuilder>();
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CohortFormationOptions>, CohortFormationOptionsValidator>());
        return first ? s.AddOptionsWithValidateOnStart<CohortFormationOptions>() : s.AddOptions<CohortFormationOptions>();
    }
}
