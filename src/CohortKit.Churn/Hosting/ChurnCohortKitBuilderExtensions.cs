using CohortKit.Churn.Lifetimes;
using CohortKit.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Hosting;

/// <summary>DI registration of the churn engines.</summary>
public static class ChurnCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="BgNbdFitter"/> with default options, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddChurn(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the churn engines and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="bgNbd">Configures the BG/NBD fitter.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddChurn(this ICohortKitBuilder builder, Action<BgNbdOptions>? bgNbd)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var b = Register(builder);
        if (bgNbd is not null) { b.Configure(bgNbd); }
        return builder;
    }

    /// <summary>Registers the churn engines with options bound from the configuration section <c>BgNbd</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Churn configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddChurn(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration.GetSection("BgNbd"));
        return builder;
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<BgNbdOptions> Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(BgNbdFitter));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BgNbdOptions>, BgNbdOptionsValidator>());
        s.TryAddSingleton<BgNbdFitter>();
        return first ? s.AddOptionsWithValidateOnStart<BgNbdOptions>() : s.AddOptions<BgNbdOptions>();
    }
}
