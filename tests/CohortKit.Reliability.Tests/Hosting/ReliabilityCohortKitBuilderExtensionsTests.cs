using CohortKit.Hosting;
using CohortKit.Reliability.Capacity;
using CohortKit.Reliability.Hosting;
using CohortKit.Reliability.Incidents;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Tests.Hosting;

/// <summary>AddReliability: validation at start, idempotence, configuration binding.</summary>
public sealed class ReliabilityCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddReliability_InvalidObjective_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddReliability(o => o.Objective = 1).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<SloMonitor>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*Objective*");
    }

    [Fact]
    public void AddReliability_Twice_AddsNothingNew_AndResolves()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddReliability(o => o.Objective = 0.9999);
        var count = services.Count;
        services.AddCohortKit().AddReliability();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<SloMonitor>().Objective.Should().Be(0.9999);
    }

    [Fact]
    public void AddReliability_BindsConfiguration_RulesReplaceTheDefaults()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slo:Objective"] = "0.995",
            ["Slo:Alerts:0:Severity"] = "Ticket",
            ["Slo:Alerts:0:LongWindow"] = "02:00:00",
            ["Slo:Alerts:0:ShortWindow"] = "00:10:00",
            ["Slo:Alerts:0:BurnRate"] = "3",
        }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddReliability(config).Services.BuildServiceProvider();
        var status = sp.GetRequiredService<SloMonitor>().Evaluate();
        status.Objective.Should().Be(0.995);
        status.Alerts.Should().ContainSingle().Which.Should().Match<BurnRateAlertState>(a => a.Severity == AlertSeverity.Ticket && a.LongWindow == TimeSpan.FromHours(2) && a.Threshold == 3);
    }

    [Fact]
    public void AddReliability_NegativePrice_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddReliability(null, c => c.ReservedPricePerHour = -1).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<CapacityPlanner>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*ReservedPricePerHour*");
    }

    private sealed class Disable : IRunbookAction
    {
        public RunbookActionKind Kind => RunbookActionKind.DisableModel;

        public Task<RunbookActionOutcome> ExecuteAsync(RunbookActionRequest request, CancellationToken cancellationToken) => Task.FromResult(new RunbookActionOutcome(true, "off"));
    }

    [Fact]
    public async Task AddReliability_CoordinatorGetsRegisteredRunbookActions()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRunbookAction, Disable>();
        using var sp = services.AddCohortKit().AddReliability(null, null, i => i.AcknowledgementDeadline = TimeSpan.FromMinutes(2)).Services.BuildServiceProvider();
        var coordinator = sp.GetRequiredService<IncidentCoordinator>();
        var id = coordinator.Raise(new Alert("m", CohortKit.Reliability.Slo.AlertSeverity.Page, "drift"));
        (await coordinator.ExecuteAsync(id, RunbookActionKind.DisableModel, "churn")).Succeeded.Should().BeTrue();
    }
}
