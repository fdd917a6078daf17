using CohortKit.Experiments.Power;
using CohortKit.Experiments.Readout;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Learners;
using CohortKit.Statistics;
using MathNet.Numerics.Distributions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.AaValidation;

/// <summary>
/// Validates that the measurement system does not see differences where there are none: re-randomises a population
/// into two arms many times (seeded), runs a Welch test per metric each time, and reports the empirical false-positive
/// rate with its Clopper–Pearson interval, a Kolmogorov–Smirnov test of the p-values' uniformity and the minimum
/// detectable effect, overall and per segment.
/// </summary>
/// <remarks>Thread-safe: <see cref="Rerandomize"/> may be called concurrently. Iterations run in parallel; each draws
/// from its own random stream, so the report does not depend on the thread count.</remarks>
public sealed partial class AaTestValidator
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a validator (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now.</param>
    /// <param name="timeProvider">The clock used to time runs.</param>
    /// <param name="logger">Optional logger (counts and durations only).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public AaTestValidator(AaValidationOptions options, TimeProvider? timeProvider = null, ILogger<AaTestValidator>? logger = null)
    {
        AaValidationOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<AaTestValidator>.Instance;
    }

    /// <summary>Creates a validator from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public AaTestValidator(IOptions<AaValidationOptions> options, TimeProvider timeProvider, ILogger<AaTestValidator>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    /// <summary>Gets a copy of the validated settings (the engine keeps its own snapshot; changing this copy changes nothing).</summary>
    public AaValidationOptions Options => _options.Snapshot();

    private readonly AaValidationOptions _options;

    /// <summary>Re-randomises the population <see cref="AaValidationOptions.Iterations"/> times and tests every metric each time.</summary>
    /// <param name="metrics">Metrics with one value per unit, all the same length (at least 4 units), finite.</param>
    /// <param name="segment">Optional segment column (one code per unit) for per-segment results.</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">No metric, lengths differ, too few units, a non-finite value or duplicate names.</exception>
    public AaValidationReport Rerandomize(IReadOnlyList<MetricColumn> metrics, CategoricalColumn? segment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Validate(metrics, segment);
        using var activity = ExperimentsTelemetry.ActivitySource.StartActivity("AaTestValidator.Rerandomize");
        var started = _time.GetTimestamp();
        var o = _options;
        var n = metrics[0].Values.Length;
        var segmentCount = segment?.Categories.Count ?? 1;
        var codes = segment is null ? new int[n] : segment.Codes.ToArray();
        var engine = new RerandomizationEngine(metrics.Select(m => m.Values).ToArray(), codes, segmentCount);
        var m = metrics.Count;
        var k = o.Iterations;
        CheckStorage(segmentCount + 1, m, k);
        var overall = new double[m * k];          // [metric * k + iteration]
        var perSegment = new double[segmentCount * m * k];
        var seed = unchecked((ulong)o.Seed);
        var workers = Math.Min(o.MaxDegreeOfParallelism, k);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, worker =>
        {
            var scratch = new RerandomizationEngine.Scratch(engine);
            var segmentP = new double[segmentCount * m];
            var overallP = new double[m];
            for (var it = worker; it < k; it += workers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                engine.RunIteration(seed, it, o.Split, scratch, segmentP, overallP);
                for (var j = 0; j < m; j++) { overall[j * k + it] = overallP[j]; }
                for (var j = 0; j < segmentP.Length; j++) { perSegment[j * k + it] = segmentP[j]; }
            }
        });

        var summaries = metrics.Select(x => Metrics.MetricSummary.FromSpan(x.Values.Span)).ToArray();
        ExperimentsTelemetry.AaIterations.Add(k);
        var results = new List<AaMetricResult>(m);
        for (var j = 0; j < m; j++)
        {
            results.Add(Summarise(metrics[j].Name, null, n, summaries[j], overall.AsSpan(j * k, k)));
        }

        var segments = new List<AaMetricResult>();
        if (segment is not null)
        {
            for (var s = 0; s < segmentCount; s++)
            {
                for (var j = 0; j < m; j++)
                {
                    var inSegment = Metrics.MetricSummary.Empty;
                    var values = metrics[j].Values.Span;
                    for (var i = 0; i < n; i++) { if (codes[i] == s) { inSegment = inSegment.Add(values[i]); } }
                    segments.Add(Summarise(metrics[j].Name, segment.Categories[s], (int)engine.UnitsIn(s), inSegment, perSegment.AsSpan((s * m + j) * k, k)));
                }
            }
        }

        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        LogRun(_logger, k, n, m, seconds);
        return new AaValidationReport(results, segments, o);
    }

    /// <summary>Re-randomises whole clusters (cohorts, classes) <see cref="AaValidationOptions.Iterations"/> times, as a
    /// cluster-randomised experiment assigns them, and analyses every split twice: naively with Welch on the units and with
    /// cluster-robust errors (CR1, t with G − 1 df). The naive analysis of clustered data over-rejects, and the report flags it
    /// (<see cref="AaMetricResult.IsCalibrated"/> false); the cluster-robust rows show whether the analysis to use is calibrated.</summary>
    /// <param name="metrics">Metrics with one value per unit, all the same length, finite, not constant.</param>
    /// <param name="clusters">The cluster of each unit (at least 2 distinct clusters).</param>
    /// <param name="cancellationToken">Stops between iterations.</param>
    /// <returns>Per metric a <see cref="AaAnalysis.UnitLevel"/> row and a <see cref="AaAnalysis.ClusterRobust"/> row; no segments.</returns>
    /// <exception cref="ArgumentException">As <see cref="Rerandomize"/>, or the cluster column's length differs, or it has fewer than 2 clusters.</exception>
    public AaValidationReport RerandomizeClusters(IReadOnlyList<MetricColumn> metrics, IReadOnlyList<long> clusters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(clusters);
        Validate(metrics, null);
        var n = metrics[0].Values.Length;
        if (clusters.Count != n)
        {
            throw new ArgumentException($"The cluster column has {clusters.Count} rows; the metrics have {n}.", nameof(clusters));
        }

        var dense = new Dictionary<long, int>();
        var codes = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (!dense.TryGetValue(clusters[i], out codes[i])) { codes[i] = dense[clusters[i]] = dense.Count; }
        }

        if (dense.Count < 2)
        {
            throw new ArgumentException("The cluster column has a single cluster; re-randomising clusters needs at least 2.", nameof(clusters));
        }

        using var activity = ExperimentsTelemetry.ActivitySource.StartActivity("AaTestValidator.RerandomizeClusters");
        var started = _time.GetTimestamp();
        var o = _options;
        var m = metrics.Count;
        var k = o.Iterations;
        CheckStorage(2, m, k);
        var engine = new ClusterRerandomizationEngine(metrics.Select(x => x.Values).ToArray(), codes, dense.Count);
        var naive = new double[m * k];
        var robust = new double[m * k];
        var seed = unchecked((ulong)o.Seed);
        var workers = Math.Min(o.MaxDegreeOfParallelism, k);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, worker =>
        {
            var mask = new ulong[engine.Words];
            var naiveP = new double[m];
            var robustP = new double[m];
            for (var it = worker; it < k; it += workers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                engine.RunIteration(seed, it, o.Split, mask, naiveP, robustP);
                for (var j = 0; j < m; j++) { naive[j * k + it] = naiveP[j]; robust[j * k + it] = robustP[j]; }
            }
        });

        ExperimentsTelemetry.AaIterations.Add(k);
        var results = new List<AaMetricResult>(2 * m);
        for (var j = 0; j < m; j++)
        {
            var summary = Metrics.MetricSummary.FromSpan(metrics[j].Values.Span);
            results.Add(Summarise(metrics[j].Name, null, n, summary, naive.AsSpan(j * k, k)));
            // The unit-level MDE does not hold for a cluster design, so the cluster-robust row reports none.
            results.Add(Summarise(metrics[j].Name, null, n, Metrics.MetricSummary.Empty, robust.AsSpan(j * k, k)) with { Analysis = AaAnalysis.ClusterRobust, Clusters = dense.Count });
        }

        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        LogRun(_logger, k, n, m, seconds);
        return new AaValidationReport(results, [], o);
    }

    /// <summary>The largest number of p-values one run may store (1 GiB): iterations × metrics × (segments + 1).</summary>
    internal const long MaxStoredPValues = 1L << 27;

    private static void CheckStorage(long groups, long metrics, long iterations)
    {
        if (groups * metrics * iterations > MaxStoredPValues)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations,
                $"Iterations ({iterations:N0}) × metrics ({metrics}) × groups ({groups}) is more than {MaxStoredPValues:N0} p-values (1 GiB); lower the iterations, metrics or segments.");
        }
    }

    private AaMetricResult Summarise(string metric, string? segment, int units, Metrics.MetricSummary summary, ReadOnlySpan<double> pValues)
    {
        var o = _options;
        var valid = new List<double>(pValues.Length);
        var positives = 0;
        foreach (var p in pValues)
        {
            if (double.IsNaN(p)) { continue; }
            valid.Add(p);
            if (p < o.Alpha) { positives++; }
        }

        var tested = valid.Count;
        var interval = tested == 0 ? new ConfidenceInterval(0, 1, o.ConfidenceLevel) : ClopperPearson(positives, tested, 1 - o.ConfidenceLevel);
        var (d, ksP) = tested == 0 ? new KsResult(0, 1) : KolmogorovSmirnovTest.Uniform(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(valid));
        double? mde = null;
        var controlN = (1 - o.Split) * units;
        if (summary.Count >= 2 && controlN > 2 && summary.Variance > 0 && Math.Abs(summary.Mean) > 1e-9 * summary.StandardDeviation)
        {
            try
            {
                var effect = PowerAnalysis.TTestMinimumDetectableEffect(controlN, o.Alpha, o.Power, o.Split / (1 - o.Split));
                mde = effect * summary.StandardDeviation / Math.Abs(summary.Mean);
            }
            catch (ArgumentOutOfRangeException)
            {
                // No effect up to 100 standard deviations reaches the power with so few units in one arm: no MDE to report.
            }
        }

        return new AaMetricResult
        {
            Metric = metric,
            Segment = segment,
            Units = units,
            Iterations = tested,
            FalsePositives = positives,
            FalsePositiveRate = tested == 0 ? 0 : (double)positives / tested,
            FalsePositiveRateInterval = interval,
            KsStatistic = d,
            KsPValue = ksP,
            MinimumDetectableRelativeEffect = mde,
            Alpha = o.Alpha,
            IsCalibrated = tested > 0 && ksP >= 0.001 && ClopperPearson(positives, tested, 0.001).Contains(o.Alpha),
        };
    }

    /// <summary>Reads a real A/A split (two or more arms that received the same experience) and checks that nothing differs:
    /// the split matches its design (SRM) and no metric differs between arms after a Holm correction across metrics and arms.</summary>
    /// <param name="data">The A/A experiment, one row per unit.</param>
    /// <returns>The readout (Holm-adjusted) and whether it confirms "no difference".</returns>
    /// <exception cref="ArgumentException">See <see cref="ExperimentAnalyzer.Analyze"/>.</exception>
    public AaSplitResult AnalyzeSplit(ExperimentData data)
    {
        var readout = new ExperimentAnalyzer(new ReadoutOptions { Alpha = _options.Alpha, Correction = Multiplicity.Correction.Holm }).Analyze(data);
        return new AaSplitResult
        {
            Readout = readout,
            NoDifference = readout.Trustworthy && readout.Metrics.All(m => m.AdjustedPValue >= _options.Alpha),
        };
    }

    /// <summary>The exact (Clopper–Pearson) binomial interval.</summary>
    /// <param name="successes">Successes x.</param>
    /// <param name="trials">Trials n (≥ 1).</param>
    /// <param name="alpha">1 − confidence level.</param>
    /// <returns>The interval at level 1 − alpha.</returns>
    public static ConfidenceInterval ClopperPearson(int successes, int trials, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        Guard.Alpha(alpha);
        var low = successes == 0 ? 0 : Beta.InvCDF(successes, trials - successes + 1, alpha / 2);
        var high = successes == trials ? 1 : Beta.InvCDF(successes + 1, trials - successes, 1 - alpha / 2);
        return new ConfidenceInterval(low, high, 1 - alpha);
    }

    private static void Validate(IReadOnlyList<MetricColumn> metrics, CategoricalColumn? segment)
    {
        if (metrics.Count == 0)
        {
            throw new ArgumentException("At least one metric is needed.", nameof(metrics));
        }

        var n = metrics[0].Values.Length;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            ArgumentNullException.ThrowIfNull(metric, nameof(metrics));
            if (!names.Add(metric.Name)) { throw new ArgumentException($"Metric '{metric.Name}' appears twice.", nameof(metrics)); }
            if (metric.Values.Length != n) { throw new ArgumentException($"Metric '{metric.Name}' has {metric.Values.Length} values; '{metrics[0].Name}' has {n}.", nameof(metrics)); }
            var span = metric.Values.Span;
            Guard.Finite(span, $"Metric '{metric.Name}'", nameof(metrics));
            if (span.Length > 0 && span.IndexOfAnyExcept(span[0]) < 0)
            {
                throw new ArgumentException($"Metric '{metric.Name}' is constant (every unit is {span[0]}); an A/A test of a metric that never varies runs no test.", nameof(metrics));
            }
        }

        if (n < 4)
        {
            throw new ArgumentException($"The population has {n} units; at least 4 are needed to split into two testable arms.", nameof(metrics));
        }

        if (segment is not null && segment.Count != n)
        {
            throw new ArgumentException($"The segment column '{segment.Name}' has {segment.Count} rows; the metrics have {n}.", nameof(segment));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "A/A validation: {Iterations} re-randomisations of {Units} units, {Metrics} metrics, in {Seconds:F2} s")]
    private static partial void LogRun(ILogger logger, int iterations, int units, int metrics, double seconds);
}
