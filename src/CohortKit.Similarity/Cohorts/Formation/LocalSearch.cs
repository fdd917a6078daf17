using System.Numerics.Tensors;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>Step 4: moves and swaps learners between the cohorts of one part while the sum of each learner's similarity to
/// its cohort's centroid rises, never leaving the size bounds.</summary>
internal static class LocalSearch
{
    private const int Passes = 3;

    /// <summary>Improves the labels in place.</summary>
    public static void Improve(CohortSpace space, int[] rows, int[] labels, int k, SizeBounds bounds)
    {
        var n = rows.Length;
        var sims = new float[n * k];
        for (var pass = 0; pass < Passes; pass++)
        {
            var sums = space.Sums(rows, labels, k);
            var size = sums.Sizes.ToArray();
            var centroids = new float[k * space.D];
            sums.UnitCentroids(centroids);
            space.Similarities(rows, centroids, k, sims);
            var improved = 0;
            var members = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
            for (var i = 0; i < n; i++) { members[labels[i]].Add(i); }
            for (var i = 0; i < n; i++)
            {
                var a = labels[i];
                var b = TensorPrimitives.IndexOfMax(sims.AsSpan(i * k, k));
                if (b == a) { continue; }
                var gain = sims[i * k + b] - sims[i * k + a];
                if (gain <= 0) { continue; }
                if (size[b] < bounds.Max && size[a] > bounds.Min)
                {
                    labels[i] = b;
                    size[a]--;
                    size[b]++;
                    members[a].Remove(i);
                    members[b].Add(i);
                    improved++;
                    continue;
                }

                // Swap with the member of b that loses least by moving to a.
                var bestJ = -1;
                var bestGain = 0f;
                foreach (var j in members[b])
                {
                    var total = gain + sims[j * k + a] - sims[j * k + b];
                    if (total > bestGain) { bestGain = total; bestJ = j; }
                }

                if (bestJ >= 0)
                {
                    labels[i] = b;
                    labels[bestJ] = a;
                    members[a].Remove(i);
                    members[b].Add(i);
                    members[b].Remove(bestJ);
                    members[a].Add(bestJ);
                    improved++;
                }
            }

            if (improved == 0) { break; }
        }
    }
}
