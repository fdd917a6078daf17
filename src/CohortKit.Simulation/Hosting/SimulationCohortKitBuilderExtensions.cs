using CohortKit.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Simulation.Hosting;

/// <summary>DI registration of the simulator.</summary>
public static class SimulationCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="PlatformSimulator"/> with default <see cref="SimulationOptions"/>, validated on start.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimulation(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers <see cref="PlatformSimulator"/> and configures its options.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimulation(this ICohortKitBuilder builder, Action<SimulationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>Registers <see cref="PlatformSimulator"/> with options bound from configuration.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The section holding <see cref="SimulationOptions"/> properties.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddSimulation(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder).Bind(configuration);
        return builder;
    }

    // Idempotent: the validate-on-start hook is added with the first registration only.
    private static OptionsBuilder<SimulationOptions> Register(ICohortKitBuilder builder)
    {
        var first = !builder.Services.Any(d => d.ServiceType == typeof(PlatformSimulator));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulationOptions>, SimulationOptionsValidator>());
        builder.Services.TryAddSingleton<PlatformSimulator>();
        return first ? builder.Services.AddOptionsWithValidateOnStart<SimulationOptions>() : builder.Services.AddOptions<SimulationOptions>();
    }
}
