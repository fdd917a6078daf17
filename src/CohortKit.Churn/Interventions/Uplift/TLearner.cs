using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Churn.Interventions.Uplift;

/// <summary>The T-learner (two-model) uplift estimator over any <see cref="IChurnModelTrainer"/>: one churn model fitted on
/// the treated rows, one on the control rows; a learner's uplift is P(churn | control) − P(churn | treated), the churn
/// that acting is predicted to prevent.</summary>
/// <remarks>Künzel et al. (2019) call it the T-learner; CausalML's <c>BaseTClassifier</c> is the same construction. It needs
/// randomised (or as-good-as-random) treatment in the training data, such as the orchestrator's holdout provides.</remarks>
public static class TLearner
{
    /// <summary>Fits the two models.</summary>
    /// <param name="trainer">The churn model trainer used for both arms.</param>
    /// <param name="features">The training rows.</param>
    /// <param name="treated">Whether each row was treated.</param>
    /// <param name="churned">Whether each row churned.</param>
    /// <returns>The uplift model.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or an arm has no rows; the trainer's own exceptions (e.g. one class
    /// only within an arm) pass through.</exception>
    public static TLearnerModel Fit(IChurnModelTrainer trainer, FeatureMatrix features, ReadOnlySpan<bool> treated, ReadOnlySpan<bool> churned)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(features);
        if (treated.Length != features.Rows)
        {
            throw new ArgumentException($"treated has {treated.Length} values for {features.Rows} rows.", nameof(treated));
        }

        if (churned.Length != features.Rows)
        {
            throw new ArgumentException($"churned has {churned.Length} values for {features.Rows} rows.", nameof(churned));
        }

        var treatedRows = new List<int>();
        var controlRows = new List<int>();
        for (var i = 0; i < treated.Length; i++)
        {
            (treated[i] ? treatedRows : controlRows).Add(i);
        }

        if (treatedRows.Count == 0 || controlRows.Count == 0)
        {
            throw new ArgumentException($"Both arms need rows; treated has {treatedRows.Count}, control {controlRows.Count}.", nameof(treated));
        }

        var treatedModel = FitArm(trainer, features, treatedRows, churned);
        var controlModel = FitArm(trainer, features, controlRows, churned);
        return new TLearnerModel(treatedModel, controlModel);
    }

    private static IChurnModel FitArm(IChurnModelTrainer trainer, FeatureMatrix features, List<int> rows, ReadOnlySpan<bool> churned)
    {
        var subset = new FeatureMatrix(rows.Count, features.Dimensions, features.FeatureNames);
        var labels = new bool[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            features.Row(rows[r]).CopyTo(subset.Row(r));
            labels[r] = churned[rows[r]];
        }

        return trainer.Fit(subset, labels);
    }
}

/// <summary>A fitted T-learner: the treated-arm and control-arm churn models.</summary>
/// <param name="Treated">P(churn | treated).</param>
/// <param name="Control">P(churn | not treated).</param>
/// <remarks>Immutable; thread-safe when both models are (as <see cref="IChurnModel"/> requires).</remarks>
public sealed record TLearnerModel(IChurnModel Treated, IChurnModel Control)
{
    /// <summary>Writes each row's uplift, P(churn | control) − P(churn | treated), in [−1, 1]: positive where acting is
    /// predicted to prevent churn.</summary>
    /// <param name="features">Rows to score.</param>
    /// <param name="destination">One uplift per row.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="FeatureMatrix.Rows"/> long, or the
    /// columns differ from the models'.</exception>
    public void PredictUplift(FeatureMatrix features, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (destination.Length != features.Rows)
        {
            throw new ArgumentException($"destination has {destination.Length} slots for {features.Rows} rows.", nameof(destination));
        }

        var treated = new double[features.Rows];
        Treated.PredictProbabilities(features, treated);
        Control.PredictProbabilities(features, destination);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] -= treated[i];
        }
    }
}
