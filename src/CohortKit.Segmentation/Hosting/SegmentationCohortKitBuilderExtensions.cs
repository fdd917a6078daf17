using CohortKit.Hosting;
using CohortKit.Segmentation.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation.Hosting;

/// <summary>DI registration of <see cref="SegmentAnalyzer"/> and <see cref="SegmentDiscovery"/>.</summary>
public static class SegmentationCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="SegmentAnalyzer"/> and <see cref="SegmentDiscovery"/> with default options, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSegmentation(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers <see cref="SegmentAnalyzer"/> and <see cref="SegmentDiscovery"/> and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Sets the segment tables' options.</param>
    /// <param name="discovery">Sets the discovery options.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSegmentation(this ICohortKitBuilder builder, Action<SegmentationOptions>? configure, Action<DiscoveryOptions>? discovery = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (table, found) = Register(builder);
        if (configure is not null) { table.Configure(configure); }
        if (discovery is not null) { found.Configure(discovery); }
        return builder;
    }

    /// <summary>Registers both engines with options bound from configuration.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The section holding <see cref="SegmentationOptions"/> properties, and a <c>Discovery</c>
    /// subsection holding <see cref="DiscoveryOptions"/> properties.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSegmentation(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var (table, found) = Register(builder);
        table.Bind(configuration);
        found.Bind(configuration.GetSection("Discovery"));
        return builder;
    }

    // Idempotent: the validate-on-start hook is added with the first registration only.
    private static (OptionsBuilder<SegmentationOptions>, OptionsBuilder<DiscoveryOptions>) Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(SegmentAnalyzer));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegmentationOptions>, SegmentationOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>());
        s.TryAddSingleton<SegmentAnalyzer>();
        s.TryAddSingleton<SegmentDiscovery>();
        return first
            ? (s.AddOptionsWithValidateOnStart<SegmentationOptions>(), s.AddOptionsWithValidateOnStart<DiscoveryOptions>())
            : (s.AddOptions<SegmentationOptions>(), s.AddOptions<DiscoveryOptions>());
    }
}
