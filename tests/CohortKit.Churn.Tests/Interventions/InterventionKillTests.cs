using Microsoft.Extensions.Time.Testing;
using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Storage;
using Microsoft.Data.Sqlite;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>A run killed mid-dispatch and rerun sends each decision exactly once, with the in-memory store and with SQLite
/// reopened from its file (as a new process would).</summary>
public sealed class InterventionKillTests : IDisposable
{
    private const int Learners = 60;
    private readonly string _directory = Directory.CreateTempSubdirectory("cohortkit-kill-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    public static TheoryData<bool, int, bool> Kills()
    {
        var data = new TheoryData<bool, int, bool>();
        foreach (var sqlite in new[] { false, true })
        {
            data.Add(sqlite, 0, true); // the first call is cancelled before it delivers
            foreach (var k in new[] { 1, 7, 20, 35 })
            {
                data.Add(sqlite, k, false); // cancelled between calls after k deliveries
                data.Add(sqlite, k, true);  // the (k+1)-th call itself is cancelled before it delivers
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kills))]
    public async Task RunAsync_KilledAfterKSends_RerunSendsEachDecisionExactlyOnce(bool sqlite, int k, bool insideTheCall)
    {
        var path = Path.Combine(_directory, $"kill-{k}-{insideTheCall}.db");
        var playbook = Playbooks.Single(budget: Learners, holdout: 0.2);
        var clock = new FakeTimeProvider(Playbooks.Start);
        var channel = new RecordingChannel();
        var memory = new InMemoryInterventionStore();
        IInterventionStore Store() => sqlite ? new SqliteInterventionStore($"Data Source={path}") : memory;

        using (var kill = new CancellationTokenSource())
        {
            channel.Kill = kill;
            channel.KillAfterDeliveries = insideTheCall ? null : k;
            channel.CancelInsideAfter = insideTheCall ? k : null;
            var first = new InterventionOrchestrator(playbook, Store(), channel, timeProvider: clock);
            await FluentActions.Awaiting(() => first.RunAsync(Playbooks.HighRisk(Learners), kill.Token))
                .Should().ThrowAsync<OperationCanceledException>();
        }

        channel.Delivered.Should().Be(k);
        channel.Kill = null;
        channel.KillAfterDeliveries = null;
        channel.CancelInsideAfter = null;
        clock.Advance(TimeSpan.FromHours(1)); // same day, a new process
        var rerun = new InterventionOrchestrator(playbook, Store(), channel, timeProvider: clock);
        var report = await rerun.RunAsync(Playbooks.HighRisk(Learners));

        var decisions = await Store().GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default);
        var toSend = decisions.Where(d => d.State != DecisionState.Withheld).Select(d => d.Key).ToList();
        report.Planned.Should().Be(0, "the first run planned and persisted every decision before dispatching");
        toSend.Should().HaveCountGreaterThan(k);
        channel.Deliveries.Keys.Should().BeEquivalentTo(toSend);
        channel.Deliveries.Values.Should().AllBeEquivalentTo(1);
        decisions.Where(d => d.State != DecisionState.Withheld).Should().OnlyContain(d => d.State == DecisionState.Sent);
    }

    [Fact]
    public async Task RunAsync_ChannelThrowsItsOwnCancellation_IsAFailureRetriedLater()
    {
        // A channel timeout (OperationCanceledException not from the run's token) is a failed send, not a stopped run.
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel { CancelInsideAfter = 2 };
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 5), store, channel, timeProvider: new FakeTimeProvider(Playbooks.Start));

        var report = await orchestrator.RunAsync(Playbooks.HighRisk(5));

        report.Sent.Should().Be(2);
        report.Failed.Should().Be(3);
        channel.CancelInsideAfter = null;
        (await orchestrator.DispatchPendingAsync()).Sent.Should().Be(3);
        channel.Deliveries.Values.Should().HaveCount(5).And.AllBeEquivalentTo(1);
    }

    [Fact]
    public async Task SqliteStore_RoundTripsEveryField()
    {
        var store = new SqliteInterventionStore($"Data Source={Path.Combine(_directory, "roundtrip.db")}");
        var day = new DateOnly(2026, 3, 2);
        var decision = new InterventionDecision
        {
            Key = new DecisionKey(new CohortKit.Learners.LearnerId(-42), "tutor_outreach", day), RuleId = "r1",
            State = DecisionState.Failed, Attempts = 3, PlannedAt = Playbooks.Start, UpdatedAt = Playbooks.Start.AddMinutes(5), LastError = "IOException",
        };

        (await store.AddAsync([decision, decision with { State = DecisionState.Sent }], default)).Should().Be(1);
        var back = await new SqliteInterventionStore($"Data Source={Path.Combine(_directory, "roundtrip.db")}").GetDecisionsAsync(day, day, default);

        back.Should().ContainSingle().Which.Should().Be(decision);
        (await store.GetPendingAsync(default)).Should().ContainSingle();
        await FluentActions.Awaiting(() => store.UpdateAsync(decision with { Key = decision.Key with { Action = "x" } }, default).AsTask())
            .Should().ThrowAsync<KeyNotFoundException>();
    }
}
