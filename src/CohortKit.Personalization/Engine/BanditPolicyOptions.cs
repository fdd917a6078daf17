namespace CohortKit.Personalization.Engine;

/// <summary>The policy of a linear contextual bandit and its exploration settings; used by <see cref="Personalizer"/> and
/// by off-policy evaluation of a built-in candidate.</summary>
public sealed class BanditPolicyOptions
{
    /// <summary>Gets or sets the policy.</summary>
    /// <value>The default value is <see cref="BanditPolicy.LinUcb"/>.</value>
    public BanditPolicy Policy { get; set; } = BanditPolicy.LinUcb;

    /// <summary>Gets or sets α, LinUCB's width multiplier (finite, at least 0).</summary>
    /// <value>The default value is 0.5.</value>
    public double UcbWidth { get; set; } = 0.5;

    /// <summary>Gets or sets v, the scale of Thompson sampling's posterior (finite, above 0): roughly the reward noise's standard deviation.</summary>
    /// <value>The default value is 0.5.</value>
    public double ThompsonScale { get; set; } = 0.5;

    /// <summary>Gets or sets ε, epsilon-greedy's exploration probability, in [0, 1].</summary>
    /// <value>The default value is 0.1.</value>
    public double Epsilon { get; set; } = 0.1;

    /// <summary>Gets or sets λ, the ridge penalty of each action's linear model (<c>A = λI + Σφφᵀ</c>), finite and above 0.</summary>
    /// <value>The default value is 1.</value>
    public double Regularization { get; set; } = 1;

    /// <summary>A copy, so that an engine keeps the settings it validated.</summary>
    internal BanditPolicyOptions Snapshot() => (BanditPolicyOptions)MemberwiseClone();

    /// <summary>Every invalid setting, the option names prefixed with <paramref name="prefix"/>.</summary>
    internal IEnumerable<CohortKit.Hosting.OptionFailure> Failures(string prefix)
    {
        if (!Enum.IsDefined(Policy)) { yield return new(prefix + nameof(Policy), Policy, "Policy is not a defined BanditPolicy."); }
        if (!(double.IsFinite(UcbWidth) && UcbWidth >= 0)) { yield return new(prefix + nameof(UcbWidth), UcbWidth, "UcbWidth must be finite and at least 0."); }
        if (!(double.IsFinite(ThompsonScale) && ThompsonScale > 0)) { yield return new(prefix + nameof(ThompsonScale), ThompsonScale, "ThompsonScale must be finite and above 0."); }
        if (!(Epsilon is >= 0 and <= 1)) { yield return new(prefix + nameof(Epsilon), Epsilon, "Epsilon must be in [0, 1]."); }
        if (!(double.IsFinite(Regularization) && Regularization > 0)) { yield return new(prefix + nameof(Regularization), Regularization, "Regularization must be finite and above 0."); }
    }
}
