using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts.Formation;

/// <summary>
/// Step 2: chooses the number of cohorts from the data. Each part is over-clustered by spherical k-means with ⌊n/Min⌋
/// centroids (more than any feasible partition has cohorts), pieces larger than Max are bisected; then pieces are merged
/// by average linkage (highest mean cosine between their members first, across neighbouring parts too, so a group cut by
/// a part boundary is joined again) as long as the union fits in Max and either piece is below Min or the two look like
/// one group: the mean cosine between them is at least <see cref="SameGroupRatio"/> of the mean cosine within the looser
/// of the two. The clusters that result seed the capacitated assignment; their count, clamped to the feasible range
/// [⌈n/Max⌉, ⌊n/Min⌋], is the number of cohorts.
/// </summary>
internal static class CohortDiscovery
{
    /// <summary>Two pieces are merged when their cross similarity reaches this share of their within similarity: pieces of
    /// one group have cross ≈ within; pieces of two groups have a cross that is clearly lower.</summary>
    internal const double SameGroupRatio = 0.9;

    private const int OverClusterIterations = 6;
    private const int OverClusterFactor = 2;
    private const int MinBisect = 4;
    private const int BisectIterations = 6;
    private const int Neighbours = 12;
    private const int NeighbourParts = 3;
    private const int NearParts = 32;

    /// <summary>A part after merging: its rows, the cluster of each row, and the number of clusters.</summary>
    public sealed record Seeded(int[] Rows, int[] Labels, int Count);

