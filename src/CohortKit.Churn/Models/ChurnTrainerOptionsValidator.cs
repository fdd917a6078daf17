using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Models;

/// <summary>Validates <see cref="ChurnTrainerOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class ChurnTrainerOptionsValidator : IValidateOptions<ChurnTrainerOptions>
{
    public ValidateOptionsResult Validate(string? name, ChurnTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(ChurnTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(ChurnTrainerOptions o)
    {
        if (!Enum.IsDefined(o.ModelType)) { yield return new(nameof(o.ModelType), o.ModelType, "ModelType is not a defined value."); }
        if (!Enum.IsDefined(o.Calibration)) { yield return new(nameof(o.Calibration), o.Calibration, "Calibration is not a defined value."); }
        if (o.NumberOfTrees is < 1 or > 100_000) { yield return new(nameof(o.NumberOfTrees), o.NumberOfTrees, "NumberOfTrees must be in [1, 100000]."); }
        if (o.NumberOfLeaves is < 2 or > 131_072) { yield return new(nameof(o.NumberOfLeaves), o.NumberOfLeaves, "NumberOfLeaves must be in [2, 131072]."); }
        if (!(o.LearningRate is > 0 and <= 1)) { yield return new(nameof(o.LearningRate), o.LearningRate, "LearningRate must be in (0, 1]."); }
        if (o.MinimumExampleCountPerLeaf < 1) { yield return new(nameof(o.MinimumExampleCountPerLeaf), o.MinimumExampleCountPerLeaf, "MinimumExampleCountPerLeaf must be ≥ 1."); }
        if (!(o.L2Regularization >= 0 && double.IsFinite(o.L2Regularization))) { yield return new(nameof(o.L2Regularization), o.L2Regularization, "L2Regularization must be finite and ≥ 0."); }
        if (!(o.CalibrationFraction is >= 0.05 and <= 0.5)) { yield return new(nameof(o.CalibrationFraction), o.CalibrationFraction, "CalibrationFraction must be in [0.05, 0.5]."); }
        if (o.CalibrationFolds is not 0 and (< 2 or > 20)) { yield return new(nameof(o.CalibrationFolds), o.CalibrationFolds, "CalibrationFolds must be 0 (a held-out share) or from 2 to 20."); }
        if (o.CalibrationEnsemble)
        {
            if (o.CalibrationFolds < 2) { yield return new(nameof(o.CalibrationEnsemble), o.CalibrationEnsemble, "CalibrationEnsemble needs CalibrationFolds of 2 or more (its members are the fold models)."); }
            if (o.Calibration != ProbabilityCalibration.Platt) { yield return new(nameof(o.CalibrationEnsemble), o.CalibrationEnsemble, "CalibrationEnsemble needs Platt calibration (the members are averaged on the log-odds scale)."); }
            if (o.ModelType is not (ChurnModelType.FastTree or ChurnModelType.LightGbm)) { yield return new(nameof(o.CalibrationEnsemble), o.CalibrationEnsemble, $"CalibrationEnsemble needs a tree learner (FastTree or LightGbm), not {o.ModelType}."); }
        }
    }
}
