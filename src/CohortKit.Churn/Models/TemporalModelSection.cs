using CohortKit.Churn.EarlyWarning;
using CohortKit.Temporal.Progression;

namespace CohortKit.Churn.Models;

/// <summary>The <c>Temporal</c> section of a saved <see cref="ChurnModel"/>: what scoring needs to rebuild the
/// <see cref="TemporalStateFeatures"/> columns exactly — the state rules (<see cref="ProgressionOptions"/>) and the fitted
/// transition matrix, whose <c>Churned</c> column is the per-state hazard.</summary>
/// <remarks>Absent from models without Temporal columns, so their files are unchanged (format version 1 either way).</remarks>
internal sealed class TemporalModelSection
{
    private const string Section = "The model file's Temporal section";
    private const double RowSumTolerance = 1e-9;

    /// <summary>Gets or sets the state rules.</summary>
    public ProgressionOptions? Progression { get; set; }

    /// <summary>Gets or sets the transition counts, <c>Counts[from][to]</c>.</summary>
    public long[][]? Counts { get; set; }

    /// <summary>Gets or sets the transition probabilities, <c>Probabilities[from][to]</c>; column <c>Churned</c> is the hazard.</summary>
    public double[][]? Probabilities { get; set; }

    /// <summary>The section for <paramref name="temporal"/>.</summary>
    /// <exception cref="InvalidOperationException">The hazard is not a <see cref="TransitionMatrix"/> (no file format).</exception>
    public static TemporalModelSection From(TemporalStateFeatures temporal)
    {
        var matrix = temporal.Hazard as TransitionMatrix
            ?? throw new InvalidOperationException($"The model's Temporal hazard ({temporal.Hazard.GetType().Name}) has no file format; only a TransitionMatrix can be saved.");
        return new()
        {
            Progression = temporal.Progression.Options,
            Counts = [.. matrix.Counts.Select(r => r.ToArray())],
            Probabilities = [.. matrix.Probabilities.Select(r => r.ToArray())],
        };
    }

    /// <summary>The features this section describes.</summary>
    /// <exception cref="InvalidDataException">A part is missing or out of range; the message names the section and the part.</exception>
    public TemporalStateFeatures ToFeatures()
    {
        ProgressionModel progression;
        try
        {
            progression = new ProgressionModel(Progression ?? throw new InvalidDataException($"{Section} has no Progression options."));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Section} has invalid Progression options: {e.Message}", e);
        }

        var counts = Square(Counts, nameof(Counts));
        var probabilities = Square(Probabilities, nameof(Probabilities));
        for (var i = 0; i < TransitionMatrix.StateCount; i++)
        {
            if (counts[i].Any(c => c < 0))
            {
                throw new InvalidDataException($"{Section}: Counts row {(LearnerState)i} has a negative count.");
            }

            if (probabilities[i].Any(p => !(p is >= 0 and <= 1)) || Math.Abs(probabilities[i].Sum() - 1) > RowSumTolerance)
            {
                throw new InvalidDataException($"{Section}: Probabilities row {(LearnerState)i} is not a distribution (each value in [0, 1], summing to 1).");
            }
        }

        return new TemporalStateFeatures(progression, new TransitionMatrix { Counts = counts, Probabilities = probabilities });
    }

    private static T[][] Square<T>(T[][]? rows, string name)
        => rows is { Length: TransitionMatrix.StateCount } r && r.All(x => x is { Length: TransitionMatrix.StateCount })
            ? r
            : throw new InvalidDataException($"{Section}: {name} is missing or not {TransitionMatrix.StateCount} × {TransitionMatrix.StateCount} (one row and column per state).");
}
