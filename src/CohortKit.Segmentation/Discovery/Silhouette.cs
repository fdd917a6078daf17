namespace CohortKit.Segmentation.Discovery;

/// <summary>The mean silhouette of a labelled sample, as <c>sklearn.metrics.silhouette_score</c> (Euclidean): for each point
/// s = (b − a) / max(a, b), a the mean distance to the other members of its cluster, b the smallest mean distance to another
/// cluster; a point alone in its cluster scores 0.</summary>
internal static class Silhouette
{
    /// <summary>The Euclidean distance matrix of the sample rows (s × s, float).</summary>
    public static float[] Distances(float[] x, int s, int d)
    {
        var distances = new float[s * s];
        for (var i = 0; i < s; i++)
        {
            var a = x.AsSpan(i * d, d);
            for (var j = i + 1; j < s; j++)
            {
                var v = System.Numerics.Tensors.TensorPrimitives.Distance(a, x.AsSpan(j * d, d));
                distances[i * s + j] = v;
                distances[j * s + i] = v;
            }
        }

        return distances;
    }

    /// <summary>The mean silhouette of labels over the sample whose distance matrix is given.</summary>
    public static double Score(float[] distances, int s, int[] labels, int k)
    {
        var sizes = new int[k];
        foreach (var l in labels) { sizes[l]++; }
        var sums = new double[k];
        double total = 0;
        for (var i = 0; i < s; i++)
        {
            Array.Clear(sums);
            var row = distances.AsSpan(i * s, s);
            for (var j = 0; j < s; j++) { sums[labels[j]] += row[j]; }
            var own = labels[i];
            if (sizes[own] <= 1)
            {
                continue; // a singleton scores 0
            }

            var a = sums[own] / (sizes[own] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                if (c != own && sizes[c] > 0) { b = Math.Min(b, sums[c] / sizes[c]); }
            }

            var m = Math.Max(a, b);
            total += m > 0 ? (b - a) / m : 0;
        }

        return total / s;
    }
}
