using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;
using CohortKit.Deployment.Hosting;
using CohortKit.Deployment.Migrations;
using CohortKit.Deployment.Tests.BlueGreen;
using CohortKit.Hosting;
using CohortKit.Reliability.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task AddDeployment_WithHostServices_ResolvesOrchestratorAndRollbackAction()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHealthProbe>(new ScriptedProbe());
        services.AddSingleton<ICanarySource>(new FixedCanary(null!, null!));
        var store = new MemoryStateStore();
        services.AddSingleton<IDeploymentStateStore>(store);
        services.AddSingleton<IMigrationStore>(new SqliteMigrationStore("Data Source=:memory:"));
        services.AddCohortKit().AddDeployment(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["BlueGreen:FailureThreshold"] = "4", ["Canary:PassScore"] = "90" }).Build());
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<BlueGreenOrchestrator>().Should().NotBeNull();
        sp.GetRequiredService<MigrationController>().Should().NotBeNull();
        sp.GetRequiredService<ITrafficSwitch>().Should().BeOfType<YarpTrafficSwitch>();
        sp.GetRequiredService<IOptions<BlueGreenOptions>>().Value.FailureThreshold.Should().Be(4);
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
}
