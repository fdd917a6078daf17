using CohortKit.Churn.Evaluation;

namespace CohortKit.Churn.Tabular;

/// <summary>The result of <see cref="CrossValidator.Run"/>: one held-out evaluation per fold and their means.</summary>
public sealed record CrossValidationReport
{
    /// <summary>Gets the number of rows.</summary>
    public required int Rows { get; init; }

    /// <summary>Gets the number of churners.</summary>
    public required int Positives { get; init; }

    /// <summary>Gets the held-out evaluation of each fold.</summary>
    public required IReadOnlyList<ChurnEvaluation> Folds { get; init; }

    /// <summary>Gets the mean ROC AUC over the folds.</summary>
    public double Auc => Folds.Average(f => f.Auc);

    /// <summary>Gets the sample standard deviation of the folds' ROC AUC.</summary>
    public double AucStandardDeviation
    {
        get
        {
            var mean = Auc;
            return Math.Sqrt(Folds.Sum(f => (f.Auc - mean) * (f.Auc - mean)) / (Folds.Count - 1));
        }
    }

    /// <summary>Gets the mean PR AUC.</summary>
    public double PrAuc => Folds.Average(f => f.PrAuc);

    /// <summary>Gets the mean balanced accuracy (threshold 0.5).</summary>
    public double BalancedAccuracy => Folds.Average(f => f.BalancedAccuracy);

    /// <summary>Gets the mean accuracy (threshold 0.5).</summary>
    public double Accuracy => Folds.Average(f => f.Accuracy);

    /// <summary>Gets the mean majority-class accuracy.</summary>
    public double MajorityAccuracy => Folds.Average(f => f.MajorityAccuracy);

    /// <summary>Gets the mean Brier score.</summary>
    public double Brier => Folds.Average(f => f.Brier);
}
