using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CohortKit.Experiments.Distributions;
using CohortKit.Randomness;

namespace CohortKit.Experiments.AaValidation;

/// <summary>
/// The hot loop of re-randomised A/A testing. Units are laid out grouped by segment, each segment padded to whole
/// 64-unit words; metric values are centred on their overall mean (so sums of squares do not cancel). An iteration
/// draws one assignment bit per unit, then a masked SIMD pass per metric sums the treatment arm's values and squares
/// per segment; the control arm is the precomputed total minus the treatment. No allocation inside an iteration.
/// </summary>
internal sealed class RerandomizationEngine
{
    private static readonly Vector512<long> BitPattern512 = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);
    private static readonly Vector256<long> BitPattern256 = Vector256.Create(1L, 2, 4, 8);

    private readonly int _words;
    private readonly int[] _segmentWordStart;
    private readonly int[] _segmentWordEnd;
    private readonly ulong[] _valid;
    private readonly double[][] _y;
    private readonly double[][] _y2;
    private readonly double[,] _totalSum;   // [segment, metric]
    private readonly double[,] _totalSumSq; // [segment, metric]
    private readonly long[] _segmentUnits;

    public RerandomizationEngine(IReadOnlyList<ReadOnlyMemory<double>> metrics, ReadOnlySpan<int> segmentCodes, int segmentCount)
    {
        var n = metrics[0].Length;
        SegmentCount = segmentCount;
        MetricCount = metrics.Count;
        _segmentUnits = new long[segmentCount];
        foreach (var c in segmentCodes) { _segmentUnits[c]++; }

        _segmentWordStart = new int[segmentCount];
        _segmentWordEnd = new int[segmentCount];
        var word = 0;
        for (var s = 0; s < segmentCount; s++)
        {
            _segmentWordStart[s] = word;
            word += (int)((_segmentUnits[s] + 63) / 64);
            _segmentWordEnd[s] = word;
        }

        _words = word;
        var slot = new int[n];
        var next = _segmentWordStart.Select(w => w * 64).ToArray();
        for (var i = 0; i < n; i++) { slot[i] = next[segmentCodes[i]]++; }

        _valid = new ulong[_words];
        foreach (var p in slot) { _valid[p >> 6] |= 1UL << (p & 63); }

        _y = new double[MetricCount][];
        _y2 = new double[MetricCount][];
        _totalSum = new double[segmentCount, MetricCount];
        _totalSumSq = new double[segmentCount, MetricCount];
        for (var m = 0; m < MetricCount; m++)
        {
            var values = metrics[m].Span;
            var mean = Metrics.MetricSummary.FromSpan(values).Mean;
            var y = new double[_words * 64];
            var y2 = new double[_words * 64];
            for (var i = 0; i < n; i++)
            {
                var v = values[i] - mean;
                y[slot[i]] = v;
                y2[slot[i]] = v * v;
                _totalSum[segmentCodes[i], m] += v;
                _totalSumSq[segmentCodes[i], m] += v * v;
            }

            _y[m] = y;
            _y2[m] = y2;
        }
    }

    public int SegmentCount { get; }

    public int MetricCount { get; }

    public long UnitsIn(int segment) => _segmentUnits[segment];

    /// <summary>Thread-local buffers for one worker.</summary>
    public sealed class Scratch(RerandomizationEngine engine)
    {
        public ulong[] Mask { get; } = new ulong[engine._words];
        public long[] Count { get; } = new long[engine.SegmentCount];
        public double[] Sum { get; } = new double[engine.SegmentCount * engine.MetricCount];
        public double[] SumSq { get; } = new double[engine.SegmentCount * engine.MetricCount];
    }

    /// <summary>Draws iteration <paramref name="iteration"/>'s assignment and writes one p-value per (segment, metric) and
    /// per metric overall; NaN marks "no test" (an arm with fewer than 2 units or no variance).</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="iteration">The iteration number (its random stream).</param>
    /// <param name="split">The treatment share.</param>
    /// <param name="scratch">The worker's buffers.</param>
    /// <param name="segmentP">[segment * metrics + metric] p-values.</param>
    /// <param name="overallP">[metric] p-values.</param>
    public void RunIteration(ulong seed, long iteration, double split, Scratch scratch, Span<double> segmentP, Span<double> overallP)
    {
        Assign(seed, iteration, split, scratch.Mask);
        for (var s = 0; s < SegmentCount; s++)
        {
            long count = 0;
            for (var w = _segmentWordStart[s]; w < _segmentWordEnd[s]; w++)
            {
                count += BitOperations.PopCount(scratch.Mask[w] & _valid[w]);
            }

            scratch.Count[s] = count;
            for (var m = 0; m < MetricCount; m++)
            {
                var (sum, sumSq) = MaskedSums(_y[m], _y2[m], scratch.Mask, _valid, _segmentWordStart[s], _segmentWordEnd[s]);
                scratch.Sum[s * MetricCount + m] = sum;
                scratch.SumSq[s * MetricCount + m] = sumSq;
            }
        }

        for (var m = 0; m < MetricCount; m++)
        {
            double ts = 0, tq = 0, as_ = 0, aq = 0;
            long tn = 0, an = 0;
            for (var s = 0; s < SegmentCount; s++)
            {
                double sum = scratch.Sum[s * MetricCount + m], sq = scratch.SumSq[s * MetricCount + m];
                segmentP[s * MetricCount + m] = WelchP(scratch.Count[s], sum, sq, _segmentUnits[s], _totalSum[s, m], _totalSumSq[s, m]);
                ts += sum;
                tq += sq;
                tn += scratch.Count[s];
                as_ += _totalSum[s, m];
                aq += _totalSumSq[s, m];
                an += _segmentUnits[s];
            }

            overallP[m] = WelchP(tn, ts, tq, an, as_, aq);
        }
    }

    /// <summary>Welch p-value from treatment sums and the population totals (control = total − treatment).</summary>
    internal static double WelchP(long nt, double sumT, double sumSqT, long n, double sum, double sumSq)
    {
        var nc = n - nt;
        if (nt < 2 || nc < 2)
        {
            return double.NaN;
        }

        double sumC = sum - sumT, sumSqC = sumSq - sumSqT;
        double mt = sumT / nt, mc = sumC / nc;
        var vt = Math.Max(0, (sumSqT - sumT * mt) / (nt - 1)) / nt;
        var vc = Math.Max(0, (sumSqC - sumC * mc) / (nc - 1)) / nc;
        var v = vt + vc;
        if (!(v > 0))
        {
            return double.NaN;
        }

        var t = (mt - mc) / Math.Sqrt(v);
        var df = v * v / (vt * vt / (nt - 1) + vc * vc / (nc - 1));
        return Probability.StudentTTwoSided(t, df);
    }

    internal static void Assign(ulong seed, long iteration, double split, Span<ulong> mask)
    {
        var rng = new Xoshiro256(seed, (ulong)iteration);
        if (split == 0.5)
        {
            for (var w = 0; w < mask.Length; w++) { mask[w] = rng.NextUInt64(); }
            return;
        }

        var threshold = (ulong)Math.Round(split * 65536);
        for (var w = 0; w < mask.Length; w++)
        {
            ulong bits = 0;
            for (var q = 0; q < 16; q++)
            {
                var r = rng.NextUInt64();
                for (var lane = 0; lane < 4; lane++)
                {
                    var bit = ((r >> (16 * lane)) & 0xFFFF) < threshold ? 1UL : 0UL;
                    bits |= bit << (q * 4 + lane);
                }
            }

            mask[w] = bits;
        }
    }

    /// <summary>Σ y and Σ y² over the units whose bit is set in mask &amp; valid, for words [from, to).</summary>
    internal static (double Sum, double SumSq) MaskedSums(double[] y, double[] y2, ReadOnlySpan<ulong> mask, ReadOnlySpan<ulong> valid, int from, int to)
    {
        ref var py = ref MemoryMarshal.GetArrayDataReference(y);
        ref var py2 = ref MemoryMarshal.GetArrayDataReference(y2);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> s = Vector512<double>.Zero, q = Vector512<double>.Zero;
            for (var w = from; w < to; w++)
            {
                var bits = mask[w] & valid[w];
                var baseIndex = (nuint)(w * 64);
                for (var b = 0; b < 8; b++)
                {
                    var m = Vector512.Equals(Vector512.Create((long)((bits >> (8 * b)) & 0xFF)) & BitPattern512, BitPattern512).AsDouble();
                    var offset = baseIndex + (nuint)(8 * b);
                    s += Vector512.LoadUnsafe(ref py, offset) & m;
                    q += Vector512.LoadUnsafe(ref py2, offset) & m;
                }
            }

            return (Vector512.Sum(s), Vector512.Sum(q));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> s = Vector256<double>.Zero, q = Vector256<double>.Zero;
            for (var w = from; w < to; w++)
            {
                var bits = mask[w] & valid[w];
                var baseIndex = (nuint)(w * 64);
                for (var b = 0; b < 16; b++)
                {
                    var m = Vector256.Equals(Vector256.Create((long)((bits >> (4 * b)) & 0xF)) & BitPattern256, BitPattern256).AsDouble();
                    var offset = baseIndex + (nuint)(4 * b);
                    s += Vector256.LoadUnsafe(ref py, offset) & m;
                    q += Vector256.LoadUnsafe(ref py2, offset) & m;
                }
            }

            return (Vector256.Sum(s), Vector256.Sum(q));
        }

        return MaskedSumsScalar(y, y2, mask, valid, from, to);
    }

    internal static (double Sum, double SumSq) MaskedSumsScalar(double[] y, double[] y2, ReadOnlySpan<ulong> mask, ReadOnlySpan<ulong> valid, int from, int to)
    {
        double s = 0, q = 0;
        for (var w = from; w < to; w++)
        {
            var bits = mask[w] & valid[w];
            while (bits != 0)
            {
                var i = w * 64 + BitOperations.TrailingZeroCount(bits);
                s += y[i];
                q += y2[i];
                bits &= bits - 1;
            }
        }

        return (s, q);
    }
}
