using CohortKit.Metrics;

namespace CohortKit.Experiments.Sequential;

/// <summary>One look of a sequential test.</summary>
/// <param name="Look">1 for the first look.</param>
/// <param name="Effect">Treatment mean − control mean at this look.</param>
/// <param name="Interval">The always-valid confidence sequence at this look (level 1 − α over all looks).</param>
/// <param name="PValue">The always-valid p-value (non-increasing over looks).</param>
/// <param name="Reject">Whether the test has rejected "no difference" at this or an earlier look.</param>
public sealed record SequentialLook(int Look, double Effect, CohortKit.Statistics.ConfidenceInterval Interval, double PValue, bool Reject);

/// <summary>
/// A mixture sequential probability ratio test (mSPRT; Robbins 1970, Johari et al. 2017) for a difference of means or
/// proportions: with a normal mixture N(0, τ²) over the effect, the likelihood ratio
/// Λ = √(V/(V+τ²)) · exp(θ̂²τ² / (2V(V+τ²))) is a martingale under "no difference", so p = min over looks of 1/Λ is
/// valid however often and whenever the readout is looked at. The matching confidence sequence is
/// θ̂ ± √(V(V+τ²)/τ² · (2 ln(1/α) + ln((V+τ²)/V))).
/// </summary>
/// <remarks>τ² is fixed at the first look as r*·V*, where V* is the variance of the difference expected with
/// <c>tuningUnitsPerArm</c> units per arm (from the first look's arm variances) and r* minimises the sequence's width there;
/// the sequence is then tightest around that sample size (like GrowthBook's "expected N" tuning). Not thread-safe: one
/// instance follows one metric of one experiment.</remarks>
public sealed class MixtureSequentialTest
{
    private readonly double _alpha;
    private readonly double _tuningUnitsPerArm;
    private double _tau2 = double.NaN;
    private double _p = 1;
    private int _looks;

    /// <summary>Creates the test.</summary>
    /// <param name="alpha">The error rate kept over all looks, in (0, 1).</param>
    /// <param name="tuningUnitsPerArm">The per-arm sample size at which the confidence sequence is tightest (&gt; 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public MixtureSequentialTest(double alpha = 0.05, double tuningUnitsPerArm = 5_000)
    {
        Guard.Alpha(alpha);
        if (!(tuningUnitsPerArm > 1)) { throw new ArgumentOutOfRangeException(nameof(tuningUnitsPerArm), tuningUnitsPerArm, "tuningUnitsPerArm must exceed 1."); }
        _alpha = alpha;
        _tuningUnitsPerArm = tuningUnitsPerArm;
    }

    /// <summary>Gets the mixture variance τ² (NaN before the first look).</summary>
    public double MixtureVariance => _tau2;

    /// <summary>Adds a look at the cumulative data of both arms.</summary>
    /// <param name="control">Everything observed so far in control.</param>
    /// <param name="treatment">Everything observed so far in treatment.</param>
    /// <returns>The look.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than 2 observations or both have zero variance.</exception>
    public SequentialLook Update(in MetricSummary control, in MetricSummary treatment)
    {
        Guard.AtLeast(control.Count, 2, nameof(control), "The control arm");
        Guard.AtLeast(treatment.Count, 2, nameof(treatment), "The treatment arm");
        double vc = control.Variance, vt = treatment.Variance;
        var v = vc / control.Count + vt / treatment.Count;
        if (!(v > 0))
        {
            throw new ArgumentException("Both arms have zero variance; the sequential test is undefined.", nameof(treatment));
        }

        if (double.IsNaN(_tau2))
        {
            _tau2 = OptimalRatio(_alpha) * (vc + vt) / _tuningUnitsPerArm;
        }

        _looks++;
        var theta = treatment.Mean - control.Mean;
        var logLambda = 0.5 * Math.Log(v / (v + _tau2)) + theta * theta * _tau2 / (2 * v * (v + _tau2));
        _p = Math.Min(_p, Math.Min(1, Math.Exp(-logLambda)));
        var half = Math.Sqrt(v * (v + _tau2) / _tau2 * (2 * Math.Log(1 / _alpha) + Math.Log((v + _tau2) / v)));
        return new SequentialLook(_looks, theta, new CohortKit.Statistics.ConfidenceInterval(theta - half, theta + half, 1 - _alpha), _p, _p < _alpha);
    }

    /// <summary>The ratio r = τ²/V minimising the half-width factor (1 + 1/r)(2 ln(1/α) + ln(1 + r)). Setting the derivative
    /// to zero gives r = 2 ln(1/α) + ln(1 + r), a contraction (slope 1/(1 + r) &lt; 1), iterated to a fixed point.</summary>
    internal static double OptimalRatio(double alpha)
    {
        var l2 = 2 * Math.Log(1 / alpha);
        var r = l2;
        for (var i = 0; i < 200; i++)
        {
            var next = l2 + double.LogP1(r);
            if (Math.Abs(next - r) <= 1e-15 * next)
            {
                return next;
            }

            r = next;
        }

        return r;
    }
}
