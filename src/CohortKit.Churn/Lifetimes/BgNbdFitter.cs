using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Lifetimes;

/// <summary>Fits the BG/NBD model (Fader, Hardie &amp; Lee 2005) by maximum likelihood: MathNet's BFGS on the logarithms of
/// (r, α, a, b), with the analytic gradient of the log-likelihood.</summary>
/// <remarks>Thread-safe: <see cref="Fit"/> may be called concurrently. On CDNOW's 2,357 customers the fit reproduces the
/// published r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9,582.4 (docs/churn.md).</remarks>
public sealed class BgNbdFitter
{
    private readonly BgNbdOptions _options;

    /// <summary>Creates a fitter with the default settings.</summary>
    public BgNbdFitter()
        : this(new BgNbdOptions())
    {
    }

    /// <summary>Creates a fitter (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public BgNbdFitter(BgNbdOptions options)
    {
        BgNbdOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
    }

    /// <summary>Creates a fitter from DI.</summary>
    /// <param name="options">The validated settings.</param>
    [ActivatorUtilitiesConstructor]
    public BgNbdFitter(IOptions<BgNbdOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Gets a copy of the validated settings the fitter uses (changing it changes nothing).</summary>
    public BgNbdOptions Options => _options.Snapshot();

    /// <summary>Fits the model to one (x, t_x, T) per customer.</summary>
    /// <param name="frequency">x: repeat transactions per customer (whole numbers ≥ 0).</param>
    /// <param name="recency">t_x: time of the last repeat transaction, in [0, T]; 0 when x = 0.</param>
    /// <param name="age">T: time since the first transaction (&gt; 0), in the same unit.</param>
    /// <param name="cancellationToken">Checked between iterations.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, or a value is invalid (the message names the
    /// field and row).</exception>
    /// <exception cref="BgNbdFitException">The optimiser failed, or the log-likelihood has no finite maximum (the message names
    /// what failed and where).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public BgNbdFit Fit(ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> age, CancellationToken cancellationToken = default)
    {
        if (recency.Length != frequency.Length || age.Length != frequency.Length)
        {
            throw new ArgumentException($"frequency, recency and age must have one value per customer; they have {frequency.Length}, {recency.Length} and {age.Length}.", nameof(recency));
        }

        if (frequency.IsEmpty)
        {
            throw new ArgumentException("There are no customers to fit.", nameof(frequency));
        }

        for (var i = 0; i < frequency.Length; i++) { BgNbdData.Check(frequency[i], recency[i], age[i], i); }
        if (!ContainsRepeat(frequency))
        {
            throw new ArgumentException("No customer has a repeat transaction (every x = 0); the dropout parameters a and b cannot be estimated.", nameof(frequency));
        }

        using var activity = ChurnTelemetry.ActivitySource.StartActivity("BgNbdFitter.Fit");
        var likelihood = new BgNbdLikelihood(frequency.ToArray(), recency.ToArray(), age.ToArray());
        var best = new double[4];
        var bestValue = double.NegativeInfinity;
        var objective = ObjectiveFunction.Gradient(p =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gradient = new double[4];
            var point = p.AsArray() ?? p.ToArray();
            var value = likelihood.MeanAndGradient(point, gradient);
            if (value > bestValue && point.All(double.IsFinite)) { bestValue = value; point.CopyTo(best, 0); }
            return (-value, Vector<double>.Build.Dense(gradient.Select(g => -g).ToArray()));
        });
        var start = Vector<double>.Build.Dense(4, 0.0); // r = α = a = b = 1
        var customers = frequency.Length;
        var (p, iterations, outcome) = Minimise(objective, start, best, customers);
        var gradientAtEnd = new double[4];
        var logLikelihood = likelihood.MeanAndGradient(p, gradientAtEnd) * customers;
        var parameters = new BgNbdParameters { R = Math.Exp(p[0]), Alpha = Math.Exp(p[1]), A = Math.Exp(p[2]), B = Math.Exp(p[3]) };
        if (!double.IsFinite(logLikelihood) || !p.All(double.IsFinite) || !gradientAtEnd.All(double.IsFinite))
        {
            throw new BgNbdFitException(customers, $"The BG/NBD fit of {customers} customers found no finite maximum of the log-likelihood: it ended at {Describe(parameters)}, log-likelihood {logLikelihood:G6}.");
        }

        if (outcome == BgNbdFitOutcome.Converged && gradientAtEnd.Max(Math.Abs) > StationaryTolerance) { outcome = BgNbdFitOutcome.NotStationary; }
        if (p[2] > DropoutLimitLog && p[3] > DropoutLimitLog) { outcome = BgNbdFitOutcome.DropoutLimit; }
        else if (p.Any(v => Math.Abs(v) > BoundaryLog)) { outcome = BgNbdFitOutcome.Boundary; }
        ChurnTelemetry.BgNbdFits.Add(1);
        return new BgNbdFit
        {
            Customers = customers,
            Parameters = parameters,
            LogLikelihood = logLikelihood,
            Outcome = outcome,
            Reason = Reason(outcome, parameters, iterations),
            Iterations = iterations,
        };
    }

