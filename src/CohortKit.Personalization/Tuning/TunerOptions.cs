namespace CohortKit.Personalization.Tuning;

/// <summary>How <see cref="AdaptiveParameterTuner"/> proposes the next trial.</summary>
public enum TunerSampler
{
    /// <summary>Bayesian optimisation: a Gaussian-process surrogate (Matérn 5/2) and expected improvement.</summary>
    GaussianProcess,

    /// <summary>Uniform random search, the baseline.</summary>
    Random,
}

/// <summary>Whether the objective is minimised or maximised.</summary>
public enum OptimizationDirection
{
    /// <summary>Smaller is better.</summary>
    Minimize,

    /// <summary>Larger is better.</summary>
    Maximize,
}

/// <summary>Settings of <see cref="AdaptiveParameterTuner"/>.</summary>
public sealed class TunerOptions
{
    /// <summary>Gets or sets the sampler.</summary>
    /// <value>The default value is <see cref="TunerSampler.GaussianProcess"/>.</value>
    public TunerSampler Sampler { get; set; } = TunerSampler.GaussianProcess;

    /// <summary>Gets or sets the direction.</summary>
    /// <value>The default value is <see cref="OptimizationDirection.Minimize"/>.</value>
    public OptimizationDirection Direction { get; set; } = OptimizationDirection.Minimize;

    /// <summary>Gets or sets the number of random trials before the surrogate is used (at least 2); 0 means
    /// max(5, 2 × dimension). Warm-start trials count toward it.</summary>
    /// <value>The default value is 0.</value>
    public int InitialTrials { get; set; }

    /// <summary>Gets or sets the number of random candidates scored by expected improvement per suggestion (at least 1);
    /// the best are then refined locally.</summary>
    /// <value>The default value is 1,000.</value>
    public int Candidates { get; set; } = 1000;

    /// <summary>Gets or sets the marginal-likelihood evaluations allowed per surrogate fit (at least 10).</summary>
    /// <value>The default value is 200.</value>
    public int HyperparameterEvaluations { get; set; } = 200;

    /// <summary>Gets or sets the seed.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>A copy, so that the tuner keeps the settings it validated.</summary>
    internal TunerOptions Snapshot() => (TunerOptions)MemberwiseClone();
}
