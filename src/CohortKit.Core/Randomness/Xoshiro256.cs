using System.Numerics;
using System.Runtime.CompilerServices;

namespace CohortKit.Randomness;

/// <summary>
/// A small, fast, seeded generator: xoshiro256** (Blackman and Vigna), seeded through SplitMix64 from a seed and a
/// stream id. Give each independent unit of work (a learner, an A/A iteration) its own stream and results do not depend
/// on how the work is split across threads.
/// </summary>
/// <remarks>A mutable value type: copy it and both copies produce the same sequence. Not thread-safe; not for cryptography.</remarks>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates the generator for one stream of a seed.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="stream">The stream id (e.g. a learner row or an iteration number).</param>
    public Xoshiro256(ulong seed, ulong stream)
    {
        var sm = seed ^ (stream * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL;
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
        _spareGaussian = 0;
        _hasSpare = false;
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns 64 random bits.</summary>
    /// <returns>The next value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    /// <returns>The draw.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (multiply-shift on 32 random bits; bias below n / 2³², negligible for small n).</summary>
    /// <param name="n">The exclusive upper bound (positive).</param>
    /// <returns>The draw.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    /// <summary>Bernoulli draw.</summary>
    /// <param name="p">The probability of <see langword="true"/>.</param>
    /// <returns>The draw.</returns>
    public bool NextBool(double p) => NextDouble() < p;

    /// <summary>Standard normal by the Marsaglia polar method.</summary>
    /// <returns>The draw.</returns>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>Poisson by multiplication of uniforms (Knuth) for means up to 30, a rounded normal approximation above.</summary>
    /// <param name="mean">The mean (≤ 0 gives 0).</param>
    /// <returns>The draw.</returns>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * NextGaussian()));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    /// <summary>Draws an index from cumulative probabilities (non-decreasing, last entry 1).</summary>
    /// <param name="cumulative">The cumulative probabilities.</param>
    /// <returns>The index.</returns>
    public int NextCategorical(ReadOnlySpan<double> cumulative)
    {
        var u = NextDouble();
        for (var i = 0; i < cumulative.Length - 1; i++)
        {
            if (u < cumulative[i])
            {
                return i;
            }
        }

        return cumulative.Length - 1;
    }
}
