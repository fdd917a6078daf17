using Microsoft.Extensions.Time.Testing;
using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Churn.Interventions.Storage;
using CohortKit.Learners;
using FsCheck;
using FsCheck.Xunit;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>Property tests: under random playbooks, risks, segments and a flaky channel over several days, no budget, cap
/// or cooldown is exceeded, the holdout is never treated, and no decision is delivered twice.</summary>
public sealed class InterventionInvariantTests
{
    private const int Days = 8;

    [Property(MaxTest = 80)]
    public bool RandomPlaybooksAndRisks_NeverExceedBudgetCapOrCooldown_AndNeverTreatTheHoldout(PositiveInt seedSource)
    {
        var seed = seedSource.Get;
        var rng = new Random(seed);
        var playbook = RandomPlaybook(rng);
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel();
        var failRng = new Random(seed + 1);
        channel.FailCall = _ => failRng.NextDouble() < 0.2;
        var clock = new FakeTimeProvider(Playbooks.Start);
        var orchestrator = new InterventionOrchestrator(playbook, store, channel, new InterventionOptions { RetryWindowDays = 1 }, clock);
        var learners = rng.Next(30, 90);
        string[] segments = ["s0", "s1", "s2"];

        Task.Run(async () =>
        {
            for (var day = 0; day < Days; day++)
            {
                var scores = Enumerable.Range(1, learners)
                    .Select(i => new LearnerScore(new LearnerId(i), rng.NextDouble(), segments[rng.Next(segments.Length)]))
                    .ToArray();
                await orchestrator.RunAsync(scores);
                clock.Advance(TimeSpan.FromDays(1));
            }
        }).GetAwaiter().GetResult();

        var decisions = store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default).AsTask().GetAwaiter().GetResult();
        return Violations(playbook, orchestrator.Holdout, decisions, channel).Count == 0;
    }

    [Property(MaxTest = 40)]
    public bool RandomKillsAndReruns_SendEachDecisionExactlyOnce_WithinEveryLimit(PositiveInt seedSource)
    {
        var seed = seedSource.Get;
        var rng = new Random(seed);
        var playbook = RandomPlaybook(rng);
        var store = new InMemoryInterventionStore();
        var channel = new RecordingChannel();
        var clock = new FakeTimeProvider(Playbooks.Start);
        var orchestrator = new InterventionOrchestrator(playbook, store, channel, new InterventionOptions { RetryWindowDays = 3 }, clock);
        var learners = rng.Next(20, 60);

        Task.Run(async () =>
        {
            for (var day = 0; day < Days; day++)
            {
                var scores = Enumerable.Range(1, learners).Select(i => new LearnerScore(new LearnerId(i), rng.NextDouble(), "s0")).ToArray();
                using var kill = new CancellationTokenSource();
                channel.Kill = kill;
                var k = channel.Delivered + rng.Next(0, 6);
                var inside = rng.Next(2) == 0;
                channel.KillAfterDeliveries = inside ? null : k;
                channel.CancelInsideAfter = inside ? k : null;
                try
                {
                    await orchestrator.RunAsync(scores, kill.Token);
                }
                catch (OperationCanceledException)
                {
                    // killed: a new process reruns the same day
                }

                (channel.Kill, channel.KillAfterDeliveries, channel.CancelInsideAfter) = (null, null, null);
                clock.Advance(TimeSpan.FromHours(1));
                await orchestrator.RunAsync(scores);
                clock.Advance(TimeSpan.FromHours(23));
            }
        }).GetAwaiter().GetResult();

        var decisions = store.GetDecisionsAsync(DateOnly.MinValue, DateOnly.MaxValue, default).AsTask().GetAwaiter().GetResult();
        return Violations(playbook, orchestrator.Holdout, decisions, channel).Count == 0
            && decisions.All(d => d.State is DecisionState.Sent or DecisionState.Withheld);
    }

    [Fact]
    public void Violations_DetectsABrokenBudgetCapCooldownAndHoldout()
    {
        // The checker itself must be able to fail: feed it hand-made violations.
        var playbook = Playbooks.Single(budget: 1, cooldown: 3, capMax: 1, capWindow: 2, holdout: 0.5);
        var holdout = new InterventionHoldout(playbook.Holdout);
        var treatedId = Enumerable.Range(1, 100).Select(i => new LearnerId(i)).First(i => !holdout.IsHeldOut(i));
        var heldId = Enumerable.Range(1, 100).Select(i => new LearnerId(i)).First(holdout.IsHeldOut);
        var day = DateOnly.FromDateTime(Playbooks.Start.UtcDateTime);
        InterventionDecision D(LearnerId l, int d, DecisionState s) => new()
        {
            Key = new DecisionKey(l, "nudge", day.AddDays(d)), RuleId = "r", State = s, Attempts = 1, PlannedAt = Playbooks.Start, UpdatedAt = Playbooks.Start,
        };

        Violations(playbook, holdout, [D(treatedId, 0, DecisionState.Sent), D(treatedId, 1, DecisionState.Sent)], new RecordingChannel())
            .Should().Contain(v => v.Contains("cooldown")).And.Contain(v => v.Contains("cap"));
        Violations(playbook, holdout, [D(treatedId, 0, DecisionState.Planned), D(heldId, 0, DecisionState.Withheld)], new RecordingChannel())
            .Should().Contain(v => v.Contains("budget"));
        Violations(playbook, holdout, [D(heldId, 0, DecisionState.Sent)], new RecordingChannel())
            .Should().Contain(v => v.Contains("holdout"));
    }

    internal static List<string> Violations(InterventionPlaybook playbook, InterventionHoldout holdout,
        IReadOnlyList<InterventionDecision> decisions, RecordingChannel channel)
    {
        var violations = new List<string>();
        var budgets = playbook.Actions.ToDictionary(a => a.Name, a => a.DailyBudget);
        var rules = playbook.Rules.ToDictionary(r => r.Id);
        foreach (var group in decisions.GroupBy(d => (d.Key.Action, d.Key.Day)))
        {
            if (group.Count() > budgets[group.Key.Action])
            {
                violations.Add($"budget of {group.Key.Action} on {group.Key.Day}: {group.Count()} > {budgets[group.Key.Action]}");
            }
        }

        var live = decisions.Where(d => d.State != DecisionState.Expired).ToList();
        foreach (var learner in live.GroupBy(d => d.Key.Learner))
        {
            if (learner.GroupBy(d => d.Key.Day).Any(g => g.Count() > 1))
            {
                violations.Add($"two decisions on one day for {learner.Key}");
            }

            foreach (var d in learner)
            {
                var rule = rules[d.RuleId];
                var ages = learner.Select(o => (Other: o, Age: d.Key.Day.DayNumber - o.Key.Day.DayNumber)).ToList();
                if (ages.Any(x => x.Age > 0 && x.Age < rule.CooldownDays && x.Other.Key.Action == d.Key.Action))
                {
                    violations.Add($"cooldown of {rule.Id} broken on {d.Key}");
                }

                if (ages.Count(x => x.Age >= 0 && x.Age < rule.FrequencyCap.WindowDays) > rule.FrequencyCap.Max)
                {
                    violations.Add($"frequency cap of {rule.Id} broken on {d.Key}");
                }
            }
        }

        foreach (var d in decisions)
        {
            var held = holdout.IsHeldOut(d.Key.Learner);
            if (held != (d.State == DecisionState.Withheld))
            {
                violations.Add($"holdout state wrong for {d.Key}: {d.State}");
            }

            var delivered = channel.Deliveries.GetValueOrDefault(d.Key);
            if (delivered != (d.State == DecisionState.Sent ? 1 : 0))
            {
                violations.Add($"{d.Key} delivered {delivered} times in state {d.State}");
            }
        }

        if (channel.Deliveries.Keys.Any(k => holdout.IsHeldOut(k.Learner)))
        {
            violations.Add("a holdout learner was delivered to");
        }

        return violations;
    }

    private static InterventionPlaybook RandomPlaybook(Random rng)
    {
        var cuts = Enumerable.Range(0, rng.Next(1, 4) * 2).Select(_ => Math.Round(rng.NextDouble(), 2)).Append(0).Append(1)
            .Distinct().Order().ToArray();
        var bands = new List<RiskBand>();
        for (var i = 0; i + 1 < cuts.Length; i++)
        {
            if (rng.NextDouble() < 0.75) // leave some gaps
            {
                bands.Add(new RiskBand { Name = $"b{i}", Min = cuts[i], Max = cuts[i + 1] });
            }
        }

        if (bands.Count == 0)
        {
            bands.Add(new RiskBand { Name = "all", Min = 0, Max = 1 });
        }

        var actions = Enumerable.Range(0, rng.Next(1, 5)).Select(i => new InterventionAction { Name = $"act{i}", DailyBudget = rng.Next(0, 9) }).ToList();
        string[] segments = ["*", "s0", "s1"];
        var rules = Enumerable.Range(0, rng.Next(1, 7)).Select(i => new PlaybookRule
        {
            Id = $"rule{i}",
            Band = bands[rng.Next(bands.Count)].Name,
            Segment = segments[rng.Next(segments.Length)],
            Action = actions[rng.Next(actions.Count)].Name,
            Priority = rng.Next(0, 4),
            CooldownDays = rng.Next(0, 6),
            FrequencyCap = new FrequencyCap { Max = rng.Next(1, 4), WindowDays = rng.Next(1, 8) },
        }).ToList();
        return new InterventionPlaybook
        {
            Holdout = new HoldoutSettings { Fraction = Math.Round(rng.NextDouble() * 0.5, 2), Salt = $"salt{rng.Next()}" },
            Bands = bands,
            Actions = actions,
            Rules = rules,
        };
    }
}
