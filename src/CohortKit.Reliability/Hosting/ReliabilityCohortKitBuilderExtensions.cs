using CohortKit.Hosting;
using CohortKit.Reliability.Capacity;
using CohortKit.Reliability.Incidents;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Hosting;

/// <summary>DI registration of the reliability engines.</summary>
public static class ReliabilityCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="SloMonitor"/>, <see cref="CapacityPlanner"/> and <see cref="IncidentCoordinator"/> with
    /// default options, validated on start. Runbook actions are registered by the host as <see cref="IRunbookAction"/> singletons.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReliability(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the reliability engines and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="slo">Configures the objective and its alerts.</param>
    /// <param name="capacity">Configures the capacity planner.</param>
    /// <param name="incidents">Configures the incident coordinator.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReliability(this ICohortKitBuilder builder, Action<SloOptions>? slo, Action<CapacityOptions>? capacity = null, Action<IncidentOptions>? incidents = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (s, c, i) = Register(builder);
        if (slo is not null) { s.Configure(slo); }
        if (capacity is not null) { c.Configure(capacity); }
        if (incidents is not null) { i.Configure(incidents); }
        return builder;
    }

    /// <summary>Registers the reliability engines with options bound from the configuration sections <c>Slo</c>,
    /// <c>Capacity</c> and <c>Incidents</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Reliability configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReliability(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var (s, c, i) = Register(builder);
        s.Bind(configuration.GetSection("Slo"));
        c.Bind(configuration.GetSection("Capacity"));
        i.Bind(configuration.GetSection("Incidents"));
        return builder;
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static (OptionsBuilder<SloOptions>, OptionsBuilder<CapacityOptions>, OptionsBuilder<IncidentOptions>) Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(SloMonitor));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SloOptions>, SloOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CapacityOptions>, CapacityOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IncidentOptions>, IncidentOptionsValidator>());
        s.TryAddSingleton<SloMonitor>();
        s.TryAddSingleton<CapacityPlanner>();
        s.TryAddSingleton<IncidentCoordinator>();
        return first
            ? (s.AddOptionsWithValidateOnStart<SloOptions>(), s.AddOptionsWithValidateOnStart<CapacityOptions>(), s.AddOptionsWithValidateOnStart<IncidentOptions>())
            : (s.AddOptions<SloOptions>(), s.AddOptions<CapacityOptions>(), s.AddOptions<IncidentOptions>());
    }
}
