using System.Globalization;

namespace CohortKit.Learners;

/// <summary>Identifies one learner. External string identifiers are mapped to it at the edge (CSV, database, API).</summary>
/// <param name="Value">The numeric identifier.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct LearnerId(long Value) : IComparable<LearnerId>, ISpanFormattable
{
    /// <inheritdoc />
    public int CompareTo(LearnerId other) => Value.CompareTo(other.Value);

    /// <summary>Returns the identifier as an invariant-culture decimal string.</summary>
    /// <returns>The identifier's digits.</returns>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => Value.ToString(format, formatProvider);

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, format, provider);

    /// <summary>Compares two identifiers.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before <paramref name="right"/>.</returns>
    public static bool operator <(LearnerId left, LearnerId right) => left.Value < right.Value;

    /// <summary>Compares two identifiers.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after <paramref name="right"/>.</returns>
    public static bool operator >(LearnerId left, LearnerId right) => left.Value > right.Value;

    /// <summary>Compares two identifiers.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort after <paramref name="right"/>.</returns>
    public static bool operator <=(LearnerId left, LearnerId right) => left.Value <= right.Value;

    /// <summary>Compares two identifiers.</summary>
    /// <param name="left">The first identifier.</param>
    /// <param name="right">The second identifier.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort before <paramref name="right"/>.</returns>
    public static bool operator >=(LearnerId left, LearnerId right) => left.Value >= right.Value;
}
