namespace CohortKit.Churn.Models;

/// <summary>The learner behind a <see cref="ChurnModelTrainer"/>.</summary>
public enum ChurnModelType
{
    /// <summary>ML.NET FastTree gradient-boosted trees (the default; see docs/churn.md for the comparison with LightGBM).</summary>
    FastTree,

    /// <summary>ML.NET LightGBM gradient-boosted trees.</summary>
    LightGbm,

    /// <summary>L2-regularised logistic regression (ML.NET L-BFGS) on standardised features: the baseline.</summary>
    Logistic,

    /// <summary>FastTree and the logistic regression stacked: their raw scores summed with the weights of a logistic regression
    /// of the outcome on the two models' held-out scores, then calibrated as a whole. Trees find interactions and thresholds;
    /// the linear model is smooth where the trees see few rows; where their errors differ the stack ranks better than
    /// either, and where one is much weaker it gets a small weight.</summary>
    Blend,
}

/// <summary>How raw model scores become probabilities.</summary>
public enum ProbabilityCalibration
{
    /// <summary>Platt scaling: a logistic regression of the outcome on the raw score, fitted on held-out rows.</summary>
    Platt,

    /// <summary>Isotonic regression (pool adjacent violators) of the outcome on the raw score, fitted on held-out rows.</summary>
    Isotonic,
}
