using System.Text.Json;
using System.Text.Json.Serialization;
using CohortKit.Churn.EarlyWarning;
using CohortKit.Features;

namespace CohortKit.Churn.Models;

/// <summary>A fitted, calibrated churn model (from <see cref="ChurnModelTrainer"/> or <see cref="Load"/>): a boosted tree ensemble,
/// a logistic regression or the blend of both, evaluated by CohortKit's own scorer, then a Platt or isotonic calibration.</summary>
/// <remarks>Immutable and thread-safe. <see cref="PredictProbabilities"/> scores rows in parallel.</remarks>
public sealed class ChurnModel : IChurnModel
{
    private const int FormatVersion = 1;
    private const int RowsPerChunk = 4096;
    private readonly string[] _featureNames;

    internal ChurnModel(ChurnModelType type, string[] featureNames, RawScorer scorer, Calibrator calibrator, TemporalStateFeatures? temporal = null)
    {
        ModelType = type;
        _featureNames = featureNames;
        Scorer = scorer;
        Calibrator = calibrator;
        Temporal = temporal;
    }

    /// <summary>Gets the learner that produced the model.</summary>
    public ChurnModelType ModelType { get; }

    /// <summary>Gets the calibration method.</summary>
    public ProbabilityCalibration Calibration => Calibrator.Method;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>Gets Temporal's state model and hazard that the model's <c>temporal_*</c> columns are built with
    /// (pass it to <see cref="EarlyWarningDataBuilder.Features(Learners.LearnerAttributes, Events.ActivityLog, DateOnly, IReadOnlyList{string}?, TemporalStateFeatures?)"/>
    /// when scoring), or null when the model has none.</summary>
    public TemporalStateFeatures? Temporal { get; }

    internal RawScorer Scorer { get; }

    internal Calibrator Calibrator { get; }

    /// <inheritdoc />
    public void PredictProbabilities(FeatureMatrix features, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(features);
        CheckColumns(features);
        if (destination.Length != features.Rows)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values for {features.Rows} rows.", nameof(destination));
        }

        var rows = features.Rows;
        var dims = features.Dimensions;
        unsafe
        {
            // Each chunk writes its own slice of the pinned destination (no intermediate buffer: 8 MB a million rows).
            fixed (double* pinned = destination)
            {
                var target = (nint)pinned;
                Parallel.For(0, (rows + RowsPerChunk - 1) / RowsPerChunk, chunk =>
                {
                    var start = chunk * RowsPerChunk;
                    var count = Math.Min(rows, start + RowsPerChunk) - start;
                    var scores = new Span<double>((double*)target + start, count);
                    Scorer.ScoreRows(features.AsSpan().Slice(start * dims, count * dims), dims, scores);
                    Calibrator.Apply(scores);
                });
            }
        }

