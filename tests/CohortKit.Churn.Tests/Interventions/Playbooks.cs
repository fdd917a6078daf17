using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Learners;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>Small playbooks and score sets for the orchestrator tests.</summary>
internal static class Playbooks
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>One band [0.5, 1], one rule → <paramref name="action"/> with the given limits.</summary>
    public static InterventionPlaybook Single(int budget, int cooldown = 0, int capMax = 100, int capWindow = 1,
        double holdout = 0, string action = "nudge") => new()
    {
        Holdout = new HoldoutSettings { Fraction = holdout, Salt = "test" },
        Bands = [new RiskBand { Name = "high", Min = 0.5, Max = 1 }],
        Actions = [new InterventionAction { Name = action, DailyBudget = budget }],
        Rules =
        [
            new PlaybookRule
            {
                Id = "r", Band = "high", Segment = "*", Action = action, Priority = 0, CooldownDays = cooldown,
                FrequencyCap = new FrequencyCap { Max = capMax, WindowDays = capWindow },
            },
        ],
    };

    /// <summary>n learners with ids 1..n, risk spread over [0.5, 1) and segment "a".</summary>
    public static LearnerScore[] HighRisk(int n) =>
        [.. Enumerable.Range(1, n).Select(i => new LearnerScore(new LearnerId(i), 0.5 + 0.5 * i / (n + 1.0), "a"))];
}
