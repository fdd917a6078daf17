using CohortKit.Hosting;
using CohortKit.Temporal.Survival;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Hosting;

/// <summary>DI registration of the temporal engines.</summary>
public static class TemporalCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="SurvivalAnalyzer"/> with default options, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddTemporal(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the temporal engines and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="survival">Configures survival analysis.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddTemporal(this ICohortKitBuilder builder, Action<SurvivalOptions> survival)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(survival);
        Register(builder).Configure(survival);
        return builder;
    }

    /// <summary>Registers the temporal engines with options bound from the configuration section <c>Survival</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Temporal configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddTemporal(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration.GetSection("Survival"));
        return builder;
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<SurvivalOptions> Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(SurvivalAnalyzer));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SurvivalOptions>, SurvivalOptionsValidator>());
        s.TryAddSingleton<SurvivalAnalyzer>();
        return first ? s.AddOptionsWithValidateOnStart<SurvivalOptions>() : s.AddOptions<SurvivalOptions>();
    }
}
