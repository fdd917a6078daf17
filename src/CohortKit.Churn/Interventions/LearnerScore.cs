using CohortKit.Learners;

namespace CohortKit.Churn.Interventions;

/// <summary>One learner's input to a run: the churn risk, the segment the playbook's rules match, and optionally the
/// predicted uplift (churn reduction from acting).</summary>
/// <param name="Learner">The learner.</param>
/// <param name="Risk">P(churn) in [0, 1], from an <see cref="Models.IChurnModel"/>.</param>
/// <param name="Segment">The learner's segment name (matched by rules; <c>*</c> in a rule matches any).</param>
/// <param name="Uplift">P(churn | untreated) − P(churn | treated), in [−1, 1]; required under <see cref="InterventionTargeting.Uplift"/>.</param>
public readonly record struct LearnerScore(LearnerId Learner, double Risk, string Segment, double? Uplift = null);
