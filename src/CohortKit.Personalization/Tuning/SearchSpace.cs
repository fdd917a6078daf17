using CohortKit.Randomness;

namespace CohortKit.Personalization.Tuning;

/// <summary>The kind of a tuned parameter.</summary>
public enum ParameterKind
{
    /// <summary>A real number in [low, high], searched on a linear scale.</summary>
    Continuous,

    /// <summary>An integer in [low, high].</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The search-space vocabulary of Optuna and the issue: integer parameters.")]
    Integer,

    /// <summary>A positive real number in [low, high], searched on a logarithmic scale.</summary>
    LogScale,

    /// <summary>One of a list of labels.</summary>
    Categorical,
}

/// <summary>One tuned parameter. Create with <see cref="Continuous"/>, <see cref="Integer"/>, <see cref="Log"/> or <see cref="Categorical"/>.</summary>
public sealed record ParameterSpec
{
    private ParameterSpec() { }

    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the kind.</summary>
    public required ParameterKind Kind { get; init; }

    /// <summary>Gets the lower bound (numeric kinds).</summary>
    public double Low { get; init; }

    /// <summary>Gets the upper bound (numeric kinds).</summary>
    public double High { get; init; }

    /// <summary>Gets the labels (categorical), empty otherwise.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>A real parameter on a linear scale.</summary>
    /// <param name="name">The name.</param>
    /// <param name="low">The lower bound (finite).</param>
    /// <param name="high">The upper bound (finite, above <paramref name="low"/>).</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not finite or not ordered.</exception>
    public static ParameterSpec Continuous(string name, double low, double high) => Numeric(name, ParameterKind.Continuous, low, high);

    /// <summary>An integer parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="low">The lower bound.</param>
    /// <param name="high">The upper bound (above <paramref name="low"/>).</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not ordered.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The search-space vocabulary of Optuna and the issue: integer parameters.")]
    public static ParameterSpec Integer(string name, int low, int high) => Numeric(name, ParameterKind.Integer, low, high);

    /// <summary>A positive real parameter searched on a log scale.</summary>
    /// <param name="name">The name.</param>
    /// <param name="low">The lower bound (above 0).</param>
    /// <param name="high">The upper bound (above <paramref name="low"/>).</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not positive and finite, or they are not ordered.</exception>
    public static ParameterSpec Log(string name, double low, double high)
    {
        if (!(low > 0)) { throw new ArgumentOutOfRangeException(nameof(low), low, $"The lower bound of log-scale parameter '{name}' must be above 0."); }
        return Numeric(name, ParameterKind.LogScale, low, high);
    }

    /// <summary>A categorical parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="categories">The labels (at least one, distinct, non-empty).</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">There is no label, or a label is empty or repeats.</exception>
    public static ParameterSpec Categorical(string name, params string[] categories)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(categories);
        if (categories.Length == 0) { throw new ArgumentException($"Categorical parameter '{name}' needs at least one category.", nameof(categories)); }
        if (categories.Any(string.IsNullOrWhiteSpace) || categories.Distinct(StringComparer.Ordinal).Count() != categories.Length)
        {
            throw new ArgumentException($"The categories of parameter '{name}' must be non-empty and distinct.", nameof(categories));
        }

        return new ParameterSpec { Name = name, Kind = ParameterKind.Categorical, Categories = [.. categories] };
    }

    /// <summary>The number of coordinates in the surrogate's unit cube: 1, or one per category (one-hot).</summary>
    internal int Width => Kind == ParameterKind.Categorical ? Categories.Count : 1;

    private static ParameterSpec Numeric(string name, ParameterKind kind, double low, double high)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(double.IsFinite(low) && double.IsFinite(high) && high > low))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"Parameter '{name}' needs finite bounds with high > low (got [{low}, {high}]).");
        }

        return new ParameterSpec { Name = name, Kind = kind, Low = low, High = high };
    }
}

/// <summary>The parameters of a tuning problem, and the map between parameter values and the surrogate's unit cube.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SearchSpace
{
    /// <summary>Creates a search space.</summary>
    /// <param name="parameters">The parameters (at least one, distinct names).</param>
    /// <exception cref="ArgumentException">There is no parameter or a name repeats.</exception>
    public SearchSpace(params ParameterSpec[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length == 0) { throw new ArgumentException("A search space needs at least one parameter.", nameof(parameters)); }
        if (parameters.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != parameters.Length)
        {
            throw new ArgumentException("Parameter names must be distinct.", nameof(parameters));
        }

        Parameters = [.. parameters];
        Dimension = parameters.Sum(p => p.Width);
    }

    /// <summary>Gets the parameters.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The number of unit-cube coordinates.</summary>
    internal int Dimension { get; }

    /// <summary>Draws uniformly: numeric values uniform on their scale (integers uniform), a uniform category.</summary>
    internal ParameterSet Sample(ref Xoshiro256 random)
    {
        var values = new double[Parameters.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var p = Parameters[i];
            values[i] = p.Kind switch
            {
                ParameterKind.Categorical => random.NextInt(p.Categories.Count),
                ParameterKind.Integer => p.Low + random.NextInt((int)(p.High - p.Low) + 1),
                _ => FromUnit(p, random.NextDouble()),
            };
        }

        return new ParameterSet(this, values);
    }

    /// <summary>The unit-cube point of a parameter set (one-hot for categories).</summary>
    internal void Encode(ParameterSet set, Span<double> destination)
    {
        var at = 0;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            var v = set.Raw[i];
            switch (p.Kind)
            {
                case ParameterKind.Categorical:
                    destination.Slice(at, p.Width).Clear();
                    destination[at + (int)v] = 1;
                    break;
                case ParameterKind.LogScale:
                    destination[at] = (Math.Log(v) - Math.Log(p.Low)) / (Math.Log(p.High) - Math.Log(p.Low));
                    break;
                default:
                    destination[at] = (v - p.Low) / (p.High - p.Low);
                    break;
            }

            at += p.Width;
        }
    }

    /// <summary>The parameter set nearest a unit-cube point: clamped, integers rounded, the largest one-hot coordinate's category.</summary>
    internal ParameterSet Decode(ReadOnlySpan<double> unit)
    {
        var values = new double[Parameters.Count];
        var at = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var p = Parameters[i];
            if (p.Kind == ParameterKind.Categorical)
            {
                var block = unit.Slice(at, p.Width);
                var best = 0;
                for (var c = 1; c < block.Length; c++) { if (block[c] > block[best]) { best = c; } }
                values[i] = best;
            }
            else
            {
                var x = FromUnit(p, Math.Clamp(unit[at], 0, 1));
                values[i] = p.Kind == ParameterKind.Integer ? Math.Clamp(Math.Round(x), p.Low, p.High) : x;
            }

            at += p.Width;
        }

        return new ParameterSet(this, values);
    }

    private static double FromUnit(ParameterSpec p, double u) => p.Kind == ParameterKind.LogScale
        ? Math.Exp(Math.Log(p.Low) + (u * (Math.Log(p.High) - Math.Log(p.Low))))
        : p.Low + (u * (p.High - p.Low));
}
