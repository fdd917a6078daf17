using CohortKit.Experiments.Distributions;

namespace CohortKit.Experiments.Heterogeneity;

/// <summary>How much an effect varies across independent segments or experiments.</summary>
/// <param name="Q">Cochran's Q with inverse-variance weights.</param>
/// <param name="DegreesOfFreedom">k − 1.</param>
/// <param name="PValue">P(χ²_{k−1} ≥ Q): small means the effects differ.</param>
/// <param name="ISquared">max(0, (Q − df) / Q): the share of variation due to heterogeneity.</param>
/// <param name="Tau2">DerSimonian–Laird between-segment variance, truncated at 0.</param>
/// <param name="FixedEffect">Inverse-variance weighted mean.</param>
/// <param name="RandomEffect">Random-effects mean with weights 1 / (v + τ²).</param>
/// <param name="RandomEffectStandardError">Its standard error.</param>
public sealed record HeterogeneityResult(double Q, int DegreesOfFreedom, double PValue, double ISquared, double Tau2, double FixedEffect, double RandomEffect, double RandomEffectStandardError);

/// <summary>Cochran's Q, I² and the DerSimonian–Laird random-effects summary of per-segment effects.</summary>
public static class EffectHeterogeneity
{
    /// <summary>Summarises the heterogeneity of independent effect estimates.</summary>
    /// <param name="effects">Effect per segment.</param>
    /// <param name="variances">Variance (squared standard error) per segment, each positive.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException">Fewer than two segments, lengths differ, or a variance is not positive.</exception>
    public static HeterogeneityResult Compute(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances)
    {
        if (effects.Length != variances.Length)
        {
            throw new ArgumentException($"effects ({effects.Length}) and variances ({variances.Length}) must have equal lengths.", nameof(variances));
        }

        if (effects.Length < 2)
        {
            throw new ArgumentException("At least two segments are needed.", nameof(effects));
        }

        Guard.Finite(effects, nameof(effects));
        double sw = 0, swe = 0, sw2 = 0;
        for (var i = 0; i < effects.Length; i++)
        {
            if (!(variances[i] > 0 && double.IsFinite(variances[i])))
            {
                throw new ArgumentException($"variances[{i}] is {variances[i]}; variances must be positive.", nameof(variances));
            }

            var w = 1 / variances[i];
            sw += w;
            swe += w * effects[i];
            sw2 += w * w;
        }

        var fixedEffect = swe / sw;
        double q = 0;
        for (var i = 0; i < effects.Length; i++)
        {
            var d = effects[i] - fixedEffect;
            q += d * d / variances[i];
        }

        var df = effects.Length - 1;
        var i2 = q > 0 ? Math.Max(0, (q - df) / q) : 0;
        var tau2 = Math.Max(0, (q - df) / (sw - sw2 / sw));
        double swr = 0, swre = 0;
        for (var i = 0; i < effects.Length; i++)
        {
            var w = 1 / (variances[i] + tau2);
            swr += w;
            swre += w * effects[i];
        }

        return new HeterogeneityResult(q, df, Probability.ChiSquareSurvival(q, df), i2, tau2, fixedEffect, swre / swr, Math.Sqrt(1 / swr));
    }
}
