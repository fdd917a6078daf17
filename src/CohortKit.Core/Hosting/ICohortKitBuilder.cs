using Microsoft.Extensions.DependencyInjection;

namespace CohortKit.Hosting;

/// <summary>Returned by <see cref="CohortKitServiceCollectionExtensions.AddCohortKit(IServiceCollection)"/>; each CohortKit package adds its <c>AddX(…)</c> extension methods to it.</summary>
public interface ICohortKitBuilder
{
    /// <summary>Gets the service collection being configured.</summary>
    IServiceCollection Services { get; }
}

internal sealed class CohortKitBuilder(IServiceCollection services) : ICohortKitBuilder
{
    public IServiceCollection Services { get; } = services;
}
