using Microsoft.Extensions.Time.Testing;
using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Churn.Interventions.Storage;
using CohortKit.Learners;

namespace CohortKit.Churn.Tests.Interventions;

public sealed class InterventionOrchestratorTests
{
    [Fact]
    public async Task RunAsync_BudgetBelowDemand_SendsTheHighestRisksUpToTheBudget()
    {
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel();
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 3), store, channel, timeProvider: new FakeTimeProvider(Playbooks.Start));

        var report = await orchestrator.RunAsync(Playbooks.HighRisk(10));

        report.Planned.Should().Be(3);
        report.Sent.Should().Be(3);
        report.SkippedByBudget.Should().Be(7);
        channel.Deliveries.Keys.Select(k => k.Learner.Value).Should().BeEquivalentTo([10L, 9L, 8L]); // risk rises with the id
        channel.Deliveries.Values.Should().AllBeEquivalentTo(1);
    }

    [Fact]
    public async Task RunAsync_RerunSameDay_SendsNothingAgainAndKeepsTheBudget()
    {
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel();
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 3), store, channel, timeProvider: new FakeTimeProvider(Playbooks.Start));
        await orchestrator.RunAsync(Playbooks.HighRisk(10));

        var again = await orchestrator.RunAsync(Playbooks.HighRisk(10));

        again.Planned.Should().Be(0);
        again.Sent.Should().Be(0);
        again.AlreadyDecided.Should().Be(3);
        again.SkippedByBudget.Should().Be(7);
        channel.Delivered.Should().Be(3);
    }

    [Fact]
    public async Task RunAsync_Cooldown_SkipsTheSameActionUntilItEnds()
    {
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel();
        var clock = new FakeTimeProvider(Playbooks.Start);
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 100, cooldown: 3), store, channel, timeProvider: clock);
        var scores = Playbooks.HighRisk(5);

        var sentPerDay = new List<int>();
        for (var day = 0; day < 7; day++)
        {
            sentPerDay.Add((await orchestrator.RunAsync(scores)).Sent);
            clock.Advance(TimeSpan.FromDays(1));
        }

        // Contacted on day 0; age 1 and 2 are inside the 3-day cooldown; age 3 is not.
        sentPerDay.Should().Equal(5, 0, 0, 5, 0, 0, 5);
    }

    [Fact]
    public async Task RunAsync_FrequencyCap_CountsEveryActionInTheWindow()
    {
        var playbook = Playbooks.Single(budget: 100) with
        {
            Actions = [new InterventionAction { Name = "a", DailyBudget = 100 }, new InterventionAction { Name = "b", DailyBudget = 100 }],
            Rules =
            [
                new PlaybookRule { Id = "ra", Band = "high", Segment = "*", Action = "a", Priority = 0, CooldownDays = 2, FrequencyCap = new FrequencyCap { Max = 2, WindowDays = 5 } },
                new PlaybookRule { Id = "rb", Band = "high", Segment = "*", Action = "b", Priority = 1, CooldownDays = 2, FrequencyCap = new FrequencyCap { Max = 2, WindowDays = 5 } },
            ],
        };
        var store = new InMemoryInterventionStore();
        var clock = new FakeTimeProvider(Playbooks.Start);
        var orchestrator = new InterventionOrchestrator(playbook, store, new RecordingChannel(), timeProvider: clock);

        for (var day = 0; day < 6; day++)
        {
            await orchestrator.RunAsync(Playbooks.HighRisk(1));
            clock.Advance(TimeSpan.FromDays(1));
        }

        var decisions = await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default);
        // Day 0: a (priority 0). Day 1: a in its 2-day cooldown → b. Days 2–4: a's cooldown is over, but the learner has
        // 2 contacts (a and b) in the 5-day window → capped. Day 5: day 0's contact has left the window → a again.
        decisions.Select(d => (d.Key.Day.DayNumber - DateOnly.FromDateTime(Playbooks.Start.UtcDateTime).DayNumber, d.Key.Action))
            .Should().Equal((0, "a"), (1, "b"), (5, "a"));
    }

    [Fact]
    public async Task RunAsync_PriorityAndSegment_PickTheFirstMatchingRuleAndFallThroughOnBudget()
    {
        var playbook = Playbooks.Single(budget: 100) with
        {
            Actions = [new InterventionAction { Name = "tutor", DailyBudget = 1 }, new InterventionAction { Name = "email", DailyBudget = 100 }],
            Rules =
            [
                new PlaybookRule { Id = "email-any", Band = "high", Segment = "*", Action = "email", Priority = 5, CooldownDays = 0, FrequencyCap = new FrequencyCap { Max = 1, WindowDays = 1 } },
                new PlaybookRule { Id = "tutor-new", Band = "high", Segment = "new", Action = "tutor", Priority = 1, CooldownDays = 0, FrequencyCap = new FrequencyCap { Max = 1, WindowDays = 1 } },
            ],
        };
        var store = new InMemoryInterventionStore();
        var orchestrator = new InterventionOrchestrator(playbook, store, new RecordingChannel(), timeProvider: new FakeTimeProvider(Playbooks.Start));
        LearnerScore[] scores =
        [
            new(new LearnerId(1), 0.9, "new"), new(new LearnerId(2), 0.95, "new"), new(new LearnerId(3), 0.99, "old"), new(new LearnerId(4), 0.2, "new"),
        ];

        await orchestrator.RunAsync(scores);

        var decisions = await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default);
        decisions.ToDictionary(d => d.Key.Learner.Value, d => d.RuleId).Should().BeEquivalentTo(new Dictionary<long, string>
        {
            [2] = "tutor-new", // the riskiest "new" learner takes the one tutor slot
            [1] = "email-any", // tutor budget spent: falls through to the lower-priority rule
            [3] = "email-any", // not "new"
        });
    }

    [Fact]
    public async Task RunAsync_Holdout_IsWithheldNeverSentAndSelectedLikeTheTreated()
    {
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel();
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 10_000, holdout: 0.3), store, channel, timeProvider: new FakeTimeProvider(Playbooks.Start));
        var scores = Playbooks.HighRisk(2000);

        var report = await orchestrator.RunAsync(scores);

        var decisions = await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default);
        decisions.Should().HaveCount(2000);
        decisions.Where(d => d.State == DecisionState.Withheld).Should().OnlyContain(d => orchestrator.Holdout.IsHeldOut(d.Key.Learner));
        decisions.Where(d => d.State == DecisionState.Sent).Should().OnlyContain(d => !orchestrator.Holdout.IsHeldOut(d.Key.Learner));
        channel.Deliveries.Keys.Should().OnlyContain(k => !orchestrator.Holdout.IsHeldOut(k.Learner));
        report.Withheld.Should().Be(decisions.Count(d => d.State == DecisionState.Withheld));
        // 99.9% binomial interval of 2000 × 0.3: 600 ± 3.29·√(2000·0.3·0.7) = 600 ± 67.
        report.Withheld.Should().BeInRange(533, 667);
    }

    [Fact]
    public async Task RunAsync_FailingChannel_RecordsFailedAndSendsOnceOnALaterRun()
    {
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel { FailCall = call => call % 2 == 1 }; // every other call throws
        var clock = new FakeTimeProvider(Playbooks.Start);
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 4), store, channel, timeProvider: clock);

        var first = await orchestrator.RunAsync(Playbooks.HighRisk(4));
        first.Sent.Should().Be(2);
        first.Failed.Should().Be(2);
        var failed = (await store.GetPendingAsync(default)).Should().HaveCount(2).And.Subject;
        failed.Should().OnlyContain(d => d.State == DecisionState.Failed && d.Attempts == 1 && d.LastError == nameof(InvalidOperationException));

        channel.FailCall = _ => false;
        clock.Advance(TimeSpan.FromDays(1));
        var retry = await orchestrator.DispatchPendingAsync();

        retry.Sent.Should().Be(2);
        channel.Deliveries.Should().HaveCount(4).And.OnlyContain(kv => kv.Value == 1);
        (await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default)).Should().OnlyContain(d => d.State == DecisionState.Sent);
    }

    [Fact]
    public async Task RunAsync_FailedPastTheRetryWindow_IsExpiredNotSent()
    {
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel { FailCall = _ => true };
        var clock = new FakeTimeProvider(Playbooks.Start);
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 2), store, channel, new InterventionOptions { RetryWindowDays = 1 }, clock);
        await orchestrator.RunAsync(Playbooks.HighRisk(2));

        clock.Advance(TimeSpan.FromDays(2));
        channel.FailCall = _ => false;
        var later = await orchestrator.DispatchPendingAsync();

        later.Expired.Should().Be(2);
        later.Sent.Should().Be(0);
        channel.Delivered.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_UpliftTargeting_RanksByUpliftAndSkipsNonPositive()
    {
        var store = new InMemoryInterventionStore();
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 2), store, new RecordingChannel(),
            new InterventionOptions { Targeting = InterventionTargeting.Uplift }, new FakeTimeProvider(Playbooks.Start));
        LearnerScore[] scores =
        [
            new(new LearnerId(1), 0.99, "a", -0.05), new(new LearnerId(2), 0.6, "a", 0.20),
            new(new LearnerId(3), 0.7, "a", 0.10), new(new LearnerId(4), 0.95, "a", 0.0), new(new LearnerId(5), 0.8, "a", 0.15),
        ];

        await orchestrator.RunAsync(scores);

        (await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default)).Select(d => d.Key.Learner.Value)
            .Should().BeEquivalentTo([2L, 5L]);
    }

    public static TheoryData<LearnerScore[], string> BadScores => new()
    {
        { [new(new LearnerId(1), 0.7, "a"), new(new LearnerId(1), 0.8, "a")], "scores[1] repeats a learner" },
        { [new(new LearnerId(1), 1.2, "a")], "scores[0].Risk is 1.2" },
        { [new(new LearnerId(1), double.NaN, "a")], "scores[0].Risk is NaN" },
        { [new(new LearnerId(1), 0.7, "")], "scores[0].Segment is empty" },
        { [new(new LearnerId(1), 0.7, "a", 3.0)], "scores[0].Uplift is 3" },
    };

    [Theory]
    [MemberData(nameof(BadScores))]
    public async Task RunAsync_BadScore_ThrowsNamingTheIndexAndWritesNothing(LearnerScore[] scores, string expected)
    {
        var store = new InMemoryInterventionStore();
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 5), store, new RecordingChannel(), timeProvider: new FakeTimeProvider(Playbooks.Start));

        var e = await FluentActions.Awaiting(() => orchestrator.RunAsync(scores)).Should().ThrowAsync<ArgumentException>();

        e.Which.Message.Should().Contain(expected);
        e.Which.ParamName.Should().Be("scores");
        (await store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default)).Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_UpliftTargetingWithoutUplift_Throws()
    {
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 5), new InMemoryInterventionStore(), new RecordingChannel(),
            new InterventionOptions { Targeting = InterventionTargeting.Uplift }, new FakeTimeProvider(Playbooks.Start));

        await FluentActions.Awaiting(() => orchestrator.RunAsync(Playbooks.HighRisk(1)))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*scores[0].Uplift is missing*");
    }

    [Fact]
    public void Constructor_InvalidPlaybookOrOptions_Throws()
    {
        var bad = Playbooks.Single(budget: -1);
        FluentActions.Invoking(() => new InterventionOrchestrator(bad, new InMemoryInterventionStore(), new RecordingChannel()))
            .Should().Throw<PlaybookFormatException>().Which.Path.Should().Be("$.actions[0].dailyBudget");
        FluentActions.Invoking(() => new InterventionOrchestrator(Playbooks.Single(1), new InMemoryInterventionStore(), new RecordingChannel(), new InterventionOptions { RetryWindowDays = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(InterventionOptions.RetryWindowDays));
    }
}
