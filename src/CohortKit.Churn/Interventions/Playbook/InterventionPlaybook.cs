namespace CohortKit.Churn.Interventions.Playbook;

/// <summary>The business rules of the intervention orchestrator, usually read from <c>intervention-playbook.json</c> by
/// <see cref="PlaybookLoader"/>: risk bands, the declared actions with their daily budgets, the rules (band × segment →
/// action) and the permanent holdout. The schema is in docs/churn.md ("The intervention orchestrator").</summary>
/// <remarks>Immutable once built; <see cref="PlaybookValidator"/> checks every field and names it by its JSON path.</remarks>
public sealed record InterventionPlaybook
{
    /// <summary>Gets the permanent randomised holdout.</summary>
    public required HoldoutSettings Holdout { get; init; }

    /// <summary>Gets the risk bands; they must not overlap (gaps are allowed: a risk in no band is not targeted).</summary>
    public required IReadOnlyList<RiskBand> Bands { get; init; }

    /// <summary>Gets the declared actions: the only names a rule may use, each with its daily budget.</summary>
    public required IReadOnlyList<InterventionAction> Actions { get; init; }

    /// <summary>Gets the rules, applied in ascending <see cref="PlaybookRule.Priority"/> (ties in file order).</summary>
    public required IReadOnlyList<PlaybookRule> Rules { get; init; }
}

/// <summary>The permanent holdout: a learner is in it when a hash of (salt, learner id) falls below the fraction.</summary>
public sealed record HoldoutSettings
{
    /// <summary>Gets the share of learners never treated, in [0, 1).</summary>
    public required double Fraction { get; init; }

    /// <summary>Gets the salt; changing it reshuffles the holdout, so keep it for the life of the programme.</summary>
    public required string Salt { get; init; }
}

/// <summary>A risk band <c>[Min, Max)</c>; a band whose <see cref="Max"/> is 1 includes 1.</summary>
public sealed record RiskBand
{
    /// <summary>Gets the band's name, referred to by rules.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the inclusive lower bound of P(churn), in [0, 1).</summary>
    public required double Min { get; init; }

    /// <summary>Gets the exclusive upper bound of P(churn), in (Min, 1] (inclusive when 1).</summary>
    public required double Max { get; init; }

    /// <summary>Whether <paramref name="risk"/> lies in the band.</summary>
    /// <param name="risk">A probability in [0, 1].</param>
    /// <returns><see langword="true"/> when <c>Min ≤ risk &lt; Max</c>, or <c>risk = Max = 1</c>.</returns>
    public bool Contains(double risk) => risk >= Min && (risk < Max || (Max == 1 && risk == 1));
}

/// <summary>A declared action (e.g. <c>nudge_email</c>, <c>tutor_outreach</c>) and how many learners it may reach per day.</summary>
public sealed record InterventionAction
{
    /// <summary>Gets the action's name, passed to the channel.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the most decisions of this action per UTC day (holdout decisions included, see docs), at least 0.</summary>
    public required int DailyBudget { get; init; }
}

/// <summary>One rule: learners whose risk is in <see cref="Band"/> and whose segment is <see cref="Segment"/> get <see cref="Action"/>.</summary>
public sealed record PlaybookRule
{
    /// <summary>Gets the rule's unique id, stored with each decision it makes.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the name of the risk band the rule targets.</summary>
    public required string Band { get; init; }

    /// <summary>Gets the segment the rule targets, or <c>*</c> for every segment.</summary>
    public required string Segment { get; init; }

    /// <summary>Gets the action's name; it must be declared in <see cref="InterventionPlaybook.Actions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the priority: lower runs first and so gets the budget first (at least 0).</summary>
    public required int Priority { get; init; }

    /// <summary>Gets the days after a decision of the same action for a learner during which this rule skips that learner (0 = none).</summary>
    public required int CooldownDays { get; init; }

    /// <summary>Gets the per-learner frequency cap: at most <see cref="FrequencyCap.Max"/> interventions of any action in a
    /// rolling window, this one included.</summary>
    public required FrequencyCap FrequencyCap { get; init; }
}

/// <summary>A per-learner cap: at most <see cref="Max"/> interventions in the last <see cref="WindowDays"/> days (today included).</summary>
public sealed record FrequencyCap
{
    /// <summary>Gets the most interventions in the window, at least 1.</summary>
    public required int Max { get; init; }

    /// <summary>Gets the window's length in days, at least 1.</summary>
    public required int WindowDays { get; init; }
}
