namespace CohortKit.Churn.Models;

/// <summary>Maps a raw score to a probability: Platt's sigmoid 1/(1 + exp(−(a·s + b))) or an isotonic step function.</summary>
internal sealed class Calibrator
{
    private Calibrator(ProbabilityCalibration method, double a, double b, double[] upper, double[] value)
    {
        Method = method;
        A = a;
        B = b;
        Upper = upper;
        Value = value;
    }

    public ProbabilityCalibration Method { get; }

    public double A { get; }

    public double B { get; }

    /// <summary>Isotonic blocks: the highest score of each block, ascending.</summary>
    public double[] Upper { get; }

    /// <summary>Isotonic blocks: the churn rate of each block, non-decreasing.</summary>
    public double[] Value { get; }

    public static Calibrator Restore(ProbabilityCalibration method, double a, double b, double[] upper, double[] value) => new(method, a, b, upper, value);

    public double Apply(double score) => Method == ProbabilityCalibration.Platt ? Platt(score) : Isotonic(score);

    /// <summary>Maps raw scores to probabilities in place: the same values as <see cref="Apply(double)"/> one by one, with the
    /// method chosen once (Platt stays on the scalar <see cref="Math.Exp"/>, whose bits a vector exponential would not keep).</summary>
    public void Apply(Span<double> scores)
    {
        if (Method == ProbabilityCalibration.Platt)
        {
            foreach (ref var s in scores) { s = Platt(s); }
        }
        else
        {
            foreach (ref var s in scores) { s = Isotonic(s); }
        }
    }

    public static Calibrator Fit(ProbabilityCalibration method, ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
        => method == ProbabilityCalibration.Platt ? FitPlatt(scores, labels) : FitIsotonic(scores, labels);

    /// <summary>Maximum likelihood of (a, b) (<see cref="LogisticFit"/>, from a = 1, b = 0 on standardised scores).
    /// When every score is the same (a tree ensemble that made no split) the slope is not identified and the likelihood's
    /// maximum is the base rate: a = 0, b = logit(churners / rows).</summary>
    private static Calibrator FitPlatt(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var n = scores.Length;
        var constant = true;
        foreach (var s in scores) { constant &= s == scores[0]; }
        if (constant)
        {
            var positives = 0;
            foreach (var y in labels) { if (y) { positives++; } }
            var churners = Math.Clamp(positives, 0.5, n - 0.5); // a one-class calibration set would give ±∞: half a row keeps it finite
            return new(ProbabilityCalibration.Platt, 0, Math.Log(churners / (n - churners)), [], []);
        }

        var (slopes, intercept) = LogisticFit.Fit([scores.ToArray()], labels, initialSlope: 1);
        return new(ProbabilityCalibration.Platt, slopes[0], intercept, [], []);
    }

    private double Platt(double score) => 1 / (1 + Math.Exp(-(A * score + B)));

    /// <summary>The value of the first isotonic step whose upper end is at or above the score (the last step above them all).</summary>
    private double Isotonic(double score)
    {
        var i = Array.BinarySearch(Upper, score);
        if (i < 0) { i = Math.Min(~i, Upper.Length - 1); }
        return Value[i];
    }

    /// <summary>Pool adjacent violators on the rows sorted by score (ties pooled first).</summary>
    private static Calibrator FitIsotonic(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Length).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        var upper = new List<double>();
        var sum = new List<double>();
        var count = new List<double>();
        for (var k = 0; k < keys.Length; k++)
        {
            var y = labels[order[k]] ? 1.0 : 0.0;
            if (upper.Count > 0 && upper[^1] == keys[k]) { sum[^1] += y; count[^1]++; }
            else { upper.Add(keys[k]); sum.Add(y); count.Add(1); }
            while (upper.Count > 1 && sum[^2] / count[^2] >= sum[^1] / count[^1])
            {
                sum[^2] += sum[^1]; count[^2] += count[^1]; upper[^2] = upper[^1];
                upper.RemoveAt(upper.Count - 1); sum.RemoveAt(sum.Count - 1); count.RemoveAt(count.Count - 1);
            }
        }

        return new(ProbabilityCalibration.Isotonic, 0, 0, [.. upper], [.. sum.Select((s, i) => s / count[i])]);
    }
}
