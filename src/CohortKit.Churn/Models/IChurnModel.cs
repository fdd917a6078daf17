using CohortKit.Features;

namespace CohortKit.Churn.Models;

/// <summary>A fitted churn model: the probability that each row of a feature matrix churns.</summary>
/// <remarks>Implementations are immutable once fitted and safe to call from several threads.</remarks>
public interface IChurnModel
{
    /// <summary>Gets the feature names the model was fitted on, in column order; scoring checks them.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Writes P(churn) for every row of <paramref name="features"/> into <paramref name="destination"/>.</summary>
    /// <param name="features">Rows to score, with the columns in <see cref="FeatureNames"/> order.</param>
    /// <param name="destination">One probability per row, each in [0, 1].</param>
    /// <exception cref="ArgumentException">The columns differ from <see cref="FeatureNames"/>, or <paramref name="destination"/>
    /// is not <see cref="FeatureMatrix.Rows"/> long.</exception>
    void PredictProbabilities(FeatureMatrix features, Span<double> destination);
}

/// <summary>Fits an <see cref="IChurnModel"/> from labelled rows.</summary>
public interface IChurnModelTrainer
{
    /// <summary>Gets a short name for reports (e.g. <c>FastTree</c>, <c>Logistic</c>).</summary>
    string Name { get; }

    /// <summary>Fits a model.</summary>
    /// <param name="features">The training rows.</param>
    /// <param name="labels">One label per row: <see langword="true"/> = churned.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentException">No rows, lengths differ, or only one class is present.</exception>
    IChurnModel Fit(FeatureMatrix features, ReadOnlySpan<bool> labels);
}