    /// <summary>ln(10⁵): a and b both beyond it means the dropout Beta distribution is collapsing to a point.</summary>
    private const double DropoutLimitLog = 11.512925464970229;

    /// <summary>ln(10⁶): a parameter beyond 10⁶ or below 10⁻⁶ has run to the boundary of the parameter space.</summary>
    private const double BoundaryLog = 13.815510557964274;

    /// <summary>The largest |gradient| of the mean log-likelihood (in log-parameters) at a point called a maximum; the optimiser's
    /// own tolerance is tighter, but it may also stop on lack of progress.</summary>
    private const double StationaryTolerance = 1e-6;

    private (double[] Point, int Iterations, BgNbdFitOutcome Outcome) Minimise(IObjectiveFunction objective, Vector<double> start, double[] best, int customers)
    {
        try
        {
            var result = new BfgsMinimizer(_options.GradientTolerance, 1e-12, 1e-14, _options.MaxIterations).FindMinimum(objective, start);
            return (result.MinimizingPoint.ToArray(), result.Iterations, BgNbdFitOutcome.Converged);
        }
        catch (MaximumIterationsException)
        {
            return (best, _options.MaxIterations, BgNbdFitOutcome.IterationLimit);
        }
        catch (OptimizationException e)
        {
            var at = new BgNbdParameters { R = Math.Exp(best[0]), Alpha = Math.Exp(best[1]), A = Math.Exp(best[2]), B = Math.Exp(best[3]) };
            throw new BgNbdFitException(customers, $"The BG/NBD fit of {customers} customers failed: the BFGS optimiser stopped ({e.Message}) near {Describe(at)}; the data may be too few to determine the four parameters.", e);
        }
    }

    private static string? Reason(BgNbdFitOutcome outcome, BgNbdParameters p, int iterations) => outcome switch
    {
        BgNbdFitOutcome.Converged => null,
        BgNbdFitOutcome.IterationLimit => $"the optimiser reached its limit of {iterations} iterations at {Describe(p)}.",
        BgNbdFitOutcome.NotStationary => $"the optimiser stopped making progress at {Describe(p)}, where the gradient is not zero: not a maximum.",
        BgNbdFitOutcome.DropoutLimit => FormattableString.Invariant($"a and b grow without bound (a = {p.A:G3}, b = {p.B:G3}) with a/(a + b) = {p.A / (p.A + p.B):G4}: the likelihood rises towards the limit where every customer drops out after each transaction with that one probability; no finite maximum exists, and the figures are a point near that limit."),
        _ => $"a parameter ran to the boundary of the parameter space ({Describe(p)}): no maximum inside it.",
    };

    private static string Describe(BgNbdParameters p) => FormattableString.Invariant($"r = {p.R:G4}, α = {p.Alpha:G4}, a = {p.A:G4}, b = {p.B:G4}");

    private static bool ContainsRepeat(ReadOnlySpan<double> frequency)
    {
        foreach (var x in frequency)
        {
            if (x > 0) { return true; }
        }

        return false;
    }
}
