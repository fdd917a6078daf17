using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Churn.Interventions.Storage;
using CohortKit.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Interventions.Hosting;

/// <summary>DI registration of the intervention orchestrator.</summary>
/// <remarks>Registers <see cref="InterventionOrchestrator"/>, the playbook read from <see cref="InterventionOptions.PlaybookPath"/>
/// and a <see cref="SqliteInterventionStore"/> on <see cref="InterventionOptions.ConnectionString"/>, each only when the host
/// has not registered its own. The host registers its <see cref="Dispatch.IInterventionChannel"/>.</remarks>
public static class InterventionsCohortKitBuilderExtensions
{
    /// <summary>Registers the orchestrator with default <see cref="InterventionOptions"/>, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddChurnInterventions(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the orchestrator and configures its options.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddChurnInterventions(this ICohortKitBuilder builder, Action<InterventionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>Registers the orchestrator with options bound from configuration.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The section holding <see cref="InterventionOptions"/> properties.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddChurnInterventions(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration);
        return builder;
    }

    // Idempotent: the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<InterventionOptions> Register(ICohortKitBuilder builder)
    {
        var services = builder.Services;
        var first = !services.Any(d => d.ServiceType == typeof(InterventionOrchestrator));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InterventionOptions>, InterventionOptionsValidator>());
        services.TryAddSingleton(sp => PlaybookLoader.Load(sp.GetRequiredService<IOptions<InterventionOptions>>().Value.PlaybookPath));
        services.TryAddSingleton<IInterventionStore>(sp => new SqliteInterventionStore(sp.GetRequiredService<IOptions<InterventionOptions>>().Value.ConnectionString));
        // Through ActivatorUtilities, which honours [ActivatorUtilitiesConstructor]: the non-DI constructor's optional
        // options parameter would otherwise make the container's choice ambiguous.
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<InterventionOrchestrator>(sp));
        return first ? services.AddOptionsWithValidateOnStart<InterventionOptions>() : services.AddOptions<InterventionOptions>();
    }
}
