using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;
using CohortKit.Deployment.Migrations;
using CohortKit.Hosting;
using CohortKit.Reliability.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.Hosting;

/// <summary>DI registration of the deployment engines.</summary>
public static class DeploymentCohortKitBuilderExtensions
{
    /// <summary>Registers <see cref="CanaryJudge"/>, <see cref="MigrationController"/>, <see cref="BlueGreenOrchestrator"/> (with
    /// <see cref="YarpTrafficSwitch"/> as the default <see cref="ITrafficSwitch"/>) and the rollback runbook action, with default
    /// options validated on start. The host registers the <see cref="IMigrationStore"/>, <see cref="IHealthProbe"/>,
    /// <see cref="ICanarySource"/> and <see cref="IDeploymentStateStore"/> its environment uses.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddDeployment(this ICohortKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder);
        return builder;
    }

    /// <summary>Registers the deployment engines and configures them.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="canary">Configures the canary judge.</param>
    /// <param name="blueGreen">Configures the orchestrator.</param>
    /// <param name="migrations">Configures the migration controller.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddDeployment(this ICohortKitBuilder builder, Action<CanaryOptions>? canary, Action<BlueGreenOptions>? blueGreen = null, Action<MigrationOptions>? migrations = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (c, b, m) = Register(builder);
        if (canary is not null) { c.Configure(canary); }
        if (blueGreen is not null) { b.Configure(blueGreen); }
        if (migrations is not null) { m.Configure(migrations); }
        return builder;
    }

    /// <summary>Registers the deployment engines with options bound from the sections <c>Canary</c>, <c>BlueGreen</c> and <c>Migrations</c>.</summary>
    /// <param name="builder">The CohortKit builder.</param>
    /// <param name="configuration">The Deployment configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICohortKitBuilder AddDeployment(this ICohortKitBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var (c, b, m) = Register(builder);
        c.Bind(configuration.GetSection("Canary"));
        b.Bind(configuration.GetSection("BlueGreen"));
        m.Bind(configuration.GetSection("Migrations"));
        return builder;
    }

    // Idempotent: TryAdd* for the engines and validators; the validate-on-start hook is added with the first registration only.
    private static (OptionsBuilder<CanaryOptions>, OptionsBuilder<BlueGreenOptions>, OptionsBuilder<MigrationOptions>) Register(ICohortKitBuilder builder)
    {
        var s = builder.Services;
        var first = !s.Any(d => d.ServiceType == typeof(CanaryJudge));
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CanaryOptions>, CanaryOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlueGreenOptions>, BlueGreenOptionsValidator>());
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MigrationOptions>, MigrationOptionsValidator>());
        s.TryAddSingleton<CanaryJudge>();
        s.TryAddSingleton<MigrationController>();
        s.TryAddSingleton<ITrafficSwitch>(sp => new YarpTrafficSwitch(sp.GetService<TimeProvider>()));
        s.TryAddSingleton<BlueGreenOrchestrator>();
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IRunbookAction, DeploymentRollbackAction>());
        return first
            ? (s.AddOptionsWithValidateOnStart<CanaryOptions>(), s.AddOptionsWithValidateOnStart<BlueGreenOptions>(), s.AddOptionsWithValidateOnStart<MigrationOptions>())
            : (s.AddOptions<CanaryOptions>(), s.AddOptions<BlueGreenOptions>(), s.AddOptions<MigrationOptions>());
    }
}
