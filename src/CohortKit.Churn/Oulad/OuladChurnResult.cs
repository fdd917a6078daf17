using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;

namespace CohortKit.Churn.Oulad;

/// <summary>An OULAD task trained on the 2013 presentations and evaluated on the 2014 ones (<see cref="OuladChurnStudy.Run"/>).</summary>
public sealed record OuladChurnResult
{
    /// <summary>Gets the task.</summary>
    public required OuladChurnTask Task { get; init; }

    /// <summary>Gets the as-of day of <see cref="OuladChurnTask.Eventual"/>; null for the early warning (weekly days).</summary>
    public required int? AsOfDay { get; init; }

    /// <summary>Gets the training rows (2013 presentations).</summary>
    public required int TrainRows { get; init; }

    /// <summary>Gets the positives among the training rows.</summary>
    public required int TrainPositives { get; init; }

    /// <summary>Gets the feature names, in column order.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Gets the as-of days of the eventual task's training rows (<see cref="OuladChurnStudy.PoolDays"/>; the as-of day
    /// alone by default); empty for the early warning, whose rows are every week.</summary>
    public required IReadOnlyList<int> TrainingDays { get; init; }

    /// <summary>Gets a copy of the settings the final model was trained with (the chosen candidate's, with selection).</summary>
    public required ChurnTrainerOptions Trainer { get; init; }

    /// <summary>Gets the metrics on the test rows (2014 presentations), with the ROC curve and the calibration curve.</summary>
    public required ChurnEvaluation Test { get; init; }

    /// <summary>Gets the test AUC with its 95 % interval, clustered by registration (a registration's weekly rows are one cluster).</summary>
    public required AucEstimate Auc { get; init; }

    /// <summary>Gets the lead times of the early warning's first alerts; null for <see cref="OuladChurnTask.Eventual"/>.</summary>
    public required OuladLeadTimes? LeadTimes { get; init; }

    /// <summary>Gets how the trainer was chosen on the training rows; null when the study had one trainer.</summary>
    public OuladModelSelection? Selection { get; init; }
}

/// <summary>The choice of a trainer by cross-validation on the training presentations (2013) only.</summary>
public sealed record OuladModelSelection
{
    /// <summary>Gets the number of folds (by registration).</summary>
    public required int Folds { get; init; }

    /// <summary>Gets copies of the candidates' settings, in the order given.</summary>
    public required IReadOnlyList<ChurnTrainerOptions> Candidates { get; init; }

    /// <summary>Gets each candidate's mean fold AUC, in candidate order.</summary>
    public required IReadOnlyList<double> CandidateAuc { get; init; }

    /// <summary>Gets the index of the chosen candidate (the highest mean fold AUC; the earlier on a tie).</summary>
    public required int SelectedIndex { get; init; }

    /// <summary>Gets a copy of the chosen candidate's settings.</summary>
    public required ChurnTrainerOptions Selected { get; init; }
}

/// <summary>How long before withdrawal the early warning first fires, on the test presentations. An alert is a weekly row whose
/// score is in the top 10 % of all test rows (the top-decile cut of <see cref="ChurnEvaluation.TopPrecision"/>).</summary>
public sealed record OuladLeadTimes
{
    /// <summary>Gets the test registrations that withdrew inside some row's label window (the withdrawals the task targets).</summary>
    public required int Withdrawals { get; init; }

    /// <summary>Gets how many of them had at least one alert before withdrawing.</summary>
    public required int Alerted { get; init; }

    /// <summary>Gets the score at or above which a row is an alert.</summary>
    public required double AlertThreshold { get; init; }

    /// <summary>Gets, for each alerted withdrawal, the days from its first alert's as-of day to its unregistration day, ascending
    /// (at least 8: a row exists only while the registration is still registered 7 days later).</summary>
    public required IReadOnlyList<int> Days { get; init; }
}
