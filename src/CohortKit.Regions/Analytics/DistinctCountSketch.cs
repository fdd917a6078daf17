using System.Numerics;

namespace CohortKit.Regions.Analytics;

/// <summary>A mergeable distinct-count sketch (HyperLogLog, Flajolet et al. 2007, with a 64-bit hash so no large-range
/// correction is needed): 2^p registers keep the largest leading-zero rank seen; the estimate has a relative standard error of
/// about 1.04/√(2^p) (1.6 % at the default p = 12, 4 KiB). Merging takes the register-wise maximum, so merge(a, b) is exactly
/// the sketch of a ∪ b, and an item seen in two regions is counted once.</summary>
/// <remarks>Below 2.5·2^p the estimate switches to linear counting (m·ln(m/V), V the empty registers), as in the paper. Items are
/// hashed with FNV-1a 64 over the UTF-16 code units followed by the MurmurHash3 64-bit finaliser. Not thread-safe.</remarks>
public sealed class DistinctCountSketch
{
    private readonly byte[] _registers;

    /// <summary>Creates an empty sketch.</summary>
    /// <param name="precision">p, in [4, 16]: 2^p registers.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [4, 16].</exception>
    public DistinctCountSketch(int precision = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, 16);
        Precision = precision;
        _registers = new byte[1 << precision];
    }

    /// <summary>Gets p.</summary>
    public int Precision { get; }

    /// <summary>Gets the stated relative standard error, 1.04/√(2^p).</summary>
    public double RelativeStandardError => 1.04 / Math.Sqrt(_registers.Length);

    /// <summary>Adds an item.</summary>
    /// <param name="item">The item (e.g. a learner id); hashed, never stored.</param>
    public void Add(string item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var h = Hash(item);
        var index = (int)(h >> (64 - Precision));
        var rest = (h << Precision) | (1UL << (Precision - 1)); // guard bit keeps the rank ≤ 65 − p
        var rank = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (rank > _registers[index]) { _registers[index] = rank; }
    }

    /// <summary>Takes the register-wise maximum with another sketch (the result is the sketch of the union).</summary>
    /// <param name="other">A sketch of the same precision.</param>
    /// <exception cref="ArgumentException">The precisions differ.</exception>
    public void Merge(DistinctCountSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Precision != Precision) { throw new ArgumentException($"Cannot merge a sketch of precision {other.Precision} into one of {Precision}.", nameof(other)); }
        for (var i = 0; i < _registers.Length; i++)
        {
            _registers[i] = Math.Max(_registers[i], other._registers[i]);
        }
    }

    /// <summary>The estimated number of distinct items.</summary>
    /// <returns>The estimate (0 for an empty sketch).</returns>
    public double Estimate()
    {
        double m = _registers.Length, sum = 0;
        var zeros = 0;
        foreach (var r in _registers)
        {
            sum += Math.ScaleB(1, -r);
            if (r == 0) { zeros++; }
        }

        var alpha = _registers.Length switch { 16 => 0.673, 32 => 0.697, 64 => 0.709, _ => 0.7213 / (1 + (1.079 / m)) };
        var raw = alpha * m * m / sum;
        return raw <= 2.5 * m && zeros > 0 ? m * Math.Log(m / zeros) : raw;
    }

    /// <summary>A copy.</summary>
    /// <returns>An independent sketch with the same registers.</returns>
    public DistinctCountSketch Clone()
    {
        var copy = new DistinctCountSketch(Precision);
        _registers.CopyTo(copy._registers, 0);
        return copy;
    }

    /// <summary>Whether two sketches have the same precision and registers.</summary>
    /// <param name="other">The other sketch.</param>
    /// <returns><see langword="true"/> when identical.</returns>
    public bool HasSameRegisters(DistinctCountSketch other)
        => other is not null && other.Precision == Precision && _registers.AsSpan().SequenceEqual(other._registers);

    internal static ulong Hash(string item)
    {
        var h = 14695981039346656037UL;
        foreach (var c in item)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
