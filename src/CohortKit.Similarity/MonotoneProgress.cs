namespace CohortKit.Similarity;

/// <summary>Forwards progress from parallel workers so that the caller sees a non-decreasing sequence: two workers can
/// compute 0.5 and 0.6 and report them in the opposite order; the later, smaller value is dropped.</summary>
internal sealed class MonotoneProgress(IProgress<double>? inner)
{
    private readonly Lock _gate = new();
    private double _last = double.NegativeInfinity;
    private long _done;

    /// <summary>Reports <paramref name="value"/> when it exceeds every value reported so far.</summary>
    /// <param name="value">The fraction done, in [0, 1].</param>
    public void Report(double value)
    {
        if (inner is null) { return; }
        lock (_gate)
        {
            if (value <= _last) { return; }
            _last = value;
            inner.Report(value);
        }
    }

    /// <summary>Counts <paramref name="count"/> more units done and reports <paramref name="share"/> × done / total. Counting
    /// and reporting under one lock makes every call report a larger value, so no block's step is lost to a race (two
    /// workers adding and then reporting in the opposite order would drop one step).</summary>
    /// <param name="count">Units just finished.</param>
    /// <param name="total">All units.</param>
    /// <param name="share">The part of the whole job these units make up.</param>
    public void Advance(long count, long total, double share)
    {
        if (inner is null) { return; }
        lock (_gate)
        {
            _done += count;
            Report(share * _done / total);
        }
    }
}
