namespace CohortKit.Churn.Evaluation;

/// <summary>How well churn scores separate and calibrate against the outcomes (from <see cref="ChurnMetrics.Evaluate"/>).</summary>
/// <remarks>Accuracy is always reported beside the majority-class accuracy and the balanced accuracy: with rare churn a model
/// that never predicts it is "accurate".</remarks>
public sealed record ChurnEvaluation
{
    /// <summary>Gets the number of rows scored.</summary>
    public required int Count { get; init; }

    /// <summary>Gets the number of churners.</summary>
    public required int Positives { get; init; }

    /// <summary>Gets the share of churners.</summary>
    public double PositiveRate => (double)Positives / Count;

    /// <summary>Gets the ROC AUC (ties count one half, as scikit-learn's <c>roc_auc_score</c>).</summary>
    public required double Auc { get; init; }

    /// <summary>Gets the PR AUC as average precision (scikit-learn's <c>average_precision_score</c>).</summary>
    public required double PrAuc { get; init; }

    /// <summary>Gets the Brier score, the mean squared difference between probability and outcome.</summary>
    public required double Brier { get; init; }

    /// <summary>Gets the decision threshold of <see cref="Accuracy"/> and <see cref="BalancedAccuracy"/> (churn when score ≥ it).</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the accuracy at <see cref="Threshold"/>.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Gets the accuracy of always predicting the more frequent class.</summary>
    public required double MajorityAccuracy { get; init; }

    /// <summary>Gets the balanced accuracy at <see cref="Threshold"/>: the mean of sensitivity and specificity.</summary>
    public required double BalancedAccuracy { get; init; }

    /// <summary>Gets the share of the riskiest rows that <see cref="TopPrecision"/> and <see cref="TopRecall"/> look at.</summary>
    public required double TopFraction { get; init; }

    /// <summary>Gets the share of churners among the riskiest ⌈<see cref="TopFraction"/> · n⌉ rows.</summary>
    public required double TopPrecision { get; init; }

    /// <summary>Gets the share of all churners that are among the riskiest ⌈<see cref="TopFraction"/> · n⌉ rows.</summary>
    public required double TopRecall { get; init; }

    /// <summary>Gets the calibration curve: ten equal-width bins of predicted probability, non-empty ones only.</summary>
    public required IReadOnlyList<CalibrationBin> Calibration { get; init; }

    /// <summary>Gets the ROC curve, one point per distinct score from the highest down, starting at (0, 0).</summary>
    public required IReadOnlyList<RocPoint> Roc { get; init; }
}

/// <summary>One bin of a calibration curve.</summary>
/// <param name="MeanPredicted">The mean predicted probability of the rows in the bin.</param>
/// <param name="ObservedRate">The share of churners among them.</param>
/// <param name="Count">The number of rows.</param>
public readonly record struct CalibrationBin(double MeanPredicted, double ObservedRate, int Count);

/// <summary>One point of an ROC curve.</summary>
/// <param name="FalsePositiveRate">The share of non-churners flagged.</param>
/// <param name="TruePositiveRate">The share of churners flagged.</param>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate);
