using CohortKit.Hosting;
using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Evaluation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Hosting;

/// <summary>DI registration of the personalization engines.</summary>
public static class PersonalizationCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="Personalizer"/> and <see cref="OffPolicyEvaluator"/> with default options, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddPersonalization(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the personalization engines and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="personalizer">Configures the engine.</param>
    /// <param name="evaluation">Configures off-policy evaluation.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddPersonalization(this ICohortKitBuilder builder, Action<PersonalizerOptions>? personalizer, Action<OffPolicyOptions>? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (p, e) = Register(builder);
        if (personalizer is not null) { p.Configure(personalizer); }
        if (evaluation is not null) { e.Configure(evaluation); }
        return builder;
    }

    /// <summary>Registers the personalization engines with options bound from the configuration sections <c>Personalizer</c>
    /// and <c>OffPolicy</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Personalization configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddPersonalization(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var (p, e) = Register(builder);
        p.Bind(configuration.GetSection("Personalizer"));
        e.Bind(configuration.GetSection("OffPolicy"));
        return builder;
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static (OptionsBuilder<PersonalizerOptions>, OptionsBuilder<OffPolicyOptions>) Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(Personalizer));
        s.TryAddSingleton(TimeProvider.System);
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersonalizerOptions>, PersonalizerOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OffPolicyOptions>, OffPolicyOptionsValidator>());
        s.TryAddSingleton<Personalizer>();
        s.TryAddSingleton<OffPolicyEvaluator>();
        return first
            ? (s.AddOptionsWithValidateOnStart<PersonalizerOptions>(), s.AddOptionsWithValidateOnStart<OffPolicyOptions>())
            : (s.AddOptions<PersonalizerOptions>(), s.AddOptions<OffPolicyOptions>());
    }
}
