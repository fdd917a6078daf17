using CohortKit.Experiments;
using CohortKit.Experiments.Readout;

namespace CohortKit.Personalization.Validation;

/// <summary>Turns a policy's live outcomes against a holdout into an Experiments readout and a go-live verdict: the
/// p &lt; α gate on the reward (two-sided test, improvement required), sample-ratio mismatch, guardrails, and no
/// significant regression of the reward or a guardrail in any segment.</summary>
/// <remarks>Stateless apart from its options; thread-safe. The statistics are Experiments' (<see cref="ExperimentAnalyzer"/>).</remarks>
public sealed class PolicyAbValidator
{
    /// <summary>The name of the reward metric in the readout.</summary>
    public const string RewardMetric = "reward";

    private readonly ExperimentAnalyzer _analyzer;

    /// <summary>Creates a validator.</summary>
    /// <param name="options">The readout's settings (α, test choice, corrections…); default α = 0.05.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public PolicyAbValidator(ReadoutOptions? options = null) => _analyzer = new ExperimentAnalyzer(options ?? new ReadoutOptions());

    /// <summary>Validates a policy.</summary>
    /// <param name="outcomes">The outcomes.</param>
    /// <param name="expectedPolicyShare">The designed share of units served by the policy, in (0, 1), for the SRM check.</param>
    /// <returns>The verdict and the readout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedPolicyShare"/> is outside (0, 1).</exception>
    /// <exception cref="ArgumentException">A metric is not finite or has zero variance in both arms (from Experiments).</exception>
    public PolicyValidation Validate(PolicyOutcomes outcomes, double expectedPolicyShare = 0.5)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (!(expectedPolicyShare is > 0 and < 1)) { throw new ArgumentOutOfRangeException(nameof(expectedPolicyShare), expectedPolicyShare, "The designed policy share must be in (0, 1)."); }
        using var activity = PersonalizationTelemetry.ActivitySource.StartActivity("PolicyAbValidator.Validate");
        var metrics = new List<ExperimentMetric> { new(new MetricColumn(RewardMetric, outcomes.Reward), MetricRole.Primary) };
        metrics.AddRange(outcomes.Guardrails.Select(g => new ExperimentMetric(new MetricColumn(g.Name, g.Values), MetricRole.Guardrail, g.HigherIsBetter)));
        var split = outcomes.Arms.Categories.Select(c => c == PolicyOutcomes.PolicyArm ? expectedPolicyShare : 1 - expectedPolicyShare).ToList();
        var readout = _analyzer.Analyze(new ExperimentData(outcomes.Arms, PolicyOutcomes.HoldoutArm, metrics) { Segment = outcomes.Segment, ExpectedSplit = split });
        var reward = readout.Metrics.Single(m => m.Metric == RewardMetric);
        var higherIsBetter = metrics.ToDictionary(m => m.Column.Name, m => m.HigherIsBetter);
        var regressed = readout.Segments
            .Where(m => m.Segment is not null && (higherIsBetter[m.Metric] ? m.Interval.High < 0 : m.Interval.Low > 0))
            .ToList();

        var blockers = new List<ValidationBlocker>();
        if (!readout.Trustworthy) { blockers.Add(ValidationBlocker.SampleRatioMismatch); }
        if (!(reward.PValue < readout.Alpha && reward.AbsoluteEffect > 0)) { blockers.Add(ValidationBlocker.NotSignificant); }
        if (readout.NoGuardrailRegression == false) { blockers.Add(ValidationBlocker.GuardrailRegression); }
        if (regressed.Any(m => m.Metric == RewardMetric)) { blockers.Add(ValidationBlocker.SegmentRegression); }
        return new PolicyValidation
        {
            Blockers = blockers,
            RegressedSegments = [.. regressed.Select(m => m.Segment!).Distinct(StringComparer.Ordinal)],
            Reward = reward,
            Readout = readout,
        };
    }
}
