using System.Numerics.Tensors;
using CohortKit.Experiments.Readout;
using CohortKit.Learners;
using CohortKit.Metrics;
using CohortKit.Segmentation.Heterogeneity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation;

/// <summary>
/// Builds segment tables: for every value of each dimension (and of each two-way cross), n and share, each metric's mean and
/// difference from the overall with intervals, and with an arm column the treatment effect per segment (Experiments' test for
/// the whole metric, Benjamini–Hochberg across the dimension's segments), Cochran's Q, I², DerSimonian–Laird τ², partially
/// pooled effects, flags, recommendations, the minimum-lift check and Simpson's check.
/// </summary>
/// <remarks>Thread-safe and stateless apart from its options. One pass over each (dimension, metric) pair's columns, the pairs
/// in parallel on at most <see cref="SegmentationOptions.MaxDegreeOfParallelism"/> threads.</remarks>
public sealed partial class SegmentAnalyzer
{
    /// <summary>The value of the row that pools a dimension's values smaller than the minimum segment size.</summary>
    public const string OtherValue = "(other)";

    /// <summary>Joins the two names of a cross: dimension <c>"A×B"</c>, value <c>"a×b"</c>.</summary>
    public const string CrossSeparator = "×";

    /// <summary>The parameter name carried by exceptions about the input (<c>data</c> of <see cref="Analyze"/>).</summary>
    internal static readonly string DataParameter = "data";

    private readonly SegmentationOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates an analyzer (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's; the message lists every failure).</exception>
    public SegmentAnalyzer(SegmentationOptions options, ILogger<SegmentAnalyzer>? logger = null)
    {
        SegmentationOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _logger = logger ?? NullLogger<SegmentAnalyzer>.Instance;
    }

    /// <summary>Creates an analyzer from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public SegmentAnalyzer(IOptions<SegmentationOptions> options, ILogger<SegmentAnalyzer>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public SegmentationOptions Options => _options.Snapshot();

    /// <summary>Builds the segment tables.</summary>
    /// <param name="data">One row per learner.</param>
    /// <param name="progress">Receives the fraction of (dimension, metric) pairs done, in [0, 1].</param>
    /// <param name="cancellationToken">Stops the work between pairs.</param>
    /// <returns>The report: dimensions in input order, then crosses, each with every metric.</returns>
    /// <exception cref="ArgumentException">A metric has a non-finite value; a cross names a column that is not a dimension; a
    /// dimension has a single value or only values below the minimum segment size; the arm column does not have exactly two
    /// arms, one of them the control; the overall effect of a metric is undefined (no variation). The message names the column.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public SegmentationReport Analyze(SegmentationData data, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var activity = SegmentationTelemetry.ActivitySource.StartActivity("SegmentAnalyzer.Analyze");
        foreach (var m in data.Metrics) { RequireFinite(m.Name, m.Values.Span); }
        var arms = Arms(data);
        var tests = data.Metrics.Select(m => TestSelection.Choose(m, _options.Test)).ToArray();
        var shifts = data.Metrics.Select(m => data.Rows == 0 ? 0 : TensorPrimitives.Sum(m.Values.Span) / data.Rows).ToArray();
        var dimensions = data.Dimensions.Select(d => new DimensionCodes(d.Name, d.Codes.ToArray(), [.. d.Categories]))
            .Concat(data.Crosses.Select(c => Cross(data, c))).ToArray();

        var jobs = dimensions.Length * data.Metrics.Count;
        var reports = new DimensionReport[jobs];
        var done = 0;
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, j =>
        {
            var (d, m) = (dimensions[j / data.Metrics.Count], j % data.Metrics.Count);
            var metric = data.Metrics[m];
            var cells = SegmentAccumulator.Summarise(d.Codes, d.Categories.Length, arms, arms is null ? 1 : 2, metric.Values.Span, shifts[m]);
            reports[j] = new DimensionTable(_options, metric, tests[m], arms, d).Build(cells, data.Rows);
            progress?.Report((double)Interlocked.Increment(ref done) / jobs);
        });

        var simpson = arms is null ? [] : reports
            .Select(r => SimpsonCheck.Check(r.Dimension, r.Metric, r.OverallEffect!.AbsoluteEffect,
                [.. r.Segments.Where(s => s.Effect is not null).Select(s => (s.Value, s.N, s.Effect!.Result.AbsoluteEffect))]))
            .OfType<SimpsonFinding>().ToList();
        var segmentCount = reports.Sum(r => r.Segments.Count);
        SegmentationTelemetry.SegmentsReported.Add(segmentCount);
        LogReport(_logger, dimensions.Length, data.Metrics.Count, segmentCount, simpson.Count);
        return new SegmentationReport
        {
            Learners = data.Rows,
            Metrics = [.. data.Metrics.Select(m => m.Name)],
            Dimensions = reports,
            Simpson = simpson,
        };
    }

    private static void RequireFinite(string name, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"Metric '{name}' has {values[i]} at row {i}; values must be finite.", DataParameter);
            }
        }
    }

    /// <summary>0 for control and 1 for treatment per row, or null without an arm column.</summary>
    private static int[]? Arms(SegmentationData data)
    {
        if (data.Arm is not { } arm)
        {
            return null;
        }

        if (arm.Count != data.Rows)
        {
            throw new ArgumentException($"The arm column '{arm.Name}' has {arm.Count} rows; the metrics have {data.Rows}.", nameof(data));
        }

        if (data.ControlArm is not { } control || !arm.TryGetCode(control, out var controlCode))
        {
            throw new ArgumentException($"The control arm '{data.ControlArm}' is not a value of column '{arm.Name}' (values: {string.Join(", ", arm.Categories)}).", nameof(data));
        }

        var present = new HashSet<int>();
        foreach (var c in arm.Codes) { present.Add(c); }
        if (present.Count != 2)
        {
            throw new ArgumentException($"The arm column '{arm.Name}' has {present.Count} arm{(present.Count == 1 ? "" : "s")} ({string.Join(", ", present.Order().Select(c => arm.Categories[c]))}); a segment table compares exactly two, control and treatment.", nameof(data));
        }

        var result = new int[arm.Count];
        var codes = arm.Codes;
        for (var i = 0; i < result.Length; i++) { result[i] = codes[i] == controlCode ? 0 : 1; }
        return result;
    }

    private static DimensionCodes Cross(SegmentationData data, DimensionCross cross)
    {
        CategoricalColumn Find(string name) => data.Dimensions.FirstOrDefault(d => d.Name == name)
            ?? throw new ArgumentException($"Cross '{cross.First}{CrossSeparator}{cross.Second}': column '{name}' is not one of the dimensions ({string.Join(", ", data.Dimensions.Select(d => d.Name))}).", nameof(data));
        var (a, b) = (Find(cross.First), Find(cross.Second));
        var width = b.Categories.Count;
        var codes = new int[data.Rows];
        var ca = a.Codes;
        var cb = b.Codes;
        for (var i = 0; i < codes.Length; i++) { codes[i] = ca[i] * width + cb[i]; }
        var categories = a.Categories.SelectMany(x => b.Categories.Select(y => x + CrossSeparator + y)).ToArray();
        return new DimensionCodes(a.Name + CrossSeparator + b.Name, codes, categories);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Segment table: {Dimensions} dimensions × {Metrics} metrics, {Segments} rows, {Simpson} Simpson warnings")]
    private static partial void LogReport(ILogger logger, int dimensions, int metrics, int segments, int simpson);
}
