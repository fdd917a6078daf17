using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Records;

namespace CohortKit.Deployment.Tests.Records;

public sealed class DoraMetricsTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static DeploymentRecord Record(int day, DeploymentOutcome outcome, double leadHours = 0, double restoreMinutes = 0) => new()
    {
        Id = $"d{day}",
        Version = $"v{day}",
        CommittedAt = Day0.AddDays(day).AddHours(-leadHours),
        StartedAt = Day0.AddDays(day),
        FinishedAt = Day0.AddDays(day).AddMinutes(10),
        Outcome = outcome,
        FailureDetectedAt = outcome == DeploymentOutcome.FailedInProduction ? Day0.AddDays(day).AddMinutes(5) : null,
        RestoredAt = outcome == DeploymentOutcome.FailedInProduction ? Day0.AddDays(day).AddMinutes(5 + restoreMinutes) : null,
    };

    [Fact]
    public void Compute_HandWorkedWindow_GivesTheFourFigures()
    {
        // 10-day window: 4 successes (lead times 1, 2, 3, 10 h plus the 10 min to finish), 2 production failures
        // (restored in 2 and 4 min), 1 stopped by a gate, 1 outside the window.
        var records = new[]
        {
            Record(0, DeploymentOutcome.Succeeded, 1), Record(1, DeploymentOutcome.Succeeded, 2), Record(2, DeploymentOutcome.Succeeded, 3),
            Record(3, DeploymentOutcome.Succeeded, 10), Record(4, DeploymentOutcome.FailedInProduction, restoreMinutes: 2),
            Record(5, DeploymentOutcome.FailedInProduction, restoreMinutes: 4), Record(6, DeploymentOutcome.StoppedByGate), Record(12, DeploymentOutcome.Succeeded, 1),
        };
        var report = DoraMetrics.Compute(records, Day0, Day0.AddDays(10));
        report.Deployments.Should().Be(6);
        report.StoppedByGates.Should().Be(1);
        report.DeploymentsPerDay.Should().Be(0.4);
        report.MedianLeadTime.Should().Be(TimeSpan.FromHours(2.5) + TimeSpan.FromMinutes(10));
        report.ChangeFailureRate.Should().BeApproximately(2.0 / 6, 1e-12);
        report.MedianTimeToRestore.Should().Be(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void Compute_EmptyWindow_Throws() =>
        FluentActions.Invoking(() => DoraMetrics.Compute([], Day0, Day0)).Should().Throw<ArgumentException>().WithParameterName("to");

    [Fact]
    public void Compute_NoRecords_ZeroRatesAndNoMedians()
    {
        var report = DoraMetrics.Compute([], Day0, Day0.AddDays(1));
        (report.Deployments, report.DeploymentsPerDay, report.ChangeFailureRate, report.MedianLeadTime, report.MedianTimeToRestore).Should().Be((0, 0.0, 0.0, (TimeSpan?)null, (TimeSpan?)null));
    }

    [Fact]
    public void FromState_RolledBackAfterSwitch_IsAFailureInProductionWithRestoreTimes()
    {
        var blue = new DeploymentTarget("b", new Uri("http://127.0.0.1:1/"));
        var green = new DeploymentTarget("g", new Uri("http://127.0.0.1:2/"));
        var state = new DeploymentState
        {
            Id = "x", Blue = blue, Green = green, Step = DeploymentStep.RolledBack, FailedInProduction = true, RollbackDecidedAt = Day0.AddSeconds(10),
            Timeline = [new(DeploymentStep.Idle, Day0, ""), new(DeploymentStep.Switched, Day0.AddSeconds(5), ""), new(DeploymentStep.RollingBack, Day0.AddSeconds(10), ""), new(DeploymentStep.RolledBack, Day0.AddSeconds(10.4), "")],
        };
        var record = DeploymentRecord.FromState(state);
        record.Outcome.Should().Be(DeploymentOutcome.FailedInProduction);
        (record.RestoredAt - record.FailureDetectedAt).Should().Be(TimeSpan.FromMilliseconds(400));
        record.Version.Should().Be("g");
        FluentActions.Invoking(() => DeploymentRecord.FromState(state with { Step = DeploymentStep.Switched })).Should().Throw<ArgumentException>().WithMessage("*has not finished*");
    }
}