    /// <summary>Over-clusters every part (in parallel), merges the pieces, and regroups rows into parts that hold whole clusters.</summary>
    public static List<Seeded> Discover(CohortSpace space, IReadOnlyList<Partitioning.Part> parts, CohortFormationOptions options, SizeBounds bounds, CancellationToken cancellationToken)
    {
        var pieces = new (int[] Labels, int Count)[parts.Count];
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            p => pieces[p] = OverCluster(space, parts[p].Rows, bounds, options.Seed, (ulong)p + 1));
        return Merge(space, parts, pieces, options, bounds);
    }

    /// <summary>Unconstrained spherical k-means with ⌊n/Min⌋ centroids; pieces above Max are bisected until they fit.</summary>
    internal static (int[] Labels, int Count) OverCluster(CohortSpace space, int[] rows, SizeBounds bounds, long seed, ulong stream)
    {
        var n = rows.Length;
        var k = Math.Max(1, Math.Min(n / 2, OverClusterFactor * bounds.Most(n)));
        var labels = new int[n];
        if (k > 1)
        {
            var rng = new Xoshiro256(unchecked((ulong)seed), stream);
            var centroids = space.KMeansPlusPlus(rows, k, ref rng);
            var sims = new float[n * k];
            for (var it = 0; it < OverClusterIterations; it++)
            {
                space.AssignNearest(rows, centroids, k, sims, labels);
                KMeans.Update(space.X, space.D, rows, labels, centroids, k, normalise: true, ref rng);
            }

            space.AssignNearest(rows, centroids, k, sims, labels);
        }

        var members = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < n; i++) { members[labels[i]].Add(i); }
        var queue = new Queue<List<int>>(members.Where(m => m.Count > 0));
        var count = 0;
        var bisectRng = new Xoshiro256(unchecked((ulong)seed), stream + 0x5EED);
        while (queue.Count > 0)
        {
            var piece = queue.Dequeue();
            if (piece.Count >= MinBisect)
            {
                // Above Max a piece must be cut; below, it is cut only when its two halves look like two groups.
                var (left, right) = Bisect(space, rows, piece, ref bisectRng);
                if (piece.Count > bounds.Max || TwoGroups(space, rows, left, right))
                {
                    queue.Enqueue(left);
                    queue.Enqueue(right);
                    continue;
                }
            }

            foreach (var i in piece) { labels[i] = count; }
            count++;
        }

        return (labels, count);
    }

    /// <summary>Whether two halves are less alike than the same-group test allows (cross below the ratio of the looser within).</summary>
    private static bool TwoGroups(CohortSpace space, int[] rows, List<int> left, List<int> right)
    {
        if (left.Count < 2 || right.Count < 2) { return false; }
        var members = left.Concat(right).Select(i => rows[i]).ToArray();
        var labels = left.Select(_ => 0).Concat(right.Select(_ => 1)).ToArray();
        var sums = space.Sums(members, labels, 2);
        double dot = 0;
        for (var t = 0; t < space.D; t++) { dot += sums.Sums[t] * sums.Sums[space.D + t]; }
        var cross = dot / ((double)left.Count * right.Count);
        return cross < SameGroupRatio * Math.Min(sums.MeanPairwise(0), sums.MeanPairwise(1));
    }

    /// <summary>Two-means on a piece (indexes into rows); an even split when the points cannot be told apart.</summary>
    private static (List<int> Left, List<int> Right) Bisect(CohortSpace space, int[] rows, List<int> piece, ref Xoshiro256 rng)
    {
        var sub = piece.Select(i => rows[i]).ToArray();
        var centroids = space.KMeansPlusPlus(sub, 2, ref rng);
        var labels = new int[sub.Length];
        var sims = new float[sub.Length * 2];
        for (var it = 0; it < BisectIterations; it++)
        {
            space.AssignNearest(sub, centroids, 2, sims, labels);
            KMeans.Update(space.X, space.D, sub, labels, centroids, 2, normalise: true, ref rng);
        }

        space.AssignNearest(sub, centroids, 2, sims, labels);
        List<int> left = [], right = [];
        for (var i = 0; i < sub.Length; i++) { (labels[i] == 0 ? left : right).Add(piece[i]); }
        if (left.Count == 0 || right.Count == 0)
        {
            return (piece.Take(piece.Count / 2).ToList(), piece.Skip(piece.Count / 2).ToList());
        }

        return (left, right);
    }

    private static List<Seeded> Merge(CohortSpace space, IReadOnlyList<Partitioning.Part> parts, (int[] Labels, int Count)[] pieces, CohortFormationOptions options, SizeBounds bounds)
    {
        var d = space.D;
        var first = new int[parts.Count + 1];
        for (var p = 0; p < parts.Count; p++) { first[p + 1] = first[p] + pieces[p].Count; }
        var g = first[^1];
        var partOf = new int[g];
        var sums = new CentroidSums[parts.Count];
        var means = new float[g * d];
        for (var p = 0; p < parts.Count; p++)
        {
            sums[p] = space.Sums(parts[p].Rows, pieces[p].Labels, pieces[p].Count);
            for (var j = 0; j < pieces[p].Count; j++)
            {
                partOf[first[p] + j] = p;
                var n = sums[p].Sizes[j];
                for (var t = 0; t < d; t++) { means[(first[p] + j) * d + t] = (float)(sums[p].Sums[j * d + t] / n); }
            }
        }

        // Cluster state, indexed by the piece that is the cluster's root.
        var sum = new double[g * d];
        var size = new int[g];
        var units = new int[g];
        var version = new int[g];
        var parent = new int[g];
        var home = new int[g];
        var homeSize = new int[g];
        for (var p = 0; p < parts.Count; p++)
        {
            for (var j = 0; j < pieces[p].Count; j++)
            {
                var x = first[p] + j;
                sums[p].Sums.AsSpan(j * d, d).CopyTo(sum.AsSpan(x * d, d));
                size[x] = sums[p].Sizes[j];
                units[x] = sums[p].Units[j];
                parent[x] = x;
                home[x] = p;
                homeSize[x] = size[x];
            }
        }

        // Candidate partners: the most similar pieces of the same part and of its nearest parts (same group only).
        var neighbours = new List<int>[g];
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, p =>
        {
            // The parts near this one; each piece then looks in its own part and in the near parts its mean is closest to
            // (a group cut by a part boundary has its other piece just across that boundary).
            var near = Enumerable.Range(0, parts.Count).Where(o => o != p && parts[o].Group == parts[p].Group)
                .OrderByDescending(o => SimilarityKernels.Dot(parts[p].Centroid, parts[o].Centroid)).ThenBy(o => o).Take(NearParts).ToArray();
            var nearCentroids = near.SelectMany(o => parts[o].Centroid).ToArray();
            var partScores = new float[near.Length];
            var cross = new float[first[^1]];
            var pool = new List<int>();
            for (var x = first[p]; x < first[p + 1]; x++)
            {
                pool.Clear();
                Score(p);
                if (near.Length > 0)
                {
                    SimilarityKernels.DotRows(means.AsSpan(x * d, d), nearCentroids, d, partScores);
                    foreach (var o in Enumerable.Range(0, near.Length).OrderByDescending(i => partScores[i]).ThenBy(i => i).Take(NeighbourParts).Select(i => near[i])) { Score(o); }
                }

                // The most similar pieces of the pool, best first (ties: lower piece).
                pool.Remove(x);
                pool.Sort((a, b) => cross[a] != cross[b] ? cross[b].CompareTo(cross[a]) : a.CompareTo(b));
                neighbours[x] = pool.Take(Neighbours).ToList();

                void Score(int part)
                {
                    // Pieces of one part are contiguous in `means`: score them in one scan, no copy.
                    var count = first[part + 1] - first[part];
                    SimilarityKernels.DotRows(means.AsSpan(x * d, d), means.AsSpan(first[part] * d, count * d), d, cross.AsSpan(first[part], count));
                    for (var y = first[part]; y < first[part + 1]; y++) { pool.Add(y); }
                }
            }
        });

        int Find(int x)
        {
            while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
            return x;
        }

        double Cross(int a, int b)
        {
            double dot = 0;
            for (var t = 0; t < d; t++) { dot += sum[a * d + t] * sum[b * d + t]; }
            return dot / ((double)size[a] * size[b]);
        }

        double Within(int a)
        {
            if (size[a] < 2) { return double.NaN; }
            double s2 = 0;
            for (var t = 0; t < d; t++) { s2 += sum[a * d + t] * sum[a * d + t]; }
            return (s2 - units[a]) / ((double)size[a] * (size[a] - 1));
        }

        var queue = new PriorityQueue<(int A, int B, int Va, int Vb), (double Key, int A, int B)>(
            Comparer<(double Key, int A, int B)>.Create(static (x, y) => x.Key != y.Key ? y.Key.CompareTo(x.Key) : x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B)));
        for (var x = 0; x < g; x++)
        {
            foreach (var y in neighbours[x])
            {
                if (x < y || !neighbours[y].Contains(x)) { queue.Enqueue((x, y, 0, 0), (Cross(x, y), Math.Min(x, y), Math.Max(x, y))); }
            }
        }

        while (queue.TryDequeue(out var pair, out _))
        {
            int a = Find(pair.A), b = Find(pair.B);
            if (a == b || size[a] + size[b] > bounds.Max) { continue; }
            if (pair.Va != version[a] || pair.Vb != version[b] || a != pair.A || b != pair.B)
            {
                queue.Enqueue((a, b, version[a], version[b]), (Cross(a, b), Math.Min(a, b), Math.Max(a, b)));
                continue;
            }

            if (size[a] >= bounds.Min && size[b] >= bounds.Min)
            {
                var looser = Math.Min(Within(a), Within(b));
                if (!(Cross(a, b) >= SameGroupRatio * looser)) { continue; }
            }

            // Merge b into a.
            parent[b] = a;
            for (var t = 0; t < d; t++) { sum[a * d + t] += sum[b * d + t]; }
            if (homeSize[b] > homeSize[a]) { (home[a], homeSize[a]) = (home[b], homeSize[b]); }
            size[a] += size[b];
            units[a] += units[b];
            version[a]++;
            var partners = neighbours[a].Concat(neighbours[b]).Select(Find).Where(y => y != a).Distinct()
                .Where(y => size[a] + size[y] <= bounds.Max).Select(y => (Y: y, Key: Cross(a, y)))
                .OrderByDescending(t => t.Key).ThenBy(t => t.Y).Take(Neighbours).ToList();
            neighbours[a] = partners.Select(t => t.Y).ToList();
            neighbours[b] = [];
            foreach (var (y, key) in partners) { queue.Enqueue((a, y, version[a], version[y]), (key, Math.Min(a, y), Math.Max(a, y))); }
        }

        // Regroup: every cluster goes to the part holding its largest piece.
        var rowsOf = Enumerable.Range(0, parts.Count).Select(_ => new List<int>()).ToArray();
        var clusterOf = Enumerable.Range(0, parts.Count).Select(_ => new List<int>()).ToArray();
        for (var p = 0; p < parts.Count; p++)
        {
            for (var i = 0; i < parts[p].Rows.Length; i++)
            {
                var root = Find(first[p] + pieces[p].Labels[i]);
                rowsOf[home[root]].Add(parts[p].Rows[i]);
                clusterOf[home[root]].Add(root);
            }
        }

        var alive = Enumerable.Range(0, parts.Count).Where(p => rowsOf[p].Count > 0).ToList();
        Partitioning.MergeInfeasible(alive, p => rowsOf[p].Count, (from, into) =>
        {
            rowsOf[into].AddRange(rowsOf[from]);
            clusterOf[into].AddRange(clusterOf[from]);
            rowsOf[from].Clear();
            clusterOf[from].Clear();
        }, (a, b) => parts[a].Group != parts[b].Group ? float.NegativeInfinity : SimilarityKernels.Dot(parts[a].Centroid, parts[b].Centroid), bounds);

        var result = new List<Seeded>(alive.Count);
        foreach (var p in alive)
        {
            var dense = new Dictionary<int, int>();
            var labels = new int[rowsOf[p].Count];
            for (var i = 0; i < labels.Length; i++)
            {
                if (!dense.TryGetValue(clusterOf[p][i], out var c)) { c = dense.Count; dense[clusterOf[p][i]] = c; }
                labels[i] = c;
            }

            result.Add(new Seeded([.. rowsOf[p]], labels, dense.Count));
        }

        return result;
    }
}
