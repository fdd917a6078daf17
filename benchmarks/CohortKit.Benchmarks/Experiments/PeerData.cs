namespace CohortKit.Benchmarks.Experiments;

/// <summary>The data the Python peer (benchmarks/peers/experiments.py) builds too: y_i = exp(1 + 0.8 · sin(0.7 i) + 0.3 · cos(1.3 i)) + (i mod 7).</summary>
internal static class PeerData
{
    public static double[] Metric(int n)
    {
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = Math.Exp(1 + 0.8 * Math.Sin(0.7 * i) + 0.3 * Math.Cos(1.3 * i)) + i % 7;
        }

        return y;
    }
}
