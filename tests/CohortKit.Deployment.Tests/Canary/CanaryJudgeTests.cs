using CohortKit.Deployment.Canary;

namespace CohortKit.Deployment.Tests.Canary;

/// <summary>The judge on simulated traffic whose truth is known: log-normal latencies and Bernoulli errors.</summary>
public sealed class CanaryJudgeTests
{
    // 99.9 % binomial interval around the expected false-fail count of 2,000 equal canaries, normal approximation:
    // mean n·p, half-width 3.29·√(n·p(1 − p)).
    private const int Simulations = 2_000;

    internal static CanaryArm Arm(Random random, int n, double latencyScale = 1, double errorRate = 0.01, double medianMs = 20)
    {
        var latencies = new double[n];
        for (var i = 0; i < n; i++)
        {
            latencies[i] = medianMs * latencyScale * Math.Exp(0.4 * Normal(random));
        }

        long errors = 0;
        for (var i = 0; i < n; i++)
        {
            errors += random.NextDouble() < errorRate ? 1 : 0;
        }

        return new CanaryArm { LatenciesMs = latencies, Requests = n, Errors = errors };
    }

    internal static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Judge_GreenThirtyPercentSlower_FailsOnLatency()
    {
        var random = new Random(1);
        var report = new CanaryJudge(new CanaryOptions()).Judge(Arm(random, 500), Arm(random, 500, latencyScale: 1.3));
        report.Verdict.Should().Be(CanaryVerdict.Fail);
        report.Metrics[0].Metric.Should().Be("latency_ms");
        report.Metrics[0].Outcome.Should().Be(MetricOutcome.Worse);
        report.Metrics[0].Test.Should().Be(CanaryTest.MannWhitney);
        report.Reasons.Should().ContainSingle().Which.Should().StartWith("critical latency_ms: green").And.Contain("higher").And.Contain("Mann-Whitney p =");
    }

    [Fact]
    public void Judge_GreenWithFivefoldErrors_FailsOnErrorRate()
    {
        var random = new Random(2);
        var report = new CanaryJudge(new CanaryOptions()).Judge(Arm(random, 4_000, errorRate: 0.01), Arm(random, 4_000, errorRate: 0.05));
        report.Verdict.Should().Be(CanaryVerdict.Fail);
        report.Metrics[1].Should().Match<CanaryMetricResult>(m => m.Metric == "error_rate" && m.Outcome == MetricOutcome.Worse && m.Test == CanaryTest.TwoProportion);
        report.Score.Should().Be(50);
    }

    [Fact]
    public void Judge_GreenFaster_IsBetterAndPasses()
    {
        var random = new Random(3);
        var report = new CanaryJudge(new CanaryOptions()).Judge(Arm(random, 500), Arm(random, 500, latencyScale: 0.7));
        report.Verdict.Should().Be(CanaryVerdict.Pass);
        report.Metrics[0].Outcome.Should().Be(MetricOutcome.Better);
        report.Score.Should().Be(100);
    }

    [Fact]
    public void Judge_SlowerWithinTolerance_IsNotAHarm()
    {
        // +3 % true latency, 20,000 requests per arm: significant, but inside the 5 % tolerance.
        var random = new Random(4);
        var report = new CanaryJudge(new CanaryOptions()).Judge(Arm(random, 20_000), Arm(random, 20_000, latencyScale: 1.03));
        report.Metrics[0].PValue.Should().BeLessThan(0.05);
        report.Metrics[0].Outcome.Should().Be(MetricOutcome.Same);
        report.Verdict.Should().Be(CanaryVerdict.Pass);
    }

    [Fact]
    public void Judge_EqualGreenLatency_FalseFailRateIsAboutHalfAlpha()
    {
        // Latency only (no errors in either arm): a harm needs p < 0.05 and the harmful side, so the rate is 0.025.
        var judge = new CanaryJudge(new CanaryOptions { LatencyTolerance = 0 });
        var random = new Random(5);
        var fails = 0;
        for (var s = 0; s < Simulations; s++)
        {
            fails += judge.Judge(Arm(random, 100, errorRate: 0), Arm(random, 100, errorRate: 0)).Verdict == CanaryVerdict.Fail ? 1 : 0;
        }

        fails.Should().BeInRange(Lower(0.025), Upper(0.025));
    }

    [Fact]
    public void Judge_EqualGreenErrorRate_FalseFailRateIsAboutHalfAlpha()
    {
        // 2,000 requests at 5 % per arm: the pooled z-test is close to nominal; latencies are all equal so only errors count.
        var judge = new CanaryJudge(new CanaryOptions { ErrorRateTolerance = 0 });
        var random = new Random(6);
        var same = new double[] { 10, 10 };
        var fails = 0;
        for (var s = 0; s < Simulations; s++)
        {
            var blue = Arm(random, 2_000, errorRate: 0.05) with { LatenciesMs = same };
            var green = Arm(random, 2_000, errorRate: 0.05) with { LatenciesMs = same };
            fails += judge.Judge(blue, green).Verdict == CanaryVerdict.Fail ? 1 : 0;
        }

        fails.Should().BeInRange(Lower(0.025), Upper(0.025));
    }

