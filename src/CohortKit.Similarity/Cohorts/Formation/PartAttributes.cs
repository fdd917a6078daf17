namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>
/// The mix and cap codes of each part's learners, kept as value counts, for the attribute-aware split: a part that could
/// not meet the constraints on its own (too few distinct mixed values for its cohorts, or more learners sharing a capped
/// value than its cohorts may seat) is merged into a neighbouring part that makes up for it. Cohorts are then formed and
/// repaired among learners who can satisfy the constraints together, instead of relying on swaps with distant parts.
/// The test checks necessary conditions for the best cohort count the part allows; the global
/// <see cref="ConstraintRepair"/> stays the safety net.
/// </summary>
internal sealed class PartAttributes
{
    private readonly Dictionary<int, int>?[] _mix;
    private readonly Dictionary<int, int>?[] _cap;
    private readonly int[] _size;
    private readonly int _minDistinct;
    private readonly int _maxPerValue;
    private readonly SizeBounds _bounds;

    private PartAttributes(IReadOnlyList<IReadOnlyList<int>> parts, int[]? mix, int[]? cap, int minDistinct, int maxPerValue, SizeBounds bounds)
    {
        _minDistinct = minDistinct;
        _maxPerValue = maxPerValue;
        _bounds = bounds;
        _size = parts.Select(p => p.Count).ToArray();
        _mix = parts.Select(p => mix is null ? null : Counts(p, mix)).ToArray();
        _cap = parts.Select(p => cap is null ? null : Counts(p, cap)).ToArray();
    }

    /// <summary>Counts for the given parts (rows are learner indexes), or null when there is no mix or cap constraint, or
    /// when even all parts together fail the test (then merging cannot help, and the repair reports the infeasibility).</summary>
    public static PartAttributes? Create(IReadOnlyList<IReadOnlyList<int>> parts, int[]? mix, int[]? cap, CohortFormationOptions options, SizeBounds bounds)
    {
        if (mix is null && cap is null) { return null; }
        var all = new PartAttributes([parts.SelectMany(p => p).ToArray()], mix, cap, options.MinDistinct, options.MaxPerValue, bounds);
        return all.CanMeet(0) ? new PartAttributes(parts, mix, cap, options.MinDistinct, options.MaxPerValue, bounds) : null;
    }

    /// <summary>Whether part <paramref name="part"/> could meet the constraints on its own.</summary>
    public bool CanMeet(int part) => CanMeet(part, -1);

    /// <summary>Whether parts <paramref name="a"/> and <paramref name="b"/> together could meet the constraints
    /// (<paramref name="b"/> = −1: part a alone).</summary>
    public bool CanMeet(int a, int b)
    {
        var n = _size[a] + (b < 0 ? 0 : _size[b]);
        if (!_bounds.Feasible(n)) { return false; }

        // The cap wants many cohorts: the most crowded value must fit in k cohorts at MaxPerValue each. The mix wants few:
        // each of k cohorts needs min(MinDistinct, Min) distinct values and a value can serve at most min(count, k)
        // cohorts; that surplus is concave in k and zero at k = 0, so if any k meets it the smallest does. Hence test the
        // smallest k that the size bounds and the cap allow.
        var k = _bounds.Fewest(n);
        if (_cap[a] is { } capA)
        {
            var crowded = Union(capA, b < 0 ? null : _cap[b]).Max(kv => kv.Value);
            k = Math.Max(k, (crowded + _maxPerValue - 1) / _maxPerValue);
            if (k > _bounds.Most(n)) { return false; }
        }

        if (_mix[a] is { } mixA)
        {
            var available = Union(mixA, b < 0 ? null : _mix[b]).Sum(kv => (long)Math.Min(kv.Value, k));
            if (available < (long)k * Math.Min(_minDistinct, _bounds.Min)) { return false; }
        }

        return true;
    }

    /// <summary>The range of cohort counts for <paramref name="rows"/> that the size bounds and the constraints allow:
    /// at least ⌈n/Max⌉ and enough cohorts to seat the most crowded capped value at MaxPerValue each; at most ⌊n/Min⌋ and
    /// no more than the mixed values can give min(MinDistinct, Min) distinct values each. Meeting these part by part meets
    /// them for the whole group (the capped counts add up; a value's cohort places min(count, k) are superadditive). When
    /// the constraints leave no count, the range is the single count nearest to meeting them, and the repair decides.</summary>
    public static (int Low, int High) CohortRange(IReadOnlyList<int> rows, int[]? mix, int[]? cap, CohortFormationOptions options, SizeBounds bounds)
    {
        var n = rows.Count;
        int low = bounds.Fewest(n), high = Math.Max(low, bounds.Most(n));
        if (cap is not null && n > 0)
        {
            var crowded = Counts(rows, cap).Values.Max();
            low = Math.Min(high, Math.Max(low, (crowded + options.MaxPerValue - 1) / options.MaxPerValue));
        }

        if (mix is not null && n > 0)
        {
            var counts = Counts(rows, mix).Values.ToArray();
            var need = Math.Min(options.MinDistinct, bounds.Min);
            bool Fits(int k) => counts.Sum(c => (long)Math.Min(c, k)) >= (long)k * need;
            if (!Fits(low)) { return (low, low); }
            int lo = low, hi = high; // Fits(lo) holds; find the largest k in [lo, hi] that fits (the fitting ks form a prefix).
            while (lo < hi)
            {
                var mid = lo + ((hi - lo + 1) / 2);
                if (Fits(mid)) { lo = mid; } else { hi = mid - 1; }
            }

            high = lo;
        }

        return (low, high);
    }

    /// <summary>Records that part <paramref name="from"/> was merged into part <paramref name="into"/>.</summary>
    public void Merge(int from, int into)
    {
        _size[into] += _size[from];
        _size[from] = 0;
        foreach (var counts in new[] { _mix, _cap })
        {
            if (counts[from] is not { } source || counts[into] is not { } target) { continue; }
            foreach (var (value, count) in source) { target[value] = target.GetValueOrDefault(value) + count; }
            source.Clear();
        }
    }

    private static Dictionary<int, int> Counts(IReadOnlyList<int> rows, int[] codes)
    {
        var counts = new Dictionary<int, int>();
        foreach (var r in rows) { counts[codes[r]] = counts.GetValueOrDefault(codes[r]) + 1; }
        return counts;
    }

    private static IEnumerable<KeyValuePair<int, int>> Union(Dictionary<int, int> a, Dictionary<int, int>? b)
    {
        if (b is null) { return a; }
        return a.Keys.Union(b.Keys).Select(v => new KeyValuePair<int, int>(v, a.GetValueOrDefault(v) + b.GetValueOrDefault(v)));
    }
}
