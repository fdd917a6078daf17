using CohortKit.Experiments.Sequential;
using CohortKit.Metrics;

namespace CohortKit.Deployment.Canary;

/// <summary>
/// A canary judged as data arrives: each metric has its own mixture sequential test (Experiments' <c>MixtureSequentialTest</c>)
/// on the means, whose p-values stay valid however often one looks. A metric is worse once its test rejects, the mean moved
/// in the harmful direction and beyond the tolerance. A <see cref="CanaryVerdict.Fail"/> at any look is final; a pass is
/// final only at the last look one planned (the test can reject, never accept).
/// </summary>
/// <remarks>Not thread-safe: one instance follows one canary.</remarks>
public sealed class SequentialCanary
{
    private readonly CanaryJudge _judge;
    private readonly CanaryOptions _options;
    private readonly MixtureSequentialTest _latency;
    private readonly MixtureSequentialTest _errors;
    private readonly MixtureSequentialTest[] _guardrails;
    private int _looks;

    internal SequentialCanary(CanaryJudge judge, CanaryOptions options)
    {
        _judge = judge;
        _options = options;
        _latency = New();
        _errors = New();
        _guardrails = options.Guardrails.Select(_ => New()).ToArray();
    }

    /// <summary>Gets the looks taken so far.</summary>
    public int Looks => _looks;

    /// <summary>Looks at the cumulative data of both arms.</summary>
    /// <param name="blue">Everything blue served so far.</param>
    /// <param name="green">Everything green served so far.</param>
    /// <returns>The report at this look (<see cref="CanaryReport.Look"/> counts from 1).</returns>
    /// <exception cref="ArgumentException">An arm is malformed (as for <see cref="CanaryJudge.Judge"/>).</exception>
    public CanaryReport Look(CanaryArm blue, CanaryArm green)
    {
        _judge.CheckArm(blue, nameof(blue));
        _judge.CheckArm(green, nameof(green));
        _looks++;
        var metrics = new List<CanaryMetricResult>
        {
            Metric(_latency, CanaryJudge.LatencyMetric, MetricSummary.FromSpan(blue.LatenciesMs.Span), MetricSummary.FromSpan(green.LatenciesMs.Span),
                MetricDirection.LowerIsBetter, _options.LatencyCritical, relativeTolerance: _options.LatencyTolerance, absoluteTolerance: 0),
            Metric(_errors, CanaryJudge.ErrorRateMetric, Proportion(blue), Proportion(green),
                MetricDirection.LowerIsBetter, _options.ErrorRateCritical, relativeTolerance: 0, absoluteTolerance: _options.ErrorRateTolerance),
        };
        for (var i = 0; i < _guardrails.Length; i++)
        {
            var g = _options.Guardrails[i];
            metrics.Add(Metric(_guardrails[i], g.Name, MetricSummary.FromSpan(blue.Guardrails[g.Name].Span), MetricSummary.FromSpan(green.Guardrails[g.Name].Span),
                g.Direction, g.Critical, relativeTolerance: g.Tolerance, absoluteTolerance: 0));
        }

        return _judge.Report(metrics, _looks);
    }

    private MixtureSequentialTest New() => new(_options.Alpha, _options.SequentialTuningUnitsPerArm);

    private CanaryMetricResult Metric(MixtureSequentialTest test, string name, MetricSummary blue, MetricSummary green, MetricDirection direction, bool critical,
        double relativeTolerance, double absoluteTolerance)
    {
        if (blue.Variance == 0 && green.Variance == 0)
        {
            return CanaryJudge.Unmeasurable(name, CanaryTest.MixtureSequential, critical, blue.Mean, green.Mean, "no variation in either arm");
        }

        var look = test.Update(blue, green);
        var tolerated = absoluteTolerance + relativeTolerance * Math.Abs(blue.Mean);
        return _judge.Classify(name, CanaryTest.MixtureSequential, direction, critical, blue.Mean, green.Mean, look.PValue, greenLargerByTest: null, tolerated);
    }

    /// <summary>The error indicator's summary: n requests, mean e/n, M2 = e(1 − e/n).</summary>
    private static MetricSummary Proportion(CanaryArm arm)
    {
        var rate = (double)arm.Errors / arm.Requests;
        return MetricSummary.FromParts(arm.Requests, rate, arm.Errors * (1 - rate), arm.Errors < arm.Requests ? 0 : 1, arm.Errors > 0 ? 1 : 0);
    }
}
