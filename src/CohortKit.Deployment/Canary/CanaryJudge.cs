using System.Globalization;
using CohortKit.Experiments.Hypothesis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.Canary;

/// <summary>
/// Compares a green (new) version with blue (current) on latency (Mann–Whitney U), error rate (two-proportion z-test) and any
/// guardrail metric, with Experiments' tests, and gives a Kayenta-style verdict: each metric is <see cref="MetricOutcome.Worse"/>
/// when its two-sided p &lt; α, the change is in the harmful direction (for a rank test, both the rank statistic and the
/// means) and larger than its tolerance; the score is the percentage of metrics not worse; a worse critical metric fails the
/// canary, otherwise the score against <see cref="CanaryOptions.PassScore"/> and <see cref="CanaryOptions.MarginalScore"/> decides.
/// </summary>
/// <remarks>No correction for multiple metrics (as Kayenta): with k independent metrics the false-fail rate of an equal green
/// is about 1 − (1 − α/2)^k. Thread-safe (<see cref="Judge"/> keeps no state); a <see cref="SequentialCanary"/> is not.</remarks>
public sealed class CanaryJudge
{
    /// <summary>The metric name of latency in reports.</summary>
    public const string LatencyMetric = "latency_ms";

    /// <summary>The metric name of the error rate in reports.</summary>
    public const string ErrorRateMetric = "error_rate";

    private readonly CanaryOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the judge.</summary>
    /// <param name="options">The options (validated and copied).</param>
    /// <param name="logger">Logs verdicts.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named by the parameter).</exception>
    public CanaryJudge(CanaryOptions options, ILogger<CanaryJudge>? logger = null)
    {
        CanaryOptionsValidator.ThrowIfInvalid(options);
        _options = new CanaryOptions
        {
            Alpha = options.Alpha,
            PassScore = options.PassScore,
            MarginalScore = options.MarginalScore,
            LatencyTolerance = options.LatencyTolerance,
            ErrorRateTolerance = options.ErrorRateTolerance,
            LatencyCritical = options.LatencyCritical,
            ErrorRateCritical = options.ErrorRateCritical,
            SequentialTuningUnitsPerArm = options.SequentialTuningUnitsPerArm,
        };
        foreach (var g in options.Guardrails)
        {
            _options.Guardrails.Add(g);
        }

        _logger = logger ?? NullLogger<CanaryJudge>.Instance;
    }

    /// <summary>Creates the judge from DI.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Logs verdicts.</param>
    [ActivatorUtilitiesConstructor]
    public CanaryJudge(IOptions<CanaryOptions> options, ILogger<CanaryJudge>? logger = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, logger)
    {
    }

    /// <summary>Gets the guardrails the judge compares.</summary>
    public IReadOnlyList<GuardrailMetric> Guardrails => _options.Guardrails.AsReadOnly();

    /// <summary>Judges a fixed-horizon canary window.</summary>
    /// <param name="blue">What blue served.</param>
    /// <param name="green">What green served.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than 2 latencies or 2 requests, a non-finite value, errors outside
    /// [0, requests], or lacks a guardrail's values.</exception>
    public CanaryReport Judge(CanaryArm blue, CanaryArm green)
    {
        CheckArm(blue, nameof(blue));
        CheckArm(green, nameof(green));
        var metrics = new List<CanaryMetricResult>
        {
            RankMetric(LatencyMetric, blue.LatenciesMs.Span, green.LatenciesMs.Span, MetricDirection.LowerIsBetter, _options.LatencyTolerance, _options.LatencyCritical),
            ErrorRate(blue, green),
        };
        foreach (var g in _options.Guardrails)
        {
            metrics.Add(RankMetric(g.Name, blue.Guardrails[g.Name].Span, green.Guardrails[g.Name].Span, g.Direction, g.Tolerance, g.Critical));
        }

        return Report(metrics, look: 0);
    }

    /// <summary>Starts a sequential canary: call <see cref="SequentialCanary.Look"/> with the cumulative data as often as wanted;
    /// a fail at any look is final (the p-values are always valid), a pass only at the last planned look.</summary>
    /// <returns>A new sequential canary.</returns>
    public SequentialCanary StartSequential() => new(this, _options);

