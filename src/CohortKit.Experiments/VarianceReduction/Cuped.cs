using CohortKit.Experiments.Effects;
using CohortKit.Metrics;

namespace CohortKit.Experiments.VarianceReduction;

/// <summary>The CUPED adjustment of one experiment metric.</summary>
/// <param name="Theta">cov(X, Y) / var(X), pooled over both arms.</param>
/// <param name="VarianceReduction">1 − var(Y′) / var(Y): the share of the metric's variance removed.</param>
/// <param name="Result">The comparison of adjusted means (Welch on Y′).</param>
public sealed record CupedResult(double Theta, double VarianceReduction, TwoSampleResult Result);

/// <summary>CUPED (Deng et al. 2013): Y′ = Y − θ(X − mean X) with a pre-period covariate X and θ pooled across arms, then Welch on Y′.</summary>
public static class Cuped
{
    /// <summary>Runs CUPED for a learner-level metric.</summary>
    /// <param name="metric">Y per unit.</param>
    /// <param name="covariate">X per unit (pre-period), same length, no missing values.</param>
    /// <param name="isTreatment">Arm per unit.</param>
    /// <param name="alpha">Significance level.</param>
    /// <returns>θ, the variance reduction and the adjusted comparison.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a value is not finite, an arm has fewer than 2 units, or X is constant.</exception>
    public static CupedResult Compute(ReadOnlySpan<double> metric, ReadOnlySpan<double> covariate, ReadOnlySpan<bool> isTreatment, double alpha = 0.05)
    {
        if (covariate.Length != metric.Length || isTreatment.Length != metric.Length)
        {
            throw new ArgumentException($"metric ({metric.Length}), covariate ({covariate.Length}) and isTreatment ({isTreatment.Length}) must have equal lengths.", nameof(covariate));
        }

        Guard.Finite(metric, nameof(metric));
        Guard.Finite(covariate, nameof(covariate));
        var n = metric.Length;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++) { mx += covariate[i]; my += metric[i]; }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            double dx = covariate[i] - mx, dy = metric[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }

        if (!(sxx > 0))
        {
            throw new ArgumentException("The covariate is constant; CUPED needs a covariate that varies.", nameof(covariate));
        }

        var theta = sxy / sxx;
        MetricSummary control = MetricSummary.Empty, treatment = MetricSummary.Empty, adjusted = MetricSummary.Empty;
        for (var i = 0; i < n; i++)
        {
            var y = metric[i] - theta * (covariate[i] - mx);
            adjusted = adjusted.Add(y);
            if (isTreatment[i]) { treatment = treatment.Add(y); } else { control = control.Add(y); }
        }

        var reduction = syy > 0 ? 1 - adjusted.SumOfSquaredDeviations / syy : 0;
        var result = Hypothesis.WelchTTest.Compute(control, treatment, alpha) with { Test = TwoSampleTest.Cuped };
        return new CupedResult(theta, reduction, result);
    }
}
