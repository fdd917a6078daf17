using CohortKit.Reliability.Incidents;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Reliability.Tests.Incidents;

/// <summary>The coordinator on a <see cref="FakeTimeProvider"/>: deduplication, the 5-minute acknowledgement deadline and its
/// escalations, runbook actions through handlers, and MTTA/MTTR computed by hand from the scripted times.</summary>
public sealed class IncidentCoordinatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class RecordingAction(RunbookActionKind kind, bool succeeds = true, bool throws = false) : IRunbookAction
    {
        public List<RunbookActionRequest> Requests { get; } = [];

        public RunbookActionKind Kind => kind;

        public Task<RunbookActionOutcome> ExecuteAsync(RunbookActionRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return throws ? throw new InvalidOperationException("rollback API down") : Task.FromResult(new RunbookActionOutcome(succeeds, succeeds ? "done" : "refused"));
        }
    }

    [Fact]
    public void Raise_NotAcknowledged_EscalatesEveryDeadlineUpToTheLimit()
    {
        var time = new FakeTimeProvider(Start);
        using var c = new IncidentCoordinator(new IncidentOptions(), timeProvider: time);
        var id = c.Raise(new Alert("api-availability", AlertSeverity.Ticket, "burn 1x over 3d"));
        time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        c.Incidents()[0].Escalations.Should().Be(0);
        time.Advance(TimeSpan.FromSeconds(1));
        c.Incidents()[0].Should().Match<IncidentReport>(i => i.Escalations == 1 && i.Severity == IncidentSeverity.High);
        time.Advance(TimeSpan.FromMinutes(30));
        var incident = c.Incidents()[0];
        incident.Escalations.Should().Be(3, "MaxEscalations is 3 by default");
        incident.Severity.Should().Be(IncidentSeverity.Critical);
        incident.Timeline.Where(e => e.Kind == TimelineEntryKind.Escalated).Select(e => e.At)
            .Should().Equal(Start.AddMinutes(5), Start.AddMinutes(10), Start.AddMinutes(15));
        c.Acknowledge(id, "secondary");
        c.Incidents()[0].TimeToAcknowledge.Should().Be(TimeSpan.FromMinutes(35));
    }

    [Fact]
    public void Acknowledge_AfterResolve_IsIgnored_AndMttaCountsOnlyOpenIncidents()
    {
        // Incident A: resolved at 5 s, "acknowledged" at 6 s (ignored). Incident B: acknowledged at 40 s after opening at 10 s.
        // MTTA is over acknowledged incidents only: (40 − 10) = 30 s, not (6 + 30) / 2 = 18 s.
        var time = new FakeTimeProvider(Start);
        using var c = new IncidentCoordinator(new IncidentOptions(), timeProvider: time);
        var a = c.Raise(new Alert("a", AlertSeverity.Page, "a"));
        time.Advance(TimeSpan.FromSeconds(5));
        c.Resolve(a, "fixed");
        time.Advance(TimeSpan.FromSeconds(1));
        c.Acknowledge(a, "late");
        time.Advance(TimeSpan.FromSeconds(4));
        var b = c.Raise(new Alert("b", AlertSeverity.Page, "b"));
        time.Advance(TimeSpan.FromSeconds(30));
        c.Acknowledge(b, "on-call");

        var first = c.Incidents()[0];
        first.AcknowledgedAt.Should().BeNull();
        first.Timeline.Should().NotContain(e => e.Kind == TimelineEntryKind.Acknowledged);
        c.Metrics().MeanTimeToAcknowledge.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Acknowledge_BeforeTheDeadline_StopsEscalation()
    {
        var time = new FakeTimeProvider(Start);
        using var c = new IncidentCoordinator(new IncidentOptions(), timeProvider: time);
        var id = c.Raise(new Alert("api", AlertSeverity.Page, "burn 14.4x"));
        time.Advance(TimeSpan.FromMinutes(4));
        c.Acknowledge(id, "primary");
        time.Advance(TimeSpan.FromHours(1));
        var i = c.Incidents()[0];
        (i.Escalations, i.Severity, i.TimeToAcknowledge).Should().Be((0, IncidentSeverity.High, (TimeSpan?)TimeSpan.FromMinutes(4)));
    }

    [Fact]
    public void Raise_SameFingerprintWhileOpen_Deduplicates_AndRaisesSeverity_ThenANewIncidentAfterResolve()
    {
        var time = new FakeTimeProvider(Start);
        using var c = new IncidentCoordinator(new IncidentOptions(), timeProvider: time);
        var first = c.Raise(new Alert("quiz-latency", AlertSeverity.Ticket, "slow"));
        time.Advance(TimeSpan.FromMinutes(1));
        c.Raise(new Alert("quiz-latency", AlertSeverity.Page, "very slow")).Should().Be(first);
        c.Raise(new Alert("api", AlertSeverity.Page, "other")).Should().NotBe(first);
        c.Incidents()[0].Should().Match<IncidentReport>(i => i.Alerts == 2 && i.Severity == IncidentSeverity.High);
        c.Resolve(first, "cache warmed");
        c.Raise(new Alert("quiz-latency", AlertSeverity.Ticket, "again")).Should().Be(3);
    }

    [Fact]
    public void Metrics_MttaAndMttr_AreTheMeansOfTheScriptedTimes()
    {
        // Incident 1: ack after 2 min, resolved after 12 min. Incident 2 (opened at +20 min): ack after 4 min, resolved after 8 min.
        // Incident 3 (opened at +40 min): never acknowledged or resolved, so it counts in neither mean.
        // MTTA = (2 + 4)/2 = 3 min; MTTR = (12 + 8)/2 = 10 min.
        var time = new FakeTimeProvider(Start);
        using var c = new IncidentCoordinator(new IncidentOptions(), timeProvider: time);
        var a = c.Raise(new Alert("a", AlertSeverity.Page, "a"));
        time.Advance(TimeSpan.FromMinutes(2)); c.Acknowledge(a, "x");
        time.Advance(TimeSpan.FromMinutes(10)); c.Resolve(a, "fixed");
        time.Advance(TimeSpan.FromMinutes(8));
        var b = c.Raise(new Alert("b", AlertSeverity.Page, "b"));
        time.Advance(TimeSpan.FromMinutes(4)); c.Acknowledge(b, "y");
        time.Advance(TimeSpan.FromMinutes(4)); c.Resolve(b, "fixed");
        time.Advance(TimeSpan.FromMinutes(12));
        c.Raise(new Alert("c", AlertSeverity.Page, "c"));
        var m = c.Metrics();
        m.Incidents.Should().Be(3);
        m.MeanTimeToAcknowledge.Should().Be(TimeSpan.FromMinutes(3));
        m.MeanTimeToResolve.Should().Be(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task ExecuteAsync_RunsTheHandler_AndRecordsOutcomesOnTheTimeline()
    {
        var time = new FakeTimeProvider(Start);
        var rollback = new RecordingAction(RunbookActionKind.RollbackDeployment);
        var failover = new RecordingAction(RunbookActionKind.FailOverRegion, throws: true);
        using var c = new IncidentCoordinator(new IncidentOptions(), [rollback, failover], time);
        var id = c.Raise(new Alert("api", AlertSeverity.Page, "errors after deploy"));
        (await c.ExecuteAsync(id, RunbookActionKind.RollbackDeployment, "web@v42")).Succeeded.Should().BeTrue();
        (await c.ExecuteAsync(id, RunbookActionKind.FailOverRegion, "eu-west")).Should().Match<RunbookActionOutcome>(o => !o.Succeeded && o.Detail.Contains("rollback API down"));
        rollback.Requests.Should().Equal(new RunbookActionRequest(id, RunbookActionKind.RollbackDeployment, "web@v42"));
        c.Incidents()[0].Timeline.Select(e => e.Kind).Should().Equal(TimelineEntryKind.Opened, TimelineEntryKind.ActionStarted, TimelineEntryKind.ActionSucceeded, TimelineEntryKind.ActionStarted, TimelineEntryKind.ActionFailed);
    }

    [Fact]
    public async Task ExecuteAsync_NoHandler_ThrowsNamingTheAction()
    {
        using var c = new IncidentCoordinator(new IncidentOptions(), [new RecordingAction(RunbookActionKind.RollbackDeployment)], new FakeTimeProvider(Start));
        var id = c.Raise(new Alert("m", AlertSeverity.Page, "model drift"));
        var act = () => c.ExecuteAsync(id, RunbookActionKind.DisableModel, "churn-v3");
        (await act.Should().ThrowAsync<RunbookActionNotRegisteredException>()).Which.Kind.Should().Be(RunbookActionKind.DisableModel);
        c.Incidents()[0].Timeline.Should().ContainSingle("nothing is written for an action that cannot run");
    }

    [Fact]
    public void Constructor_TwoHandlersForOneKind_AndInvalidOptions_Throw()
    {
        new Action(() => _ = new IncidentCoordinator(new IncidentOptions(), [new RecordingAction(RunbookActionKind.DisableModel), new RecordingAction(RunbookActionKind.DisableModel)]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("actions");
        new Action(() => _ = new IncidentCoordinator(new IncidentOptions { AcknowledgementDeadline = TimeSpan.Zero }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("AcknowledgementDeadline");
    }

    [Fact]
    public async Task UnknownIncident_ThrowsNamingIncidentId()
    {
        using var c = new IncidentCoordinator(new IncidentOptions(), [new RecordingAction(RunbookActionKind.DisableModel)]);
        new Action(() => c.Acknowledge(7, "me")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("incidentId");
        new Action(() => c.Resolve(0, "done")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("incidentId");
        var execute = () => c.ExecuteAsync(3, RunbookActionKind.DisableModel, "churn");
        (await execute.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("incidentId");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Constructor_MaxEscalationsOutsideZeroToOneThousand_ThrowsNamingIt(int maxEscalations)
        => new Action(() => _ = new IncidentCoordinator(new IncidentOptions { MaxEscalations = maxEscalations }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxEscalations");

    [Fact]
    public void PostmortemDraft_HasTheTimelineAndResponseTimes()
    {
        var time = new FakeTimeProvider(Start);
        using var c = new IncidentCoordinator(new IncidentOptions(), timeProvider: time);
        var id = c.Raise(new Alert("api", AlertSeverity.Page, "5xx burn"));
        time.Advance(TimeSpan.FromMinutes(6));
        c.Acknowledge(id, "primary");
        time.Advance(TimeSpan.FromHours(25));
        c.Resolve(id, "rolled back");
        var md = PostmortemWriter.Draft(c.Incidents()[0]);
        md.Should().StartWith("# Postmortem (draft): incident 1, 5xx burn")
            .And.Contain("| 2026-03-01 12:05:00 | 00:05:00 | Escalated |")
            .And.Contain("Time to acknowledge: 00:06:00; time to resolve: 25:06:00.")
            .And.Contain("The acknowledgement deadline was missed");
    }
}
