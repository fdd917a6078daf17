using CohortKit.Learners;

namespace CohortKit.Personalization.Validation;

/// <summary>A guardrail metric of a policy A/B test (e.g. lesson completion, which must not drop).</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Values">One value per unit, aligned with <see cref="PolicyOutcomes.Arms"/>.</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
public sealed record GuardrailMetric(string Name, ReadOnlyMemory<double> Values, bool HigherIsBetter = true);

/// <summary>The outcomes of a live test of a policy against a holdout that kept the current (baseline) policy: one row per
/// randomised unit (a learner), its arm, its reward, its guardrail metrics and optionally its segment.</summary>
public sealed class PolicyOutcomes
{
    /// <summary>The arm label of units served by the new policy.</summary>
    public const string PolicyArm = "policy";

    /// <summary>The arm label of the holdout units.</summary>
    public const string HoldoutArm = "holdout";

    /// <summary>Creates the outcomes.</summary>
    /// <param name="servedByPolicy">Per unit: true when the new policy served it, false for the holdout.</param>
    /// <param name="reward">Per unit: the reward the policy optimises (the primary metric; higher is better).</param>
    /// <param name="guardrails">Metrics that must not regress.</param>
    /// <param name="segment">Optional segment of each unit (e.g. experience level): no segment may regress.</param>
    /// <exception cref="ArgumentException">A length differs, or one arm is empty.</exception>
    public PolicyOutcomes(IReadOnlyList<bool> servedByPolicy, ReadOnlyMemory<double> reward, IReadOnlyList<GuardrailMetric>? guardrails = null, CategoricalColumn? segment = null)
    {
        ArgumentNullException.ThrowIfNull(servedByPolicy);
        var n = servedByPolicy.Count;
        if (reward.Length != n) { throw new ArgumentException($"reward has {reward.Length} values; servedByPolicy has {n}.", nameof(reward)); }
        foreach (var g in guardrails ?? [])
        {
            if (g.Values.Length != n) { throw new ArgumentException($"Guardrail '{g.Name}' has {g.Values.Length} values; servedByPolicy has {n}.", nameof(guardrails)); }
        }

        if (segment is not null && segment.Count != n) { throw new ArgumentException($"segment has {segment.Count} values; servedByPolicy has {n}.", nameof(segment)); }
        var treated = servedByPolicy.Count(s => s);
        if (treated == 0 || treated == n) { throw new ArgumentException("Both the policy arm and the holdout need units.", nameof(servedByPolicy)); }
        Arms = CategoricalColumn.Encode("arm", servedByPolicy.Select(s => s ? PolicyArm : HoldoutArm));
        Reward = reward;
        Guardrails = guardrails ?? [];
        Segment = segment;
    }

    /// <summary>Gets the arm column (<see cref="PolicyArm"/> or <see cref="HoldoutArm"/>).</summary>
    public CategoricalColumn Arms { get; }

    /// <summary>Gets the rewards.</summary>
    public ReadOnlyMemory<double> Reward { get; }

    /// <summary>Gets the guardrail metrics.</summary>
    public IReadOnlyList<GuardrailMetric> Guardrails { get; }

    /// <summary>Gets the segment column, if any.</summary>
    public CategoricalColumn? Segment { get; }
}
