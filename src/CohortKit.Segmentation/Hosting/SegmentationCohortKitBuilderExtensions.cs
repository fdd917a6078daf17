using CohortKit.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation.Hosting;

/// <summary>DI registration of <see cref="SegmentAnalyzer"/>.</summary>
public static class SegmentationCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="SegmentAnalyzer"/> with default <see cref="SegmentationOptions"/>, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSegmentation(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers <see cref="SegmentAnalyzer"/> and configures its options.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSegmentation(this ICohortKitBuilder builder, Action<SegmentationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>Registers <see cref="SegmentAnalyzer"/> with options bound from configuration.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The section holding <see cref="SegmentationOptions"/> properties.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSegmentation(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration);
        return builder;
    }

    // Idempotent: the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<SegmentationOptions> Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(SegmentAnalyzer));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegmentationOptions>, SegmentationOptionsValidator>());
        s.TryAddSingleton<SegmentAnalyzer>();
        return first ? s.AddOptionsWithValidateOnStart<SegmentationOptions>() : s.AddOptions<SegmentationOptions>();
    }
}
