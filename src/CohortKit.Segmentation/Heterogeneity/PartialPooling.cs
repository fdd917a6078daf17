using CohortKit.Experiments.Heterogeneity;

namespace CohortKit.Segmentation.Heterogeneity;

/// <summary>Empirical-Bayes partial pooling of segment effects towards their dimension's pooled effect (normal–normal model
/// with the DerSimonian–Laird τ² of <see cref="EffectHeterogeneity"/>).</summary>
public static class PartialPooling
{
    /// <summary>Shrinks each effect towards the random-effects mean μ: θ̂ᵢ = μ + Bᵢ (yᵢ − μ) with Bᵢ = τ² / (τ² + vᵢ).
    /// With τ² = 0 every segment gets μ (the data show no heterogeneity beyond noise); a precise segment keeps most of its own estimate.</summary>
    /// <param name="effects">The segments' effects yᵢ.</param>
    /// <param name="variances">Their variances vᵢ (squared standard errors), each positive.</param>
    /// <param name="heterogeneity">The summary of the same effects from <see cref="EffectHeterogeneity.Compute"/> (μ and τ²).</param>
    /// <returns>The shrunk effects, in input order.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a variance is not positive.</exception>
    public static double[] Shrink(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances, HeterogeneityResult heterogeneity)
    {
        ArgumentNullException.ThrowIfNull(heterogeneity);
        if (effects.Length != variances.Length)
        {
            throw new ArgumentException($"effects ({effects.Length}) and variances ({variances.Length}) must have equal lengths.", nameof(variances));
        }

        var mu = heterogeneity.RandomEffect;
        var tau2 = heterogeneity.Tau2;
        var shrunk = new double[effects.Length];
        for (var i = 0; i < effects.Length; i++)
        {
            if (!(variances[i] > 0 && double.IsFinite(variances[i])))
            {
                throw new ArgumentException($"variances[{i}] is {variances[i]}; variances must be positive.", nameof(variances));
            }

            shrunk[i] = mu + tau2 / (tau2 + variances[i]) * (effects[i] - mu);
        }

        return shrunk;
    }
}
