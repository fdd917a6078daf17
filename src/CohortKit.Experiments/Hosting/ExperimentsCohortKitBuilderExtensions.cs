using CohortKit.Experiments.AaValidation;
using CohortKit.Experiments.Readout;
using CohortKit.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.Hosting;

/// <summary>DI registration of <see cref="ExperimentAnalyzer"/> and <see cref="AaTestValidator"/>.</summary>
public static class ExperimentsCohortKitBuilderExtensions
{
    /// <summary>Registers the analyzer and the A/A validator with default options, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddExperiments(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the analyzer and the A/A validator and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="readout">Configures the readout.</param>
    /// <param name="aa">Configures A/A validation.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddExperiments(this ICohortKitBuilder builder, Action<ReadoutOptions>? readout, Action<AaValidationOptions>? aa = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (r, a) = Register(builder);
        if (readout is not null) { r.Configure(readout); }
        if (aa is not null) { a.Configure(aa); }
        return builder;
    }

    /// <summary>Registers the analyzer and the A/A validator with options bound from configuration sections <c>Readout</c> and <c>AaValidation</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Experiments configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddExperiments(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var (r, a) = Register(builder);
        r.Bind(configuration.GetSection("Readout"));
        a.Bind(configuration.GetSection("AaValidation"));
        return builder;
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static (OptionsBuilder<ReadoutOptions>, OptionsBuilder<AaValidationOptions>) Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(ExperimentAnalyzer));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReadoutOptions>, ReadoutOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AaValidationOptions>, AaValidationOptionsValidator>());
        s.TryAddSingleton(TimeProvider.System);
        s.TryAddSingleton<ExperimentAnalyzer>();
        s.TryAddSingleton<AaTestValidator>();
        return first
            ? (s.AddOptionsWithValidateOnStart<ReadoutOptions>(), s.AddOptionsWithValidateOnStart<AaValidationOptions>())
            : (s.AddOptions<ReadoutOptions>(), s.AddOptions<AaValidationOptions>());
    }
}
