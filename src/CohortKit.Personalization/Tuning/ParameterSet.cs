using System.Globalization;

namespace CohortKit.Personalization.Tuning;

/// <summary>Values of every parameter of a <see cref="SearchSpace"/>: numbers for numeric parameters (whole numbers for
/// integers), labels for categorical ones.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ParameterSet
{
    private readonly double[] _values;

    internal ParameterSet(SearchSpace space, double[] values)
    {
        Space = space;
        _values = values;
    }

    /// <summary>Gets the space the values belong to.</summary>
    public SearchSpace Space { get; }

    /// <summary>Raw values: the number, or the category's index.</summary>
    internal ReadOnlySpan<double> Raw => _values;

    /// <summary>Gets a numeric parameter's value.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">No parameter has this name.</exception>
    /// <exception cref="InvalidOperationException">The parameter is categorical (use <see cref="Category"/>).</exception>
    public double this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return Space.Parameters[i].Kind == ParameterKind.Categorical
                ? throw new InvalidOperationException($"Parameter '{name}' is categorical; read it with Category.")
                : _values[i];
        }
    }

    /// <summary>Gets a categorical parameter's label.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The label.</returns>
    /// <exception cref="KeyNotFoundException">No parameter has this name.</exception>
    /// <exception cref="InvalidOperationException">The parameter is numeric.</exception>
    public string Category(string name)
    {
        var i = IndexOf(name);
        var p = Space.Parameters[i];
        return p.Kind == ParameterKind.Categorical ? p.Categories[(int)_values[i]] : throw new InvalidOperationException($"Parameter '{name}' is numeric; read it with the indexer.");
    }

    /// <summary>Creates a parameter set from values given by name (for warm starts).</summary>
    /// <param name="space">The space.</param>
    /// <param name="values">Every parameter's value: a number (double or int) or a category label (string).</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">A parameter is missing, a value has the wrong type, lies outside its bounds, is
    /// not a whole number for an integer parameter, or is an unknown category.</exception>
    public static ParameterSet Of(SearchSpace space, IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(values);
        var raw = new double[space.Parameters.Count];
        for (var i = 0; i < raw.Length; i++)
        {
            var p = space.Parameters[i];
            if (!values.TryGetValue(p.Name, out var value)) { throw new ArgumentException($"Parameter '{p.Name}' has no value.", nameof(values)); }
            if (p.Kind == ParameterKind.Categorical)
            {
                var index = value is string s ? p.Categories.ToList().IndexOf(s) : -1;
                raw[i] = index >= 0 ? index : throw new ArgumentException($"'{value}' is not a category of parameter '{p.Name}'.", nameof(values));
                continue;
            }

            var x = value switch
            {
                double d => d,
                int n => n,
                long l => l,
                _ => throw new ArgumentException($"Parameter '{p.Name}' needs a number, not {value?.GetType().Name ?? "null"}.", nameof(values)),
            };
            if (!(x >= p.Low && x <= p.High)) { throw new ArgumentException($"Parameter '{p.Name}' = {x.ToString(CultureInfo.InvariantCulture)} is outside [{p.Low}, {p.High}].", nameof(values)); }
            if (p.Kind == ParameterKind.Integer && x != Math.Round(x)) { throw new ArgumentException($"Parameter '{p.Name}' = {x.ToString(CultureInfo.InvariantCulture)} is not a whole number.", nameof(values)); }
            raw[i] = x;
        }

        return new ParameterSet(space, raw);
    }

    /// <summary>Every value by name: doubles for numeric parameters, strings for categorical ones.</summary>
    /// <returns>The values.</returns>
    public IReadOnlyDictionary<string, object> ToDictionary()
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < _values.Length; i++)
        {
            var p = Space.Parameters[i];
            result[p.Name] = p.Kind == ParameterKind.Categorical ? p.Categories[(int)_values[i]] : _values[i];
        }

        return result;
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < Space.Parameters.Count; i++)
        {
            if (string.Equals(Space.Parameters[i].Name, name, StringComparison.Ordinal)) { return i; }
        }

        throw new KeyNotFoundException($"No parameter is named '{name}'.");
    }
}
