using CohortKit.Hosting;
using CohortKit.Regions.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Regions.Hosting;

/// <summary>DI registration of the residency policy.</summary>
public static class RegionsCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="ResidencyPolicy"/> with the default three-region catalogue
    /// (<see cref="RegionsOptions.UseDefaultCatalogue"/>), validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddRegions(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder).Configure(o => o.UseDefaultCatalogue());
        return builder;
    }

    /// <summary>Registers <see cref="ResidencyPolicy"/> and configures its options, which start empty (call
    /// <see cref="RegionsOptions.UseDefaultCatalogue"/> first to start from the default catalogue).</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddRegions(this ICohortKitBuilder builder, Action<RegionsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>Registers <see cref="ResidencyPolicy"/> with options bound from configuration (the keys of
    /// <see cref="RegionsOptions"/>: <c>Regions</c>, <c>HomeRegions</c>, <c>DataClasses</c>, <c>KAnonymity</c>).</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Regions configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddRegions(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration);
        return builder;
    }

    // Idempotent: the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<RegionsOptions> Register(ICohortKitBuilder builder)
    {
        var first = !builder.Services.Any(d => d.ServiceType == typeof(ResidencyPolicy));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegionsOptions>, RegionsOptionsValidator>());
        builder.Services.TryAddSingleton<ResidencyPolicy>();
        return first ? builder.Services.AddOptionsWithValidateOnStart<RegionsOptions>() : builder.Services.AddOptions<RegionsOptions>();
    }
}
