using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;
using CohortKit.Deployment.Hosting;
using CohortKit.Deployment.Migrations;
using CohortKit.Deployment.Tests.BlueGreen;
using CohortKit.Hosting;
using CohortKit.Reliability.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.Tests.Hosting;

public sealed class DeploymentCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddDeployment_InvalidCanaryAlpha_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddDeployment(c => c.Alpha = 2).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<CanaryJudge>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*Alpha*");
    }

    [Fact]
    public void AddDeployment_Twice_AddsNothingNew()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddDeployment(c => c.PassScore = 90);
        var count = services.Count;
        services.AddCohortKit().AddDeployment();
        services.Count.Should().Be(count);
    }

    [Fact]
    public void AddDeployment_RegistersEveryEngineAsSingleton_SameInstanceInEveryScope()
    {
        var services = HostServices(new MemoryStateStore());
        services.AddCohortKit().AddDeployment();
        foreach (var type in new[] { typeof(CanaryJudge), typeof(MigrationController), typeof(ITrafficSwitch), typeof(BlueGreenOrchestrator), typeof(IRunbookAction) })
        {
            services.Where(d => d.ServiceType == type).Should().ContainSingle(type.Name).Which.Lifetime.Should().Be(ServiceLifetime.Singleton, type.Name);
        }

        services.Where(d => d.ServiceType == typeof(IValidateOptions<CanaryOptions>) || d.ServiceType == typeof(IValidateOptions<BlueGreenOptions>) || d.ServiceType == typeof(IValidateOptions<MigrationOptions>))
            .Should().HaveCount(3).And.OnlyContain(d => d.Lifetime == ServiceLifetime.Singleton);
        using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        using var a = sp.CreateScope();
        using var b = sp.CreateScope();
        a.ServiceProvider.GetRequiredService<BlueGreenOrchestrator>().Should().BeSameAs(b.ServiceProvider.GetRequiredService<BlueGreenOrchestrator>()).And.BeSameAs(sp.GetRequiredService<BlueGreenOrchestrator>());
        a.ServiceProvider.GetRequiredService<MigrationController>().Should().BeSameAs(b.ServiceProvider.GetRequiredService<MigrationController>());
        a.ServiceProvider.GetRequiredService<CanaryJudge>().Should().BeSameAs(b.ServiceProvider.GetRequiredService<CanaryJudge>());
        a.ServiceProvider.GetRequiredService<ITrafficSwitch>().Should().BeOfType<YarpTrafficSwitch>().And.BeSameAs(b.ServiceProvider.GetRequiredService<ITrafficSwitch>());
    }

    [Fact]
    public void AddDeployment_FromConfiguration_BindsEveryOptionWithItsValue()
    {
        var services = HostServices(new MemoryStateStore());
        services.AddCohortKit().AddDeployment(Configuration(new()
        {
            ["Canary:Alpha"] = "0.01", ["Canary:PassScore"] = "90", ["Canary:MarginalScore"] = "60", ["Canary:LatencyTolerance"] = "0.1",
            ["Canary:ErrorRateTolerance"] = "0.002", ["Canary:LatencyCritical"] = "false", ["Canary:ErrorRateCritical"] = "false",
            ["Canary:SequentialTuningUnitsPerArm"] = "500",
            ["BlueGreen:ProbeInterval"] = "00:00:00.250", ["BlueGreen:SuccessThreshold"] = "5", ["BlueGreen:FailureThreshold"] = "4",
            ["BlueGreen:HealthGateTimeout"] = "00:01:00", ["BlueGreen:BakeTime"] = "00:00:45", ["BlueGreen:DrainTimeout"] = "00:00:20", ["BlueGreen:RollBackOnMarginal"] = "false",
            ["Migrations:BatchSize"] = "2500", ["Migrations:BatchDelay"] = "00:00:00.020", ["Migrations:LockTimeout"] = "00:00:02", ["Migrations:MaxBackfillPasses"] = "3",
        }));
        using var sp = services.BuildServiceProvider();

        var canary = sp.GetRequiredService<IOptions<CanaryOptions>>().Value;
        (canary.Alpha, canary.PassScore, canary.MarginalScore, canary.LatencyTolerance, canary.ErrorRateTolerance, canary.LatencyCritical, canary.ErrorRateCritical, canary.SequentialTuningUnitsPerArm)
            .Should().Be((0.01, 90d, 60d, 0.1, 0.002, false, false, 500d));
        var blueGreen = sp.GetRequiredService<IOptions<BlueGreenOptions>>().Value;
        (blueGreen.ProbeInterval, blueGreen.SuccessThreshold, blueGreen.FailureThreshold, blueGreen.HealthGateTimeout, blueGreen.BakeTime, blueGreen.DrainTimeout, blueGreen.RollBackOnMarginal)
            .Should().Be((TimeSpan.FromMilliseconds(250), 5, 4, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(20), false));
        var migrations = sp.GetRequiredService<IOptions<MigrationOptions>>().Value;
        (migrations.BatchSize, migrations.BatchDelay, migrations.LockTimeout, migrations.MaxBackfillPasses)
            .Should().Be((2500, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), 3));
    }

    [Theory]
    [InlineData("Canary:Alpha", "1.5", "Alpha")]
    [InlineData("Canary:MarginalScore", "99", "MarginalScore")]
    [InlineData("BlueGreen:SuccessThreshold", "0", "SuccessThreshold")]
    [InlineData("BlueGreen:DrainTimeout", "00:00:00", "DrainTimeout")]
    [InlineData("Migrations:BatchSize", "0", "BatchSize")]
    [InlineData("Migrations:LockTimeout", "-00:00:01", "LockTimeout")]
    public async Task AddDeployment_BadOptionFromConfiguration_FailsHostStartNamingTheField(string key, string value, string field)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var d in HostServices(new MemoryStateStore()))
        {
            builder.Services.Add(d);
        }

        builder.Services.AddCohortKit().AddDeployment(Configuration(new() { [key] = value }));
        using var host = builder.Build();
        var act = () => host.StartAsync();
        var failure = (await act.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Failures.Should().ContainSingle().Which.Should().StartWith($"{field}: {field} must");
    }

    [Fact]
    public async Task AddDeployment_RollbackAction_RollsBackTheSavedDeploymentOfTheHostsStore()
    {
        var store = new MemoryStateStore();
        var services = HostServices(store);
        services.AddCohortKit().AddDeployment();
        using var sp = services.BuildServiceProvider();
        var action = sp.GetServices<IRunbookAction>().Should().ContainSingle(a => a.Kind == RunbookActionKind.RollbackDeployment).Subject;

        var outcome = await action.ExecuteAsync(new RunbookActionRequest(3, RunbookActionKind.RollbackDeployment, "g"), default);
        outcome.Succeeded.Should().BeFalse();
        outcome.Detail.Should().Contain("No deployment has been saved");

        store.Saved.Add(new DeploymentState { Id = "x", Blue = new("b", new Uri("http://127.0.0.1:1/")), Green = new("g", new Uri("http://127.0.0.1:2/")), Step = DeploymentStep.Switched, Timeline = [new(DeploymentStep.Switched, DateTimeOffset.UnixEpoch, "")] });
        outcome = await action.ExecuteAsync(new RunbookActionRequest(3, RunbookActionKind.RollbackDeployment, "g"), default);
        outcome.Succeeded.Should().BeTrue();
        store.Saved[^1].Step.Should().Be(DeploymentStep.RolledBack);
        store.Saved[^1].RollbackReason.Should().Be("incident 3: rollback of g");
    }

    /// <summary>The services a host registers itself: probe, canary source, state store and migration store.</summary>
    private static ServiceCollection HostServices(MemoryStateStore store)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHealthProbe>(new ScriptedProbe());
        services.AddSingleton<ICanarySource>(new FixedCanary(null!, null!));
        services.AddSingleton<IDeploymentStateStore>(store);
        services.AddSingleton<IMigrationStore>(new SqliteMigrationStore("Data Source=:memory:"));
        return services;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