        ChurnTelemetry.RowsScored.Add(rows);
    }

    /// <summary>A copy of this model that carries <paramref name="temporal"/>, the state model and hazard its
    /// <c>temporal_*</c> columns were built with, so that <see cref="Save"/> stores them and scoring rebuilds the same columns.</summary>
    /// <param name="temporal">The state model and hazard the training features used.</param>
    /// <returns>The model with <see cref="Temporal"/> set; the scorer and calibration are shared.</returns>
    /// <exception cref="ArgumentException">The model has no <c>temporal_*</c> column (param <c>temporal</c>).</exception>
    public ChurnModel WithTemporal(TemporalStateFeatures temporal)
    {
        ArgumentNullException.ThrowIfNull(temporal);
        if (!_featureNames.Any(TemporalStateFeatures.IsColumn))
        {
            throw new ArgumentException("The model has no temporal_* feature column, so it has no use for Temporal's state model and hazard.", nameof(temporal));
        }

        return new ChurnModel(ModelType, _featureNames, Scorer, Calibrator, temporal);
    }

    /// <summary>Writes the model as JSON (trees or weights, calibration, feature names, and <see cref="Temporal"/>'s state rules
    /// and transition matrix when present).</summary>
    /// <param name="stream">Where to write.</param>
    /// <exception cref="InvalidOperationException"><see cref="Temporal"/>'s hazard is not a
    /// <see cref="Temporal.Progression.TransitionMatrix"/>; nothing is written.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var dto = new ModelFile
        {
            Version = FormatVersion,
            ModelType = ModelType,
            FeatureNames = _featureNames,
            Calibration = Calibrator.Method,
            PlattA = Calibrator.A,
            PlattB = Calibrator.B,
            IsotonicUpper = Calibrator.Upper,
            IsotonicValue = Calibrator.Value,
            Temporal = Temporal is null ? null : TemporalModelSection.From(Temporal),
        };
        switch (Scorer)
        {
            case TreeEnsembleScorer t:
                WriteTrees(dto, t);
                break;
            case LinearScorer l:
                WriteLinear(dto, l);
                dto.Bias = l.Bias;
                break;
            case BlendScorer { Members: [TreeEnsembleScorer t, LinearScorer l] } b:
                WriteTrees(dto, t);
                WriteLinear(dto, l);
                dto.LinearBias = l.Bias;
                dto.BlendWeights = b.Weights;
                break;
            default:
                throw new InvalidOperationException("The model's scorer has no file format.");
        }

        JsonSerializer.Serialize(stream, dto);
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <param name="stream">Where to read.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The content is not a CohortKit churn model of a known version, or is inconsistent
    /// (including a malformed <c>Temporal</c> section, or <c>temporal_*</c> columns without one; the message names it).</exception>
    public static ChurnModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelFile? dto;
        try
        {
            dto = JsonSerializer.Deserialize<ModelFile>(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model file is not valid JSON: {e.Message}", e);
        }

        if (dto is null || dto.Version != FormatVersion || dto.FeatureNames is not { Length: > 0 } names)
        {
            throw new InvalidDataException($"The file is not a CohortKit churn model (format version {FormatVersion}).");
        }

        RawScorer scorer = dto.ModelType switch
        {
            ChurnModelType.Logistic => ReadLinear(dto, names.Length, dto.Bias),
            ChurnModelType.Blend => new BlendScorer(
                [ReadTrees(dto, names.Length), ReadLinear(dto, names.Length, dto.LinearBias)],
                dto.BlendWeights is { Length: 2 } w && w.All(double.IsFinite) ? w : throw new InvalidDataException("The blend's two member weights are missing or not finite.")),
            _ => ReadTrees(dto, names.Length),
        };
        var calibrator = Calibrator.Restore(dto.Calibration, dto.PlattA, dto.PlattB, dto.IsotonicUpper ?? [], dto.IsotonicValue ?? []);
        if (dto.Calibration == ProbabilityCalibration.Isotonic && (calibrator.Upper.Length == 0 || calibrator.Upper.Length != calibrator.Value.Length))
        {
            throw new InvalidDataException("The isotonic calibration's blocks are missing or inconsistent.");
        }

        if (dto.Temporal is null && names.FirstOrDefault(TemporalStateFeatures.IsColumn) is { } column)
        {
            throw new InvalidDataException($"The model's features include Temporal's '{column}', but the file has no Temporal section (state rules and hazard).");
        }

        return new ChurnModel(dto.ModelType, names, scorer, calibrator, dto.Temporal?.ToFeatures());
    }

    private static void WriteTrees(ModelFile dto, TreeEnsembleScorer t)
    {
        dto.Bias = t.Bias;
        dto.Trees = [.. t.Trees.Select(x => new TreeFile { Feature = x.Feature, Threshold = x.Threshold, Left = x.Left, Right = x.Right, Leaf = x.Leaf, Weight = x.Weight })];
    }

    private static void WriteLinear(ModelFile dto, LinearScorer l)
    {
        dto.Weights = l.Weights;
        dto.Means = l.Means;
        dto.Scales = l.Scales;
    }

    private static TreeEnsembleScorer ReadTrees(ModelFile dto, int features)
        => new([.. (dto.Trees ?? throw new InvalidDataException("The model has no trees.")).Select(t => ToTree(t, features))], dto.Bias);

    private static LinearScorer ReadLinear(ModelFile dto, int features, double bias)
        => new(Required(dto.Weights, features), Required(dto.Means, features), Required(dto.Scales, features), bias);

    private static double[] Required(double[]? values, int length)
        => values is { } v && v.Length == length ? v : throw new InvalidDataException($"The model's linear weights do not have one value per feature ({length}).");

    private static TreeEnsembleScorer.Tree ToTree(TreeFile t, int features)
    {
        var nodes = t.Feature.Length;
        var leaves = t.Leaf.Length;
        bool ValidChild(int c) => c >= 0 ? c < nodes : ~c < leaves;
        if (t.Threshold.Length != nodes || t.Left.Length != nodes || t.Right.Length != nodes || leaves != nodes + 1
            || t.Feature.Any(f => f < 0 || f >= features) || !t.Left.All(ValidChild) || !t.Right.All(ValidChild))
        {
            throw new InvalidDataException("A tree's arrays are inconsistent (node, leaf or feature indices out of range).");
        }

        return new(t.Feature, t.Threshold, t.Left, t.Right, t.Leaf, t.Weight);
    }

    private void CheckColumns(FeatureMatrix features)
    {
        if (features.Dimensions != _featureNames.Length || !features.FeatureNames.SequenceEqual(_featureNames, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The features ({string.Join(", ", features.FeatureNames)}) are not the model's ({string.Join(", ", _featureNames)}).", nameof(features));
        }
    }

    private sealed class ModelFile
    {
        public int Version { get; set; }

        public ChurnModelType ModelType { get; set; }

        public string[]? FeatureNames { get; set; }

        public ProbabilityCalibration Calibration { get; set; }

        public double PlattA { get; set; }

        public double PlattB { get; set; }

        public double[]? IsotonicUpper { get; set; }

        public double[]? IsotonicValue { get; set; }

        public double Bias { get; set; }

        public TreeFile[]? Trees { get; set; }

        public double[]? Weights { get; set; }

        public double[]? Means { get; set; }

        public double[]? Scales { get; set; }

        public double LinearBias { get; set; }

        public double[]? BlendWeights { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public TemporalModelSection? Temporal { get; set; }
    }

    private sealed class TreeFile
    {
        public int[] Feature { get; set; } = [];

        public float[] Threshold { get; set; } = [];

        public int[] Left { get; set; } = [];

        public int[] Right { get; set; } = [];

        public double[] Leaf { get; set; } = [];

        public double Weight { get; set; }
    }
}
