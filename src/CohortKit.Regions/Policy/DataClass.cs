namespace CohortKit.Regions.Policy;

/// <summary>The classes of learner data the residency policy governs.</summary>
public enum DataClass
{
    /// <summary>Identity and other personal data (PII): name, e-mail, country.</summary>
    Identity,

    /// <summary>Raw activity events of one learner (sessions, quizzes, videos).</summary>
    ActivityEvents,

    /// <summary>Per-learner derived artefacts: model features, cohort memberships, intervention decisions.</summary>
    ModelFeatures,

    /// <summary>Aggregates over at least k learners (summaries and sketches): the only class that may cross a border.</summary>
    Aggregates,
}
