using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Learners;

namespace CohortKit.Churn.Interventions;

/// <summary>Step 1 of a run: turns scores, the playbook and the stored history into the day's new decisions. Pure: the
/// store and the clock are read by the orchestrator.</summary>
/// <remarks>Greedy by rule: rules in ascending priority (file order on ties); within a rule, learners by descending score
/// (risk or uplift), ties by ascending id. A learner gets at most one decision per day. A rule takes a learner only when
/// the risk is in its band, the segment matches, no contact of the same action lies in the last <c>cooldownDays</c> days,
/// fewer than <c>frequencyCap.max</c> contacts lie in the last <c>frequencyCap.windowDays</c> days (today included), and
/// the action's budget for the day is not spent. Holdout learners go through the same steps and spend budget, but their
/// decision is <see cref="DecisionState.Withheld"/>: the holdout is then selected exactly as the treated are.</remarks>
internal static class InterventionPlanner
{
    internal sealed record Plan(List<InterventionDecision> Decisions, int AlreadyDecided, int Cooldown, int Cap, int Budget);

    private enum Skip { None = 0, Budget = 1, Cap = 2, Cooldown = 3 }

    public static Plan Build(InterventionPlaybook playbook, InterventionHoldout holdout, IReadOnlyList<LearnerScore> scores,
        IReadOnlyList<InterventionDecision> history, DateOnly day, DateTimeOffset now, InterventionOptions options)
    {
        var contacts = new Dictionary<LearnerId, List<InterventionDecision>>();
        var budgetLeft = playbook.Actions.ToDictionary(a => a.Name, a => a.DailyBudget, StringComparer.Ordinal);
        foreach (var d in history)
        {
            if (!d.CountsAsContact || d.Key.Day > day)
            {
                continue;
            }

            if (!contacts.TryGetValue(d.Key.Learner, out var list))
            {
                contacts[d.Key.Learner] = list = [];
            }

            list.Add(d);
            if (d.Key.Day == day && budgetLeft.TryGetValue(d.Key.Action, out var left))
            {
                budgetLeft[d.Key.Action] = Math.Max(0, left - 1);
            }
        }

        var order = Rank(scores, options);
        var decided = new bool[scores.Count];
        var skip = new Skip[scores.Count];
        var already = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (contacts.TryGetValue(scores[i].Learner, out var list) && list.Exists(d => d.Key.Day == day))
            {
                decided[i] = true;
                already++;
            }
        }

        var bands = playbook.Bands.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var rules = playbook.Rules.Select((r, index) => (r, index)).OrderBy(x => x.r.Priority).ThenBy(x => x.index).Select(x => x.r);
        var decisions = new List<InterventionDecision>();
        foreach (var rule in rules)
        {
            var band = bands[rule.Band];
            foreach (var i in order)
            {
                var s = scores[i];
                if (decided[i] || !band.Contains(s.Risk) || !SegmentMatches(rule, s.Segment))
                {
                    continue;
                }

                var reason = Eligibility(rule, contacts.GetValueOrDefault(s.Learner), day);
                if (reason == Skip.None && budgetLeft[rule.Action] == 0)
                {
                    reason = Skip.Budget;
                }

                if (reason != Skip.None)
                {
                    skip[i] = skip[i] == Skip.None ? reason : skip[i];
                    continue;
                }

                budgetLeft[rule.Action]--;
                decided[i] = true;
                decisions.Add(new InterventionDecision
                {
                    Key = new DecisionKey(s.Learner, rule.Action, day),
                    RuleId = rule.Id,
                    State = holdout.IsHeldOut(s.Learner) ? DecisionState.Withheld : DecisionState.Planned,
                    Attempts = 0,
                    PlannedAt = now,
                    UpdatedAt = now,
                });
            }
        }

        int cooldown = 0, cap = 0, budget = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (decided[i]) { continue; }
            cooldown += skip[i] == Skip.Cooldown ? 1 : 0;
            cap += skip[i] == Skip.Cap ? 1 : 0;
            budget += skip[i] == Skip.Budget ? 1 : 0;
        }

        return new Plan(decisions, already, cooldown, cap, budget);
    }

    /// <summary>The indices of the learners that may be targeted, best first.</summary>
    private static int[] Rank(IReadOnlyList<LearnerScore> scores, InterventionOptions options)
    {
        var uplift = options.Targeting == InterventionTargeting.Uplift;
        var candidates = Enumerable.Range(0, scores.Count);
        if (uplift)
        {
            candidates = candidates.Where(i => scores[i].Uplift!.Value > options.MinimumUplift);
        }

        return [.. candidates.OrderByDescending(i => uplift ? scores[i].Uplift!.Value : scores[i].Risk).ThenBy(i => scores[i].Learner.Value)];
    }

    private static bool SegmentMatches(PlaybookRule rule, string segment) =>
        rule.Segment == PlaybookValidator.AnySegment || string.Equals(rule.Segment, segment, StringComparison.Ordinal);

    private static Skip Eligibility(PlaybookRule rule, List<InterventionDecision>? contacts, DateOnly day)
    {
        if (contacts is null)
        {
            return Skip.None;
        }

        var inWindow = 0;
        foreach (var c in contacts)
        {
            var age = day.DayNumber - c.Key.Day.DayNumber;
            if (age < rule.CooldownDays && string.Equals(c.Key.Action, rule.Action, StringComparison.Ordinal))
            {
                return Skip.Cooldown;
            }

            inWindow += age < rule.FrequencyCap.WindowDays ? 1 : 0;
        }

        return inWindow >= rule.FrequencyCap.Max ? Skip.Cap : Skip.None;
    }
}
