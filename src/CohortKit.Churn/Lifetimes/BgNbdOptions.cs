namespace CohortKit.Churn.Lifetimes;

/// <summary>Settings of <see cref="BgNbdFitter"/>.</summary>
public sealed class BgNbdOptions
{
    /// <summary>Gets or sets the most BFGS iterations before the fit is reported as not converged.</summary>
    /// <value>The default value is 500.</value>
    public int MaxIterations { get; set; } = 500;

    /// <summary>Gets or sets the gradient tolerance of the mean log-likelihood (in log-parameters) at which BFGS stops.</summary>
    /// <value>The default value is 1e-9.</value>
    public double GradientTolerance { get; set; } = 1e-9;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal BgNbdOptions Snapshot() => (BgNbdOptions)MemberwiseClone();
}