    internal CanaryReport Report(List<CanaryMetricResult> metrics, int look)
    {
        var worse = metrics.Where(m => m.Outcome == MetricOutcome.Worse).ToList();
        var score = 100.0 * (metrics.Count - worse.Count) / metrics.Count;
        var verdict = worse.Any(m => m.Critical) ? CanaryVerdict.Fail
            : score >= _options.PassScore ? CanaryVerdict.Pass
            : score >= _options.MarginalScore ? CanaryVerdict.Marginal
            : CanaryVerdict.Fail;
        var reasons = worse.Count == 0
            ? new List<string> { $"no metric is significantly worse at alpha {_options.Alpha.ToString(CultureInfo.InvariantCulture)}" }
            : worse.Select(m => (m.Critical ? "critical " : string.Empty) + m.Reason).ToList();
        if (verdict != CanaryVerdict.Pass && !worse.Any(m => m.Critical))
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"score {score:F1} is below the pass score {_options.PassScore}"));
        }

        DeploymentTelemetry.CanaryVerdicts.Add(1, new KeyValuePair<string, object?>("verdict", verdict.ToString().ToLowerInvariant()));
        DeploymentTelemetry.LogVerdict(_logger, verdict, score, worse.Count, metrics.Count);
        return new CanaryReport { Verdict = verdict, Score = score, Metrics = metrics.AsReadOnly(), Reasons = reasons.AsReadOnly(), Look = look };
    }

    internal void CheckArm(CanaryArm arm, string paramName)
    {
        ArgumentNullException.ThrowIfNull(arm, paramName);
        if (arm.LatenciesMs.Length < 2) { throw new ArgumentException($"The {paramName} arm has {arm.LatenciesMs.Length} latencies; at least 2 are needed.", paramName); }
        Finite(arm.LatenciesMs.Span, LatencyMetric, paramName);
        if (arm.Requests < 2) { throw new ArgumentException($"The {paramName} arm has {arm.Requests} requests; at least 2 are needed.", paramName); }
        if (arm.Errors < 0 || arm.Errors > arm.Requests) { throw new ArgumentException($"The {paramName} arm has {arm.Errors} errors out of {arm.Requests} requests.", paramName); }
        foreach (var g in _options.Guardrails)
        {
            if (!arm.Guardrails.TryGetValue(g.Name, out var values)) { throw new ArgumentException($"The {paramName} arm has no values for guardrail '{g.Name}'.", paramName); }
            if (values.Length < 2) { throw new ArgumentException($"The {paramName} arm has {values.Length} values for guardrail '{g.Name}'; at least 2 are needed.", paramName); }
            Finite(values.Span, g.Name, paramName);
        }
    }

    /// <summary>Classifies one metric from its test: worse when significant, harmful by the test's direction and by the means,
    /// and beyond tolerance (relative to blue's mean for rank metrics, absolute for the error rate).</summary>
    internal CanaryMetricResult Classify(string metric, CanaryTest test, MetricDirection direction, bool critical, double blueMean, double greenMean,
        double p, bool? greenLargerByTest, double toleratedChange)
    {
        var delta = greenMean - blueMean;
        var harmDelta = direction == MetricDirection.LowerIsBetter ? delta : -delta;
        var significant = p < _options.Alpha;
        var testSaysHarm = greenLargerByTest is not { } larger || larger == (direction == MetricDirection.LowerIsBetter);
        var outcome = !significant ? MetricOutcome.Same
            : testSaysHarm && harmDelta > toleratedChange ? MetricOutcome.Worse
            : !testSaysHarm && harmDelta < 0 ? MetricOutcome.Better
            : MetricOutcome.Same;
        var word = direction == MetricDirection.LowerIsBetter ? (delta > 0 ? "higher" : "lower") : (delta < 0 ? "lower" : "higher");
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"{metric}: green {greenMean:G4} vs blue {blueMean:G4} ({word}), {TestName(test)} p = {p:G3}{(outcome == MetricOutcome.Worse ? ", beyond the tolerated " + toleratedChange.ToString("G3", CultureInfo.InvariantCulture) : string.Empty)}");
        return new CanaryMetricResult { Metric = metric, Test = test, Outcome = outcome, Critical = critical, BlueMean = blueMean, GreenMean = greenMean, PValue = p, Reason = reason };
    }

    internal static CanaryMetricResult Unmeasurable(string metric, CanaryTest test, bool critical, double blueMean, double greenMean, string why) =>
        new() { Metric = metric, Test = test, Outcome = MetricOutcome.NoDifferenceMeasurable, Critical = critical, BlueMean = blueMean, GreenMean = greenMean, PValue = 1, Reason = $"{metric}: {why}" };

    private CanaryMetricResult RankMetric(string metric, ReadOnlySpan<double> blue, ReadOnlySpan<double> green, MetricDirection direction, double tolerance, bool critical)
    {
        if (AllEqual(blue, green))
        {
            return Unmeasurable(metric, CanaryTest.MannWhitney, critical, blue[0], green[0], "every value is equal in both arms");
        }

        var r = MannWhitneyUTest.Compute(blue, green, _options.Alpha);
        var greenLarger = r.Statistic > r.ControlN * (double)r.TreatmentN / 2;
        return Classify(metric, CanaryTest.MannWhitney, direction, critical, r.ControlMean, r.TreatmentMean, r.PValue, greenLarger, tolerance * Math.Abs(r.ControlMean));
    }

    private CanaryMetricResult ErrorRate(CanaryArm blue, CanaryArm green)
    {
        double blueRate = (double)blue.Errors / blue.Requests, greenRate = (double)green.Errors / green.Requests;
        var errors = blue.Errors + green.Errors;
        if (errors == 0 || errors == blue.Requests + green.Requests)
        {
            return Unmeasurable(ErrorRateMetric, CanaryTest.TwoProportion, _options.ErrorRateCritical, blueRate, greenRate,
                errors == 0 ? "no errors in either arm" : "every request failed in both arms");
        }

        var r = TwoProportionZTest.Compute(blue.Errors, blue.Requests, green.Errors, green.Requests, _options.Alpha);
        return Classify(ErrorRateMetric, CanaryTest.TwoProportion, MetricDirection.LowerIsBetter, _options.ErrorRateCritical, blueRate, greenRate, r.PValue, null, _options.ErrorRateTolerance);
    }

    private static bool AllEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var first = a[0];
        foreach (var v in a) { if (v != first) { return false; } }
        foreach (var v in b) { if (v != first) { return false; } }
        return true;
    }

    private static void Finite(ReadOnlySpan<double> values, string metric, string paramName)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {paramName} arm's {metric} value {i} is {values[i]}; values must be finite."), paramName);
            }
        }
    }

    private static string TestName(CanaryTest test) => test switch
    {
        CanaryTest.MannWhitney => "Mann-Whitney",
        CanaryTest.TwoProportion => "two-proportion z",
        _ => "mSPRT",
    };
}
