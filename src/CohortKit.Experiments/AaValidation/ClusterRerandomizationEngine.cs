using CohortKit.Experiments.Distributions;

namespace CohortKit.Experiments.AaValidation;

/// <summary>
/// Re-randomised A/A tests when whole clusters (cohorts, classes) are assigned: each iteration draws one Bernoulli(split)
/// arm per cluster, then analyses the split twice from per-cluster sums — naively with Welch on the units (what a readout
/// that ignores the clusters reports) and with the cluster-robust CR1 slope and t(G − 1), as <see cref="Clustering.ClusterRobust"/>.
/// O(G) per iteration and metric; no allocation inside an iteration.
/// </summary>
internal sealed class ClusterRerandomizationEngine
{
    private readonly int _clusters;
    private readonly long[] _units;       // [cluster]
    private readonly double[] _sum;       // [metric * clusters + cluster], values centred on the metric's mean
    private readonly double[] _sumSq;     // [metric * clusters + cluster]
    private readonly double[] _totalSum;  // [metric]
    private readonly double[] _totalSumSq;
    private readonly long _n;

    public ClusterRerandomizationEngine(IReadOnlyList<ReadOnlyMemory<double>> metrics, ReadOnlySpan<int> clusterCodes, int clusterCount)
    {
        _clusters = clusterCount;
        MetricCount = metrics.Count;
        _n = clusterCodes.Length;
        _units = new long[clusterCount];
        foreach (var c in clusterCodes) { _units[c]++; }

        _sum = new double[MetricCount * clusterCount];
        _sumSq = new double[MetricCount * clusterCount];
        _totalSum = new double[MetricCount];
        _totalSumSq = new double[MetricCount];
        for (var m = 0; m < MetricCount; m++)
        {
            var values = metrics[m].Span;
            var mean = Metrics.MetricSummary.FromSpan(values).Mean;
            for (var i = 0; i < values.Length; i++)
            {
                var v = values[i] - mean;
                _sum[m * clusterCount + clusterCodes[i]] += v;
                _sumSq[m * clusterCount + clusterCodes[i]] += v * v;
                _totalSum[m] += v;
                _totalSumSq[m] += v * v;
            }
        }
    }

    public int MetricCount { get; }

    /// <summary>The mask length, in 64-bit words, one bit per cluster.</summary>
    public int Words => (_clusters + 63) / 64;

    /// <summary>Draws iteration <paramref name="iteration"/>'s cluster assignment and writes, per metric, the naive (unit-level
    /// Welch) and the cluster-robust p-value; NaN marks "no test" (an arm without 2 units, or without a cluster, or no variance).</summary>
    public void RunIteration(ulong seed, long iteration, double split, Span<ulong> mask, Span<double> naiveP, Span<double> robustP)
    {
        RerandomizationEngine.Assign(seed, iteration, split, mask);
        long nt = 0;
        var gt = 0;
        for (var g = 0; g < _clusters; g++)
        {
            if (InTreatment(mask, g)) { nt += _units[g]; gt++; }
        }

        for (var m = 0; m < MetricCount; m++)
        {
            double st = 0, qt = 0;
            var offset = m * _clusters;
            for (var g = 0; g < _clusters; g++)
            {
                if (InTreatment(mask, g)) { st += _sum[offset + g]; qt += _sumSq[offset + g]; }
            }

            naiveP[m] = RerandomizationEngine.WelchP(nt, st, qt, _n, _totalSum[m], _totalSumSq[m]);
            robustP[m] = gt == 0 || gt == _clusters ? double.NaN : ClusterRobustP(mask, m, nt, st);
        }
    }

    /// <summary>CR1 p-value of the slope: Var = G/(G−1)·(N−1)/(N−2)·(Σ_C s_g²/n₀² + Σ_T s_g²/n₁²), s_g = Σ_g (y − arm mean), t(G − 1).</summary>
    private double ClusterRobustP(ReadOnlySpan<ulong> mask, int metric, long nt, double sumT)
    {
        var nc = _n - nt;
        double mt = sumT / nt, mc = (_totalSum[metric] - sumT) / nc;
        double meatC = 0, meatT = 0;
        var offset = metric * _clusters;
        for (var g = 0; g < _clusters; g++)
        {
            if (InTreatment(mask, g))
            {
                var s = _sum[offset + g] - _units[g] * mt;
                meatT += s * s;
            }
            else
            {
                var s = _sum[offset + g] - _units[g] * mc;
                meatC += s * s;
            }
        }

        var factor = (double)_clusters / (_clusters - 1) * (_n - 1) / (_n - 2);
        var variance = factor * (meatC / ((double)nc * nc) + meatT / ((double)nt * nt));
        if (!(variance > 0))
        {
            return double.NaN;
        }

        return Probability.StudentTTwoSided((mt - mc) / Math.Sqrt(variance), _clusters - 1);
    }

    private static bool InTreatment(ReadOnlySpan<ulong> mask, int cluster) => ((mask[cluster >> 6] >> (cluster & 63)) & 1) == 1;
}
