namespace CohortKit.Regions.Analytics;

/// <summary>A mergeable quantile sketch with a relative-error guarantee (the DDSketch of Masson, Rim and Lee, VLDB 2019): each
/// value x &gt; 0 goes to bucket ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), and a bucket is reported as 2γ^k/(γ + 1). For every q,
/// <see cref="Quantile"/> returns x̃ with |x̃ − x_q| ≤ α·x_q, where x_q is the exact q-quantile of lower rank ⌊q(n − 1)⌋.
/// Merging adds bucket counts, so merge(a, b) is exactly the sketch of a ∪ b.</summary>
/// <remarks>Values must be finite and not negative; values below <see cref="MinIndexable"/> (1e-9) count as zero and are
/// reported as 0 (absolute error below 1e-9). Memory is one <see cref="long"/> per bucket between the smallest and largest key
/// (about 1,200 buckets for values spanning 1e-3 to 1e9 at α = 1 %). Not thread-safe.</remarks>
public sealed class QuantileSketch
{
    /// <summary>The smallest value given its own bucket; smaller values count as zero.</summary>
    public const double MinIndexable = 1e-9;

    private readonly double _gamma;
    private readonly double _logGamma;
    private long[] _counts = [];
    private int _offset; // key of _counts[0]
    private long _zeros;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <summary>Creates an empty sketch.</summary>
    /// <param name="relativeAccuracy">α, in (0, 1); the default 0.01 bounds the relative error of every quantile by 1 %.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is outside (0, 1).</exception>
    public QuantileSketch(double relativeAccuracy = 0.01)
    {
        if (!(relativeAccuracy is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must be strictly between 0 and 1.");
        }

        RelativeAccuracy = relativeAccuracy;
        _gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _logGamma = Math.Log(_gamma);
    }

    /// <summary>Gets α, the bound on the relative error of every quantile.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Gets the number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a value.</summary>
    /// <param name="value">Finite and not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public void Add(double value)
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Sketched values must be finite and not negative.");
        }

        Count++;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        if (value < MinIndexable)
        {
            _zeros++;
            return;
        }

        var key = (int)Math.Ceiling(Math.Log(value) / _logGamma);
        Grow(key, key);
        _counts[key - _offset]++;
    }

    /// <summary>Adds the counts of another sketch to this one (the result is the sketch of the union).</summary>
    /// <param name="other">A sketch with the same relative accuracy.</param>
    /// <exception cref="ArgumentException">The accuracies differ.</exception>
    public void Merge(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.RelativeAccuracy != RelativeAccuracy)
        {
            throw new ArgumentException($"Cannot merge a sketch of relative accuracy {other.RelativeAccuracy} into one of {RelativeAccuracy}.", nameof(other));
        }

        if (other.Count == 0) { return; }
        if (other._counts.Length > 0)
        {
            Grow(other._offset, other._offset + other._counts.Length - 1);
            var start = other._offset - _offset;
            for (var i = 0; i < other._counts.Length; i++)
            {
                _counts[start + i] += other._counts[i];
            }
        }

        _zeros += other._zeros;
        Count += other.Count;
        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
    }

    /// <summary>The approximate q-quantile.</summary>
    /// <param name="q">The quantile level in [0, 1].</param>
    /// <returns>x̃ with |x̃ − x_q| ≤ α·x_q for the value x_q of lower rank ⌊q(n − 1)⌋; q = 0 and 1 give the exact minimum and maximum.</returns>
    /// <exception cref="ArgumentOutOfRangeException">q is outside [0, 1].</exception>
    /// <exception cref="InvalidOperationException">The sketch is empty.</exception>
    public double Quantile(double q)
    {
        if (!(q is >= 0 and <= 1)) { throw new ArgumentOutOfRangeException(nameof(q), q, "q must be in [0, 1]."); }
        if (Count == 0) { throw new InvalidOperationException("The sketch is empty: a quantile needs at least one value."); }
        if (q == 0) { return _min; }
        if (q == 1) { return _max; }
        var rank = (long)Math.Floor(q * (Count - 1));
        if (rank < _zeros) { return 0; }
        var seen = _zeros;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen > rank)
            {
                return Math.Clamp(2 * Math.Pow(_gamma, i + _offset) / (_gamma + 1), _min, _max);
            }
        }

        return _max;
    }

    /// <summary>A copy.</summary>
    /// <returns>An independent sketch with the same counts.</returns>
    public QuantileSketch Clone()
    {
        var copy = (QuantileSketch)MemberwiseClone();
        copy._counts = (long[])_counts.Clone();
        return copy;
    }

    private void Grow(int low, int high)
    {
        if (_counts.Length == 0)
        {
            _offset = low;
            _counts = new long[high - low + 1];
            return;
        }

        var newLow = Math.Min(low, _offset);
        var newHigh = Math.Max(high, _offset + _counts.Length - 1);
        if (newLow == _offset && newHigh == _offset + _counts.Length - 1)
        {
            return;
        }

        // Grow with slack so that a stream of rising values does not copy on every add.
        var slack = Math.Max(16, _counts.Length / 2);
        newLow = newLow < _offset ? newLow - slack : newLow;
        newHigh = newHigh > _offset + _counts.Length - 1 ? newHigh + slack : newHigh;
        var grown = new long[newHigh - newLow + 1];
        Array.Copy(_counts, 0, grown, _offset - newLow, _counts.Length);
        _counts = grown;
        _offset = newLow;
    }
}