    [Fact]
    public void Judge_NonCriticalGuardrailWorse_WithFourMetrics_IsMarginal()
    {
        var options = new CanaryOptions();
        options.Guardrails.Add(new GuardrailMetric { Name = "answers", Direction = MetricDirection.HigherIsBetter });
        options.Guardrails.Add(new GuardrailMetric { Name = "minutes", Direction = MetricDirection.HigherIsBetter });
        var random = new Random(7);
        CanaryArm WithGuardrails(CanaryArm arm, double answers) => arm with
        {
            Guardrails = new Dictionary<string, ReadOnlyMemory<double>>
            {
                ["answers"] = Enumerable.Range(0, 400).Select(_ => answers + Normal(random)).ToArray(),
                ["minutes"] = Enumerable.Range(0, 400).Select(_ => 30 + 5 * Normal(random)).ToArray(),
            },
        };
        var report = new CanaryJudge(options).Judge(WithGuardrails(Arm(random, 400), 10), WithGuardrails(Arm(random, 400), 9));
        report.Metrics.Select(m => m.Metric).Should().Equal("latency_ms", "error_rate", "answers", "minutes");
        report.Metrics[2].Outcome.Should().Be(MetricOutcome.Worse);
        report.Score.Should().Be(75);
        report.Verdict.Should().Be(CanaryVerdict.Marginal);
        report.Reasons.Should().Contain(r => r.StartsWith("answers: green", StringComparison.Ordinal)).And.Contain(r => r.Contains("below the pass score", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_CriticalGuardrailWorse_Fails()
    {
        var options = new CanaryOptions();
        options.Guardrails.Add(new GuardrailMetric { Name = "answers", Direction = MetricDirection.HigherIsBetter, Critical = true });
        var random = new Random(8);
        CanaryArm With(CanaryArm arm, double mean) => arm with { Guardrails = new Dictionary<string, ReadOnlyMemory<double>> { ["answers"] = Enumerable.Range(0, 400).Select(_ => mean + Normal(random)).ToArray() } };
        new CanaryJudge(options).Judge(With(Arm(random, 400), 10), With(Arm(random, 400), 9)).Verdict.Should().Be(CanaryVerdict.Fail);
    }

    [Fact]
    public void Judge_NoErrorsAnywhere_ErrorRateIsUnmeasurableNotAHarm()
    {
        var random = new Random(9);
        var report = new CanaryJudge(new CanaryOptions()).Judge(Arm(random, 50, errorRate: 0), Arm(random, 50, errorRate: 0));
        report.Metrics[1].Outcome.Should().Be(MetricOutcome.NoDifferenceMeasurable);
        report.Metrics[1].Reason.Should().Contain("no errors in either arm");
    }

    [Fact]
    public void Judge_BadArms_ThrowNamingTheArm()
    {
        var judge = new CanaryJudge(new CanaryOptions());
        var ok = new CanaryArm { LatenciesMs = new double[] { 1, 2 }, Requests = 2, Errors = 0 };
        FluentActions.Invoking(() => judge.Judge(ok with { LatenciesMs = new double[] { 1 } }, ok)).Should().Throw<ArgumentException>().WithParameterName("blue").WithMessage("*1 latencies*");
        FluentActions.Invoking(() => judge.Judge(ok, ok with { Errors = 3 })).Should().Throw<ArgumentException>().WithParameterName("green").WithMessage("*3 errors out of 2*");
        FluentActions.Invoking(() => judge.Judge(ok, ok with { LatenciesMs = new[] { 1, double.NaN } })).Should().Throw<ArgumentException>().WithMessage("*value 1 is NaN*");
        var options = new CanaryOptions();
        options.Guardrails.Add(new GuardrailMetric { Name = "answers", Direction = MetricDirection.HigherIsBetter });
        FluentActions.Invoking(() => new CanaryJudge(options).Judge(ok, ok)).Should().Throw<ArgumentException>().WithMessage("*no values for guardrail 'answers'*");
    }

    [Theory]
    [InlineData("Alpha")]
    [InlineData("MarginalScore")]
    [InlineData("Guardrails")]
    public void Constructor_InvalidOption_NamesIt(string option)
    {
        var o = new CanaryOptions();
        switch (option)
        {
            case "Alpha": o.Alpha = 1; break;
            case "MarginalScore": o.MarginalScore = 99; break;
            default: o.Guardrails.Add(new GuardrailMetric { Name = "x", Direction = MetricDirection.LowerIsBetter }); o.Guardrails.Add(new GuardrailMetric { Name = "x", Direction = MetricDirection.LowerIsBetter }); break;
        }

        FluentActions.Invoking(() => new CanaryJudge(o)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
    }

    internal static int Lower(double p) => (int)Math.Floor(Simulations * p - 3.29 * Math.Sqrt(Simulations * p * (1 - p)));

    internal static int Upper(double p) => (int)Math.Ceiling(Simulations * p + 3.29 * Math.Sqrt(Simulations * p * (1 - p)));
}
