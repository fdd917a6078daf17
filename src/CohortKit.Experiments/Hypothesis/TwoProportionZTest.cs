using CohortKit.Experiments.Distributions;
using CohortKit.Experiments.Effects;

namespace CohortKit.Experiments.Hypothesis;

/// <summary>Two-proportion z-test: pooled z for the p-value (as statsmodels <c>proportions_ztest</c>), unpooled Wald
/// interval for the difference, delta-method interval for the relative lift.</summary>
public static class TwoProportionZTest
{
    /// <summary>Runs the test.</summary>
    /// <param name="controlSuccesses">Control successes.</param>
    /// <param name="controlN">Control units.</param>
    /// <param name="treatmentSuccesses">Treatment successes.</param>
    /// <param name="treatmentN">Treatment units.</param>
    /// <param name="alpha">Significance level.</param>
    /// <returns>The result; <see cref="TwoSampleResult.Statistic"/> is the pooled z.</returns>
    /// <exception cref="ArgumentException">A count is negative, successes exceed units, an arm has fewer than 2 units, or
    /// the pooled rate is 0 or 1 (no variation: the test is undefined).</exception>
    /// <exception cref="ArgumentOutOfRangeException">alpha is outside (0, 1).</exception>
    public static TwoSampleResult Compute(long controlSuccesses, long controlN, long treatmentSuccesses, long treatmentN, double alpha = 0.05)
    {
        Guard.Alpha(alpha);
        Guard.AtLeast(controlN, 2, nameof(controlN), "The control arm");
        Guard.AtLeast(treatmentN, 2, nameof(treatmentN), "The treatment arm");
        if (controlSuccesses < 0 || controlSuccesses > controlN)
        {
            throw new ArgumentException($"controlSuccesses ({controlSuccesses}) must be in [0, controlN = {controlN}].", nameof(controlSuccesses));
        }

        if (treatmentSuccesses < 0 || treatmentSuccesses > treatmentN)
        {
            throw new ArgumentException($"treatmentSuccesses ({treatmentSuccesses}) must be in [0, treatmentN = {treatmentN}].", nameof(treatmentSuccesses));
        }

        double pc = (double)controlSuccesses / controlN, pt = (double)treatmentSuccesses / treatmentN;
        var pooled = (double)(controlSuccesses + treatmentSuccesses) / (controlN + treatmentN);
        if (pooled is 0 or 1)
        {
            throw new ArgumentException($"Every unit in both arms has the same outcome ({pooled}); the test is undefined.", nameof(treatmentSuccesses));
        }

        var diff = pt - pc;
        var z = diff / Math.Sqrt(pooled * (1 - pooled) * (1.0 / controlN + 1.0 / treatmentN));
        double sec = Math.Sqrt(pc * (1 - pc) / controlN), set = Math.Sqrt(pt * (1 - pt) / treatmentN);
        var se = Math.Sqrt(sec * sec + set * set);
        var critical = Probability.NormalUpperQuantile(alpha / 2);
        var relative = RelativeEffect.Compute(pc, sec, pt, set, critical, 1 - alpha);
        return TwoSampleResult.Create(TwoSampleTest.Proportion, controlN, treatmentN, pc, pt, se, critical, relative,
            Probability.NormalTwoSided(z), z, null, alpha);
    }
}
