using CohortKit.Hosting;
using CohortKit.Temporal.Progression;
using CohortKit.Temporal.Retention;
using CohortKit.Temporal.Scheduling;
using CohortKit.Temporal.Survival;
using CohortKit.Temporal.Tracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Hosting;

/// <summary>DI registration of the temporal engines.</summary>
public static class TemporalCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="SurvivalAnalyzer"/>, <see cref="RetentionAnalyzer"/>, <see cref="ProgressionModel"/> and an
    /// empty <see cref="CohortTracker"/> (one series of snapshots per container) with default options, validated on start.</summary>
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
    /// <param name="retention">Configures retention matrices.</param>
    /// <param name="progression">Configures the progression model's rules.</param>
    /// <param name="tracking">Configures the cohort tracker's drift checks.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddTemporal(this ICohortKitBuilder builder, Action<SurvivalOptions>? survival, Action<RetentionOptions>? retention = null, Action<ProgressionOptions>? progression = null, Action<CohortTrackerOptions>? tracking = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (s, r, p, t) = Register(builder);
        if (survival is not null) { s.Configure(survival); }
        if (retention is not null) { r.Configure(retention); }
        if (progression is not null) { p.Configure(progression); }
        if (tracking is not null) { t.Configure(tracking); }
        return builder;
    }

    /// <summary>Registers the temporal engines with options bound from the configuration sections <c>Survival</c>,
    /// <c>Retention</c>, <c>Progression</c> and <c>Tracking</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Temporal configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddTemporal(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var (s, r, p, t) = Register(builder);
        s.Bind(configuration.GetSection("Survival"));
        r.Bind(configuration.GetSection("Retention"));
        p.Bind(configuration.GetSection("Progression"));
        t.Bind(configuration.GetSection("Tracking"));
        return builder;
    }

    /// <summary>Registers <see cref="ReassignmentScheduler"/> with its options (validated on start). It needs an
    /// <see cref="ICohortReformer"/>: CohortKit.Reassignment's <c>AddReassignment()</c> registers Similarity's former behind it.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configure">Configures the scheduler, or null.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReassignmentScheduler(this ICohortKitBuilder builder, Action<ReassignmentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = RegisterScheduler(builder);
        if (configure is not null) { options.Configure(configure); }
        return builder;
    }

    /// <summary>Registers <see cref="ReassignmentScheduler"/> with its options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The scheduler's configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddReassignmentScheduler(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        RegisterScheduler(builder).Bind(configuration);
        return builder;
    }

    private static OptionsBuilder<ReassignmentOptions> RegisterScheduler(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(ReassignmentScheduler));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReassignmentOptions>, ReassignmentOptionsValidator>());
        s.TryAddSingleton<ReassignmentScheduler>();
        return first ? s.AddOptionsWithValidateOnStart<ReassignmentOptions>() : s.AddOptions<ReassignmentOptions>();
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static (OptionsBuilder<SurvivalOptions>, OptionsBuilder<RetentionOptions>, OptionsBuilder<ProgressionOptions>, OptionsBuilder<CohortTrackerOptions>) Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(SurvivalAnalyzer));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SurvivalOptions>, SurvivalOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProgressionOptions>, ProgressionOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CohortTrackerOptions>, CohortTrackerOptionsValidator>());
        s.TryAddSingleton<SurvivalAnalyzer>();
        s.TryAddSingleton<RetentionAnalyzer>();
        s.TryAddSingleton<ProgressionModel>();
        s.TryAddSingleton<CohortTracker>();
        return first
            ? (s.AddOptionsWithValidateOnStart<SurvivalOptions>(), s.AddOptionsWithValidateOnStart<RetentionOptions>(), s.AddOptionsWithValidateOnStart<ProgressionOptions>(), s.AddOptionsWithValidateOnStart<CohortTrackerOptions>())
            : (s.AddOptions<SurvivalOptions>(), s.AddOptions<RetentionOptions>(), s.AddOptions<ProgressionOptions>(), s.AddOptions<CohortTrackerOptions>());
    }
}
