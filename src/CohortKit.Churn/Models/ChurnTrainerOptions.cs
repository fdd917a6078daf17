namespace CohortKit.Churn.Models;

/// <summary>Settings of <see cref="ChurnModelTrainer"/>.</summary>
public sealed class ChurnTrainerOptions
{
    /// <summary>Gets or sets the learner.</summary>
    /// <value>The default value is <see cref="ChurnModelType.FastTree"/>.</value>
    public ChurnModelType ModelType { get; set; } = ChurnModelType.FastTree;

    /// <summary>Gets or sets the number of boosted trees.</summary>
    /// <value>The default value is 200.</value>
    public int NumberOfTrees { get; set; } = 200;

    /// <summary>Gets or sets the number of leaves per tree.</summary>
    /// <value>The default value is 20.</value>
    public int NumberOfLeaves { get; set; } = 20;

    /// <summary>Gets or sets the boosting learning rate.</summary>
    /// <value>The default value is 0.05.</value>
    public double LearningRate { get; set; } = 0.05;

    /// <summary>Gets or sets the fewest training rows in a leaf.</summary>
    /// <value>The default value is 50.</value>
    public int MinimumExampleCountPerLeaf { get; set; } = 50;

    /// <summary>Gets or sets the L2 penalty of the logistic baseline.</summary>
    /// <value>The default value is 1.</value>
    public double L2Regularization { get; set; } = 1;

    /// <summary>Gets or sets the calibration method.</summary>
    /// <value>The default value is <see cref="ProbabilityCalibration.Platt"/>.</value>
    public ProbabilityCalibration Calibration { get; set; } = ProbabilityCalibration.Platt;

    /// <summary>Gets or sets the share of training rows held out (stratified, at random) to fit the calibration.</summary>
    /// <value>The default value is 0.2.</value>
    public double CalibrationFraction { get; set; } = 0.2;

    /// <summary>Gets or sets the number of folds of cross-fitted calibration, or 0 for a held-out share. With k ≥ 2 the
    /// calibration is fitted on out-of-fold scores of k models (each trained on the other k − 1 folds, stratified) and the
    /// model itself on every row, as scikit-learn's <c>CalibratedClassifierCV(ensemble=False)</c>: no row is withheld from the
    /// model, for k + 1 fits instead of one. With 0, <see cref="CalibrationFraction"/> of the rows is held out.</summary>
    /// <value>The default value is 0 (hold out <see cref="CalibrationFraction"/>).</value>
    public int CalibrationFolds { get; set; }

    /// <summary>Gets or sets whether the model is the ensemble of the <see cref="CalibrationFolds"/> fold models instead of one
    /// model refitted on every row: member i of k is trained on the other k − 1 folds and Platt-calibrated on fold i, and the model's
    /// log-odds are the mean of the members' calibrated log-odds (scikit-learn's <c>CalibratedClassifierCV(ensemble=True)</c>,
    /// which averages probabilities instead). Averaging reduces the variance of the boosted trees (subsample bagging), and on
    /// the log-odds scale the members fold into one tree ensemble, so a model of k members is one model file and scores k
    /// times the trees of one member. Needs <see cref="CalibrationFolds"/> ≥ 2, <see cref="ProbabilityCalibration.Platt"/>
    /// and a tree learner (<see cref="ChurnModelType.FastTree"/> or <see cref="ChurnModelType.LightGbm"/>).</summary>
    /// <value>The default value is <see langword="false"/> (one model on every row, or on the rows not held out).</value>
    public bool CalibrationEnsemble { get; set; }

    /// <summary>Gets or sets the seed of the calibration split and of the learners.</summary>
    /// <value>The default value is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal ChurnTrainerOptions Snapshot() => (ChurnTrainerOptions)MemberwiseClone();
}
