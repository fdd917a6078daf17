using CohortKit.Hosting;
using CohortKit.Similarity.Cohorts;
using CohortKit.Temporal.Hosting;
using CohortKit.Temporal.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortKit.Reassignment.Hosting;

/// <summary>DI registration of the re-formation scheduler with Similarity's cohort former behind it.</summary>
public static class ReassignmentCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="ReassignmentScheduler"/> (Temporal) with <see cref="SimilarityCohortReformer"/> as its
    /// <see cref="ICohortReformer"/>; the <see cref="CohortFormer"/> comes from <c>AddSimilarity()</c> (or any registration).</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReassignment(this ICohortKitBuilder builder) => AddReassignment(builder, (Action<ReassignmentOptions>?)null);

    /// <summary>Registers the scheduler and the adapter, and configures the scheduler.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Configures the scheduler.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReassignment(this ICohortKitBuilder builder, Action<ReassignmentOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ICohortReformer, SimilarityCohortReformer>();
        return builder.AddReassignmentScheduler(configure);
    }

    /// <summary>Registers the scheduler and the adapter with the scheduler's options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The scheduler's configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReassignment(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.TryAddSingleton<ICohortReformer, SimilarityCohortReformer>();
        return builder.AddReassignmentScheduler(configuration);
    }
}
