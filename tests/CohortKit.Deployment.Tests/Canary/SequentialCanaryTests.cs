using CohortKit.Deployment.Canary;

namespace CohortKit.Deployment.Tests.Canary;

/// <summary>The sequential canary: a degraded green fails at an early look; an equal green fails at most about α/2 of the time
/// however often one looks (the mixture test's always-valid p-values).</summary>
public sealed class SequentialCanaryTests
{
    private static (CanaryArm Blue, CanaryArm Green) Grow(Random random, List<double> blue, List<double> green, int add, double greenScale)
    {
        for (var i = 0; i < add; i++)
        {
            blue.Add(20 * Math.Exp(0.4 * CanaryJudgeTests.Normal(random)));
            green.Add(20 * greenScale * Math.Exp(0.4 * CanaryJudgeTests.Normal(random)));
        }

        return (new CanaryArm { LatenciesMs = blue.ToArray(), Requests = blue.Count, Errors = 0 },
                new CanaryArm { LatenciesMs = green.ToArray(), Requests = green.Count, Errors = 0 });
    }

    [Fact]
    public void Look_DegradedGreen_FailsBeforeTheLastLook()
    {
        var random = new Random(11);
        var canary = new CanaryJudge(new CanaryOptions()).StartSequential();
        List<double> blue = [], green = [];
        CanaryReport? report = null;
        for (var look = 0; look < 20; look++)
        {
            var (b, g) = Grow(random, blue, green, 100, greenScale: 1.3);
            report = canary.Look(b, g);
            if (report.Verdict == CanaryVerdict.Fail) { break; }
        }

        report!.Verdict.Should().Be(CanaryVerdict.Fail);
        report.Look.Should().BeLessThan(20);
        report.Metrics[0].Test.Should().Be(CanaryTest.MixtureSequential);
        canary.Looks.Should().Be(report.Look);
    }

    [Fact]
    public void Look_EqualGreen_TwentyLooks_FalseFailRateAtMostAboutAlpha()
    {
        // 400 canaries, 20 looks each: a fixed-horizon test peeked at 20 times would fail far more often than α/2 = 2.5 %;
        // the mixture test must stay below the upper 99.9 % binomial bound around 2.5 %.
        const int canaries = 400;
        var judge = new CanaryJudge(new CanaryOptions { LatencyTolerance = 0 });
        var random = new Random(12);
        var fails = 0;
        for (var c = 0; c < canaries; c++)
        {
            var canary = judge.StartSequential();
            List<double> blue = [], green = [];
            for (var look = 0; look < 20; look++)
            {
                var (b, g) = Grow(random, blue, green, 50, greenScale: 1);
                if (canary.Look(b, g).Verdict == CanaryVerdict.Fail)
                {
                    fails++;
                    break;
                }
            }
        }

        fails.Should().BeLessThanOrEqualTo((int)Math.Ceiling(canaries * 0.025 + 3.29 * Math.Sqrt(canaries * 0.025 * 0.975)));
    }
}
