using Microsoft.Extensions.Time.Testing;
using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Outcomes;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Churn.Interventions.Storage;
using CohortKit.Learners;
using CohortKit.Randomness;
using Microsoft.Data.Sqlite;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>The example of docs/churn.md ("The intervention orchestrator"), run on 2,000 simulated learners whose churn the tutor outreach and
/// the nudges truly lower by 10 points: the readout must find an effect whose interval contains it.</summary>
public sealed class InterventionDocsExampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cohortkit-docs-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task DocumentedExample_RunsAndReadsOutTheTrueEffect()
    {
        var myChannel = new RecordingChannel();
        var rng = new Xoshiro256(20261129, 0);
        LearnerScore[] scores = [.. Enumerable.Range(0, 2000).Select(i => new LearnerScore(new LearnerId(i), 0.3 + 0.7 * rng.NextDouble(), i % 3 == 0 ? "new" : "returning"))];

        // --- as in the docs ---
        var playbook = PlaybookLoader.Load(Path.Combine(AppContext.BaseDirectory, "Interventions", "intervention-playbook.json"));
        var store = new SqliteInterventionStore($"Data Source={Path.Combine(_directory, "interventions.db")}");
        var orchestrator = new InterventionOrchestrator(playbook, store, myChannel, timeProvider: new FakeTimeProvider(Playbooks.Start));
        InterventionRunReport report = await orchestrator.RunAsync(scores);
        var decisions = await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default);
        // --- outcomes: churn probability = risk, minus 0.10 for a learner who was sent an action ---
        var churnedByLearner = scores.ToDictionary(s => s.Learner,
            s => rng.NextBool(s.Risk - (decisions.Any(d => d.Key.Learner == s.Learner && d.State == Churn.Interventions.Dispatch.DecisionState.Sent) ? 0.10 : 0)));
        InterventionOutcome outcome = InterventionReadout.Compute(decisions, churnedByLearner);

        report.Sent.Should().Be(myChannel.Delivered).And.BePositive();
        outcome.HoldoutLearners.Should().BePositive();
        outcome.Difference.Interval.Contains(-0.10).Should().BeTrue($"the true effect is −0.10; estimated {outcome.Difference.AbsoluteEffect:F3} {outcome.Difference.Interval}");
    }
}
