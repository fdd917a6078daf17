namespace CohortKit.Similarity;

/// <summary>Forwards progress from parallel workers so that the caller sees a non-decreasing sequence: two workers can
/// compute 0.5 and 0.6 and report them in the opposite order; the later, smaller value is dropped.</summary>
internal sealed class MonotoneProgress(IProgress<double>? inner)
{
    private readonly Lock _gate = new();
    private double _last = double.NegativeInfinity;

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
}
