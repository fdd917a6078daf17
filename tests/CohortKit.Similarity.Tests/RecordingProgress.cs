namespace CohortKit.Similarity.Tests;

/// <summary>Records every reported value synchronously, in the order the reports arrive (unlike
/// <see cref="Progress{T}"/>, which posts them), and can run an action on each report.</summary>
internal sealed class RecordingProgress(Action<double>? onReport = null) : IProgress<double>
{
    private readonly Lock _gate = new();
    private readonly List<double> _values = [];

    public IReadOnlyList<double> Values
    {
        get { lock (_gate) { return [.. _values]; } }
    }

    public void Report(double value)
    {
        lock (_gate) { _values.Add(value); }
        onReport?.Invoke(value);
    }
}
