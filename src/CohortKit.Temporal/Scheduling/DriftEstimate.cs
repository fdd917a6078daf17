using CohortKit.Features;

namespace CohortKit.Temporal.Scheduling;

/// <summary>The weekly drift of each cohort's features (root mean square change of one feature in one week) and the random
/// walk that simulates it.</summary>
internal sealed class DriftEstimate
{
    private DriftEstimate(int[] cohorts, int[] sizes, double[] perWeek, int[] indexOfRow)
    {
        Cohorts = cohorts;
        Sizes = sizes;
        PerWeek = perWeek;
        IndexOfRow = indexOfRow;
    }

    /// <summary>The cohort ids with members, ascending.</summary>
    public int[] Cohorts { get; }

    /// <summary>Members per cohort, aligned with <see cref="Cohorts"/>.</summary>
    public int[] Sizes { get; }

    /// <summary>Weekly drift per cohort, aligned with <see cref="Cohorts"/>.</summary>
    public double[] PerWeek { get; }

    /// <summary>Each row's index into <see cref="Cohorts"/>.</summary>
    public int[] IndexOfRow { get; }

    public static DriftEstimate Measure(IReadOnlyList<FeatureMatrix> history, IReadOnlyList<int> cohortOf)
    {
        if (history.Count < 2) { throw new ArgumentException($"history has {history.Count} week(s); the weekly drift needs at least two.", nameof(history)); }
        int rows = history[0].Rows, dims = history[0].Dimensions;
        for (var t = 0; t < history.Count; t++)
        {
            if (history[t].Rows != rows || history[t].Dimensions != dims)
            {
                throw new ArgumentException($"Week {t} has {history[t].Rows} × {history[t].Dimensions} features; week 0 has {rows} × {dims}.", nameof(history));
            }

            var data = history[t].AsSpan();
            for (var i = 0; i < data.Length; i++)
            {
                if (!float.IsFinite(data[i])) { throw new ArgumentException($"Week {t}, row {i / dims}, feature {i % dims} is {data[i]}; features must be finite.", nameof(history)); }
            }
        }

        if (cohortOf.Count != rows) { throw new ArgumentException($"cohortOf has {cohortOf.Count} entries for {rows} rows.", nameof(cohortOf)); }
        for (var i = 0; i < rows; i++)
        {
            if (cohortOf[i] < 0) { throw new ArgumentException($"cohortOf[{i}] is {cohortOf[i]}; cohort ids are at least 0.", nameof(cohortOf)); }
        }

        var cohorts = cohortOf.Distinct().Order().ToArray();
        var index = cohorts.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => x.k);
        var indexOfRow = cohortOf.Select(c => index[c]).ToArray();
        var sizes = new int[cohorts.Length];
        var squares = new double[cohorts.Length];
        foreach (var k in indexOfRow) { sizes[k]++; }
        for (var t = 1; t < history.Count; t++)
        {
            for (var i = 0; i < rows; i++)
            {
                ReadOnlySpan<float> now = history[t].Row(i), before = history[t - 1].Row(i);
                var s = 0.0;
                for (var j = 0; j < dims; j++) { var d = (double)now[j] - before[j]; s += d * d; }
                squares[indexOfRow[i]] += s;
            }
        }

        var perWeek = squares.Select((s, k) => Math.Sqrt(s / ((double)sizes[k] * dims * (history.Count - 1)))).ToArray();
        return new DriftEstimate(cohorts, sizes, perWeek, indexOfRow);
    }

    /// <summary>Weeks 0…horizon: week 0 is <paramref name="now"/>, each later week adds N(0, drift²) to every feature of a
    /// row, drift being its cohort's.</summary>
    public static FeatureMatrix[] Simulate(FeatureMatrix now, DriftEstimate drift, int horizon, Random random)
    {
        int rows = now.Rows, dims = now.Dimensions;
        var weeks = new FeatureMatrix[horizon + 1];
        weeks[0] = new FeatureMatrix(now.AsSpan().ToArray(), rows, dims, now.FeatureNames);
        for (var w = 1; w <= horizon; w++)
        {
            var data = weeks[w - 1].AsSpan().ToArray();
            for (var i = 0; i < rows; i++)
            {
                var sd = drift.PerWeek[drift.IndexOfRow[i]];
                if (sd == 0) { continue; }
                for (var j = 0; j < dims; j++) { data[i * dims + j] += (float)(sd * Gaussian(random)); }
            }

            weeks[w] = new FeatureMatrix(data, rows, dims, now.FeatureNames);
        }

        return weeks;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
