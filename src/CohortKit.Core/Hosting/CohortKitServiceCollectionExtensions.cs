using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortKit.Hosting;

/// <summary>The DI entry point of CohortKit.</summary>
public static class CohortKitServiceCollectionExtensions
{
    /// <summary>Registers what every CohortKit package shares (a <see cref="TimeProvider"/> and the options system) and returns a builder on which packages add themselves, e.g. <c>services.AddCohortKit().AddSimulation()</c>.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The builder. Calling this again registers nothing new.</returns>
    /// <remarks>Registrations use <c>TryAdd</c>: a host that registered its own <see cref="TimeProvider"/> first keeps it.</remarks>
    public static ICohortKitBuilder AddCohortKit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        return new CohortKitBuilder(services);
    }
}
