using System.Numerics.Tensors;
using CohortKit.Features;
using CohortKit.Randomness;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts;

/// <summary>Cohorts of learners: the cohort of every row and the cohort sizes.</summary>
/// <param name="CohortOf">The cohort of each row, in [0, <see cref="CohortCount"/>).</param>
/// <param name="CohortCount">The number of cohorts.</param>
public sealed record CohortAssignment(int[] CohortOf, int CohortCount)
{
    /// <summary>Gets the size of each cohort.</summary>
    /// <returns>One size per cohort.</returns>
    public int[] Sizes()
    {
        var sizes = new int[CohortCount];
        foreach (var c in CohortOf) { sizes[c]++; }
        return sizes;
    }

    /// <summary>Gets the sizes of the cohorts that have members (after a rebalance some ids are unused).</summary>
    /// <returns>The non-zero sizes.</returns>
    public int[] OccupiedSizes() => Sizes().Where(s => s > 0).ToArray();
}

/// <summary>What <see cref="CohortFormer.Rebalance"/> changed.</summary>
/// <param name="Cohorts">The updated cohorts (ids of kept cohorts unchanged; dissolved ids unused).</param>
/// <param name="Moved">Existing members whose cohort changed.</param>
/// <param name="Placed">Newcomers and dissolved members placed into existing cohorts.</param>
/// <param name="NewCohorts">Cohorts created.</param>
/// <param name="Dissolved">Cohorts dissolved (below the minimum, or borrowed to seat leftovers).</param>
public sealed record RebalanceResult(CohortAssignment Cohorts, int Moved, int Placed, int NewCohorts, int Dissolved);

/// <summary>
/// Partitions learners into cohorts whose sizes lie in [<see cref="CohortFormationOptions.MinSize"/>,
/// <see cref="CohortFormationOptions.MaxSize"/>], maximising intra-cohort cosine similarity: large populations are first
/// split by spherical k-means into parts of about <see cref="CohortFormationOptions.PartSize"/> learners (parts too small to
/// split legally are merged into their nearest part); inside each part, rounds of capacity-constrained assignment to
/// centroids (best pairs first, sizes capped at the maximum, then topped up to the minimum at the least loss) alternate
/// with centroid updates, and a final pass moves and swaps learners while that raises similarity. Optional groups (e.g. a
/// time-zone band) are never mixed in a cohort. Deterministic by seed.
/// </summary>
/// <remarks>Thread-safe; parts are solved in parallel.</remarks>
public sealed class CohortFormer
{
    /// <summary>Creates a former.</summary>
    /// <param name="options">The settings; validated now.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CohortFormer(CohortFormationOptions? options = null)
    {
        Options = options ?? new CohortFormationOptions();
        Options.Validate();
    }

    /// <summary>Gets the settings.</summary>
    public CohortFormationOptions Options { get; }

    /// <summary>Forms cohorts.</summary>
    /// <param name="features">One row per learner (any scale; rows are L2-normalised internally for cosine similarity).</param>
    /// <param name="groups">Optional group code per row; cohorts never mix groups (e.g. time-zone bands).</param>
    /// <param name="groupNames">Optional names of the group codes, for messages.</param>
    /// <returns>The cohorts.</returns>
    /// <exception cref="CohortFormationInfeasibleException">The population (or a group) cannot be split within the bounds.</exception>
    /// <exception cref="ArgumentException">A feature is NaN or infinite, or the groups' length differs from the rows.</exception>
    public CohortAssignment Form(FeatureMatrix features, IReadOnlyList<int>? groups = null, IReadOnlyList<string>? groupNames = null)
        => Form(features, new CohortConstraints { Groups = groups, GroupNames = groupNames });

    /// <summary>Forms cohorts under constraints: groups never mixed, a mix attribute with at least MinDistinct values per
    /// cohort, a cap attribute with at most MaxPerValue members per value per cohort. Mix and cap are met by similarity-aware
    /// swaps after formation.</summary>
    /// <param name="features">One row per learner.</param>
    /// <param name="constraints">The constraints.</param>
    /// <returns>The cohorts.</returns>
    /// <exception cref="CohortFormationInfeasibleException">The sizes or a constraint cannot be met; <see cref="CohortFormationInfeasibleException.Bound"/> names it.</exception>
    public CohortAssignment Form(FeatureMatrix features, CohortConstraints constraints)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(constraints);
        var mix = constraints.Mix?.ToArray();
        var cap = constraints.Cap?.ToArray();
        var groups = constraints.Groups;
        var groupNames = constraints.GroupNames;
        foreach (var (name, codes) in new[] { ("Mix", constraints.Mix), ("Cap", constraints.Cap) })
        {
            if (codes is not null && codes.Count != features.Rows) { throw new ArgumentException($"{name} has {codes.Count} entries for {features.Rows} rows.", nameof(constraints)); }
        }
        using var activity = SimilarityTelemetry.ActivitySource.StartActivity("CohortFormer.Form");
        var x = Normalised(features);
        var n = features.Rows;
        if (groups is not null && groups.Count != n)
        {
            throw new ArgumentException($"Groups has {groups.Count} entries for {n} rows.", nameof(constraints));
        }

        var byGroup = Enumerable.Range(0, n).GroupBy(i => groups?[i] ?? 0).OrderBy(g => g.Key).Select(g => (g.Key, Rows: g.ToArray())).ToList();
        foreach (var (key, rows) in byGroup)
        {
            CheckFeasible(rows.Length, groups is null ? null : groupNames is not null && key < groupNames.Count ? groupNames[key] : key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var parts = byGroup.SelectMany(g => Split(x, features.Dimensions, g.Rows)).ToList();
        var local = new int[parts.Count][];
        var counts = new int[parts.Count];
        try
        {
            Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism }, p =>
            {
                (local[p], counts[p]) = SolvePart(x, features.Dimensions, parts[p], p, constrained: true);
                if (mix is not null || cap is not null)
                {
                    RepairConstraints(x, features.Dimensions, parts[p], local[p], counts[p], mix, cap);
                }
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is CohortFormationInfeasibleException) is { } infeasible)
        {
            throw infeasible;
        }

        var cohortOf = new int[n];
        var offset = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            for (var i = 0; i < parts[p].Length; i++) { cohortOf[parts[p][i]] = offset + local[p][i]; }
            offset += counts[p];
        }

        return new CohortAssignment(cohortOf, offset);
    }

    /// <summary>
    /// Updates existing cohorts while moving as few current members as possible: cohorts that fell below the minimum are
    /// dissolved, newcomers and dissolved members join the most similar cohort of their group that has room (best pairs
    /// first), and whoever is left forms new cohorts (borrowing the single most similar cohort when too few are left).
    /// Ids of kept cohorts never change; dissolved ids stay unused; new cohorts get new ids.
    /// </summary>
    /// <param name="features">One row per current learner (departed learners are simply absent).</param>
    /// <param name="currentCohort">Each row's cohort id, or −1 for a newcomer.</param>
    /// <param name="groups">Optional group per row (cohorts never mix groups).</param>
    /// <returns>The updated cohorts and what changed.</returns>
    /// <exception cref="CohortFormationInfeasibleException">Some learners cannot be placed within the bounds.</exception>
    /// <exception cref="ArgumentException">Lengths differ or a feature is not finite.</exception>
    public RebalanceResult Rebalance(FeatureMatrix features, IReadOnlyList<int> currentCohort, IReadOnlyList<int>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(currentCohort);
        var n = features.Rows;
        if (currentCohort.Count != n) { throw new ArgumentException($"currentCohort has {currentCohort.Count} entries for {n} rows.", nameof(currentCohort)); }
        if (groups is not null && groups.Count != n) { throw new ArgumentException($"groups has {groups.Count} entries for {n} rows.", nameof(groups)); }
        var d = features.Dimensions;
        var x = Normalised(features);
        var label = currentCohort.ToArray();
        var nextId = label.Length == 0 ? 0 : Math.Max(0, label.Max() + 1);
        var size = new int[nextId];
        foreach (var c in label) { if (c >= 0) { size[c]++; } }
        var dissolved = 0;
        for (var i = 0; i < n; i++)
        {
            if (label[i] >= 0 && size[label[i]] < Options.MinSize) { label[i] = -1; }
        }

        for (var c = 0; c < nextId; c++) { if (size[c] > 0 && size[c] < Options.MinSize) { dissolved++; size[c] = 0; } }
        int GroupOf(int row) => groups?[row] ?? 0;
        var cohortGroup = new int[nextId];
        var centroids = new float[nextId * d];
        for (var i = 0; i < n; i++)
        {
            if (label[i] < 0) { continue; }
            cohortGroup[label[i]] = GroupOf(i);
            TensorPrimitives.Add(centroids.AsSpan(label[i] * d, d), x.AsSpan(i * d, d), centroids.AsSpan(label[i] * d, d));
        }

        for (var c = 0; c < nextId; c++)
        {
            var cen = centroids.AsSpan(c * d, d);
            VectorMath.NormalizeInPlace(cen);
        }

        // Place the unassigned into cohorts with room, best (learner, cohort) pairs first.
        var waiting = Enumerable.Range(0, n).Where(i => label[i] < 0).ToArray();
        var pairs = new List<(float Sim, int Row, int Cohort)>();
        var scratch = new float[Math.Max(1, nextId)];
        foreach (var i in waiting)
        {
            if (nextId == 0) { break; }
            SimilarityKernels.DotRows(x.AsSpan(i * d, d), centroids, d, scratch);
            for (var c = 0; c < nextId; c++)
            {
                if (size[c] > 0 && size[c] < Options.MaxSize && cohortGroup[c] == GroupOf(i)) { pairs.Add((scratch[c], i, c)); }
            }
        }

        pairs.Sort((a, b) => a.Sim != b.Sim ? b.Sim.CompareTo(a.Sim) : a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Cohort.CompareTo(b.Cohort));
        var placed = 0;
        foreach (var (_, row, cohort) in pairs)
        {
            if (label[row] >= 0 || size[cohort] >= Options.MaxSize) { continue; }
            label[row] = cohort;
            size[cohort]++;
            placed++;
        }

        // Whoever is left forms new cohorts, per group.
        var newCohorts = 0;
        foreach (var group in Enumerable.Range(0, n).Where(i => label[i] < 0).GroupBy(GroupOf))
        {
            var rows = group.ToList();
            if (!Feasible(rows.Count))
            {
                // Borrow the existing cohort of this group most similar to the leftovers and re-form the union.
                var mean = new float[d];
                foreach (var r in rows) { TensorPrimitives.Add(mean, x.AsSpan(r * d, d), mean); }
                var candidates = Enumerable.Range(0, nextId).Where(c => size[c] > 0 && cohortGroup[c] == group.Key && Feasible(size[c] + rows.Count)).ToList();
                if (candidates.Count == 0)
                {
                    throw new CohortFormationInfeasibleException(nameof(Options.MinSize),
                        $"{rows.Count} learners in group {group.Key} cannot form cohorts of {Options.MinSize}–{Options.MaxSize}, and no existing cohort can absorb them within the bounds.");
                }

                var borrow = candidates.MaxBy(c => TensorPrimitives.Dot(mean, centroids.AsSpan(c * d, d)));
                for (var i = 0; i < n; i++) { if (label[i] == borrow) { rows.Add(i); label[i] = -1; } }
                size[borrow] = 0;
                dissolved++;
            }

            var (local, count) = SolvePart(x, d, [.. rows], nextId + 7919, constrained: true);
            for (var j = 0; j < rows.Count; j++) { label[rows[j]] = nextId + local[j]; }
            nextId += count;
            newCohorts += count;
        }

        var moved = 0;
        for (var i = 0; i < n; i++) { if (currentCohort[i] >= 0 && currentCohort[i] != label[i]) { moved++; } }
        return new RebalanceResult(new CohortAssignment(label, nextId), moved, placed, newCohorts, dissolved);
    }

    /// <summary>Unconstrained spherical k-means with the same parts and the same number of clusters per part as
    /// <see cref="Form(FeatureMatrix, CohortConstraints)"/> — the baseline the quality report compares against.</summary>
    /// <param name="features">One row per learner.</param>
    /// <returns>The clusters (sizes unbounded; empty clusters are dropped from the count).</returns>
    public CohortAssignment KMeansBaseline(FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var x = Normalised(features);
        var all = Enumerable.Range(0, features.Rows).ToArray();
        var parts = Split(x, features.Dimensions, all).ToList();
        var local = new int[parts.Count][];
        var counts = new int[parts.Count];
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism }, p =>
        {
            (local[p], counts[p]) = SolvePart(x, features.Dimensions, parts[p], p, constrained: false);
        });

        var cohortOf = new int[features.Rows];
        var offset = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            for (var i = 0; i < parts[p].Length; i++) { cohortOf[parts[p][i]] = offset + local[p][i]; }
            offset += counts[p];
        }

        return new CohortAssignment(cohortOf, offset);
    }

    /// <summary>The number of cohorts for n learners: n / ((min + max) / 2), clamped to the feasible range [⌈n/max⌉, ⌊n/min⌋].</summary>
    internal int CohortsFor(int n)
    {
        int lo = (n + Options.MaxSize - 1) / Options.MaxSize, hi = n / Options.MinSize;
        var target = (int)Math.Round(2.0 * n / (Options.MinSize + Options.MaxSize));
        return Math.Clamp(target, lo, hi);
    }

    internal bool Feasible(int n) => n >= Options.MinSize && (n + Options.MaxSize - 1) / Options.MaxSize <= n / Options.MinSize;

    private void CheckFeasible(int n, string? group)
    {
        var where = group is null ? $"{n} learners" : $"{n} learners in group '{group}'";
        if (n < Options.MinSize)
        {
            throw new CohortFormationInfeasibleException(nameof(Options.MinSize), $"{where} cannot fill one cohort of at least {Options.MinSize} (MinSize).");
        }

        if (!Feasible(n))
        {
            throw new CohortFormationInfeasibleException(nameof(Options.MaxSize),
                $"{where} cannot be split into cohorts of {Options.MinSize}–{Options.MaxSize}: {(n + Options.MaxSize - 1) / Options.MaxSize} cohorts are needed to respect MaxSize but then one would have fewer than {Options.MinSize} (MinSize).");
        }
    }

    private static float[] Normalised(FeatureMatrix features)
    {
        var x = features.AsSpan().ToArray();
        var d = features.Dimensions;
        for (var r = 0; r < features.Rows; r++)
        {
            var row = x.AsSpan(r * d, d);
            foreach (var v in row)
            {
                if (!float.IsFinite(v)) { throw new ArgumentException($"Row {r} has a NaN or infinite feature.", nameof(features)); }
            }

            VectorMath.NormalizeInPlace(row);
        }

        return x;
    }

    /// <summary>Splits rows into parts of about PartSize by spherical k-means; merges parts whose size cannot be split legally.</summary>
    private IEnumerable<int[]> Split(float[] x, int d, int[] rows)
    {
        if (rows.Length <= Options.PartSize)
        {
            return [rows];
        }

        var p = (int)Math.Ceiling(2.0 * rows.Length / Options.PartSize);
        var rng = new Xoshiro256(unchecked((ulong)Options.Seed), 0xC0FFEE);
        var centroids = InitCentroids(x, d, rows, p, ref rng);
        var assign = new int[rows.Length];
        for (var it = 0; it < 6; it++)
        {
            KMeans.Assign(x, d, rows, centroids, p, SimilarityMetric.Cosine, assign);
            KMeans.Update(x, d, rows, assign, centroids, p, normalise: true, ref rng);
        }

        var parts = Enumerable.Range(0, p).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < rows.Length; i++) { parts[assign[i]].Add(rows[i]); }

        // Merge parts that are empty or cannot be split within the bounds into their nearest feasible neighbour.
        var alive = Enumerable.Range(0, p).Where(c => parts[c].Count > 0).ToList();
        bool changed;
        do
        {
            changed = false;
            foreach (var c in alive.ToList())
            {
                if (Feasible(parts[c].Count) || alive.Count == 1) { continue; }
                var best = alive.Where(o => o != c).MaxBy(o => TensorPrimitives.Dot(centroids.AsSpan(c * d, d), centroids.AsSpan(o * d, d)));
                parts[best].AddRange(parts[c]);
                parts[c].Clear();
                alive.Remove(c);
                changed = true;
            }
        }
        while (changed);

        return alive.Select(c => parts[c].ToArray());
    }

    /// <summary>Forms the cohorts of one part; returns local labels and the cohort count.</summary>
    private (int[] Labels, int Count) SolvePart(float[] x, int d, int[] rows, int partIndex, bool constrained)
    {
        var n = rows.Length;
        var k = CohortsFor(n);
        var rng = new Xoshiro256(unchecked((ulong)Options.Seed), (ulong)partIndex + 1);
        var centroids = InitCentroids(x, d, rows, k, ref rng);
        var labels = new int[n];
        var sims = new float[n * k];
        for (var it = 0; it < Options.Iterations; it++)
        {
            Similarities(x, d, rows, centroids, k, sims);
            if (constrained) { CapacitatedAssign(sims, n, k, labels); }
            else { for (var i = 0; i < n; i++) { labels[i] = TensorPrimitives.IndexOfMax(sims.AsSpan(i * k, k)); } }
            KMeans.Update(x, d, rows, labels, centroids, k, normalise: true, ref rng);
        }

        Similarities(x, d, rows, centroids, k, sims);
        if (constrained)
        {
            CapacitatedAssign(sims, n, k, labels);
            LocalSearch(x, d, rows, labels, k);
            return (labels, k);
        }

        for (var i = 0; i < n; i++) { labels[i] = TensorPrimitives.IndexOfMax(sims.AsSpan(i * k, k)); }
        // Renumber densely (unconstrained k-means can leave clusters empty).
        var map = new int[k];
        Array.Fill(map, -1);
        var used = 0;
        for (var i = 0; i < n; i++)
        {
            if (map[labels[i]] < 0) { map[labels[i]] = used++; }
            labels[i] = map[labels[i]];
        }

        return (labels, used);
    }

    /// <summary>Greedy capacitated assignment: (point, cohort) pairs best first, each cohort capped at MaxSize; then cohorts
    /// below MinSize take, at the least loss, points from cohorts that can spare them.</summary>
    private void CapacitatedAssign(float[] sims, int n, int k, int[] labels)
    {
        var pairs = new long[n * k];
        var keys = new float[n * k];
        for (var i = 0; i < n * k; i++) { pairs[i] = i; keys[i] = -sims[i]; }
        Array.Sort(keys, pairs);
        var size = new int[k];
        Array.Fill(labels, -1);
        var assigned = 0;
        foreach (var pair in pairs)
        {
            int i = (int)(pair / k), c = (int)(pair % k);
            if (labels[i] >= 0 || size[c] >= Options.MaxSize) { continue; }
            labels[i] = c;
            size[c]++;
            if (++assigned == n) { break; }
        }

        for (var c = 0; c < k; c++)
        {
            while (size[c] < Options.MinSize)
            {
                var best = -1;
                var bestLoss = float.PositiveInfinity;
                for (var i = 0; i < n; i++)
                {
                    var from = labels[i];
                    if (from == c || size[from] <= Options.MinSize) { continue; }
                    var loss = sims[i * k + from] - sims[i * k + c];
                    if (loss < bestLoss) { bestLoss = loss; best = i; }
                }

                if (best < 0)
                {
                    throw new InvalidOperationException($"No learner can move to cohort {c}: the part's size does not allow {k} cohorts of at least {Options.MinSize}.");
                }

                size[labels[best]]--;
                labels[best] = c;
                size[c]++;
            }
        }
    }

    /// <summary>Moves and swaps learners between cohorts while the sum of each learner's similarity to its cohort's centroid rises.</summary>
    private void LocalSearch(float[] x, int d, int[] rows, int[] labels, int k)
    {
        var n = rows.Length;
        var centroids = new float[k * d];
        var size = new int[k];
        var sims = new float[n * k];
        for (var pass = 0; pass < 3; pass++)
        {
            Array.Clear(centroids);
            Array.Clear(size);
            for (var i = 0; i < n; i++)
            {
                TensorPrimitives.Add(centroids.AsSpan(labels[i] * d, d), x.AsSpan(rows[i] * d, d), centroids.AsSpan(labels[i] * d, d));
                size[labels[i]]++;
            }

            for (var c = 0; c < k; c++)
            {
                var cen = centroids.AsSpan(c * d, d);
                VectorMath.NormalizeInPlace(cen);
            }

            Similarities(x, d, rows, centroids, k, sims);
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
                if (size[b] < Options.MaxSize && size[a] > Options.MinSize)
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

    /// <summary>Meets the mix and cap constraints inside one part by swaps between cohorts, choosing each time the swap that
    /// fixes a violation and loses the least similarity to the cohorts' centroids.</summary>
    private void RepairConstraints(float[] x, int d, int[] rows, int[] labels, int k, int[]? mix, int[]? cap)
    {
        var n = rows.Length;
        var centroids = new float[k * d];
        for (var i = 0; i < n; i++) { TensorPrimitives.Add(centroids.AsSpan(labels[i] * d, d), x.AsSpan(rows[i] * d, d), centroids.AsSpan(labels[i] * d, d)); }
        var sims = new float[n * k];
        Similarities(x, d, rows, centroids, k, sims);
        var members = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < n; i++) { members[labels[i]].Add(i); }
        if (cap is not null)
        {
            // Each cohort can seat at most MaxPerValue learners of one value.
            var crowded = rows.GroupBy(r => cap[r]).FirstOrDefault(g => g.Count() > k * Options.MaxPerValue);
            if (crowded is not null)
            {
                throw new CohortFormationInfeasibleException(nameof(Options.MaxPerValue),
                    $"{crowded.Count()} of {n} learners share one value of the capped attribute, but {k} cohorts with at most {Options.MaxPerValue} each seat only {k * Options.MaxPerValue} (MaxPerValue).");
            }
        }

        if (mix is not null && rows.Select(r => mix[r]).Distinct().Count() < Math.Min(Options.MinDistinct, Options.MinSize))
        {
            throw new CohortFormationInfeasibleException(nameof(Options.MinDistinct),
                $"These {n} learners have fewer than {Options.MinDistinct} distinct values of the mixed attribute, so no cohort can mix them (MinDistinct).");
        }

        bool CapOk(int cohort) => CapOkWith(cohort, -1, -1);
        bool MixOk(int cohort) => MixOkWith(cohort, -1, -1);
        IEnumerable<int> With(int cohort, int remove, int add) => add < 0 ? members[cohort] : members[cohort].Where(m => m != remove).Append(add);
        bool CapOkWith(int cohort, int remove, int add) => cap is null || With(cohort, remove, add).GroupBy(m => cap[rows[m]]).All(g => g.Count() <= Options.MaxPerValue);
        bool MixOkWith(int cohort, int remove, int add) => mix is null || With(cohort, remove, add).Select(m => mix[rows[m]]).Distinct().Count() >= Math.Min(Options.MinDistinct, members[cohort].Count);
        for (var guard = 0; guard < 10 * n; guard++)
        {
            var bad = Enumerable.Range(0, k).FirstOrDefault(c => !CapOk(c) || !MixOk(c), -1);
            if (bad < 0) { return; }
            var capBroken = !CapOk(bad);
            // Members of the bad cohort that could leave: those carrying the over-cap value, or (for mix) the most common value.
            var leaving = capBroken
                ? members[bad].GroupBy(m => cap![rows[m]]).Where(g => g.Count() > Options.MaxPerValue).SelectMany(g => g).ToList()
                : members[bad].GroupBy(m => mix![rows[m]]).OrderByDescending(g => g.Count()).First().ToList();
            var best = (Loss: float.PositiveInfinity, I: -1, J: -1);
            foreach (var i in leaving)
            {
                for (var b = 0; b < k; b++)
                {
                    if (b == bad) { continue; }
                    foreach (var j in members[b])
                    {
                        if (capBroken && cap![rows[j]] == cap[rows[i]]) { continue; }
                        if (!capBroken && members[bad].Any(m => mix![rows[m]] == mix[rows[j]])) { continue; }
                        var loss = sims[i * k + bad] + sims[j * k + b] - sims[i * k + b] - sims[j * k + bad];
                        if (loss >= best.Loss) { continue; }
                        // The swap must not break the other cohort.
                        if (CapOkWith(b, j, i) && MixOkWith(b, j, i)) { best = (loss, i, j); }
                    }
                }
            }

            if (best.I < 0)
            {
                var which = capBroken ? nameof(Options.MaxPerValue) : nameof(Options.MinDistinct);
                throw new CohortFormationInfeasibleException(which, capBroken
                    ? $"A cohort holds more than {Options.MaxPerValue} learners sharing one value of the capped attribute and no swap can fix it: there are too many such learners for the cohorts available."
                    : $"A cohort cannot hold {Options.MinDistinct} distinct values of the mixed attribute: no swap can bring a missing value in without breaking another cohort.");
            }

            var (_, si, sj) = best;
            var (la, lb) = (labels[si], labels[sj]);
            members[la].Remove(si); members[lb].Remove(sj);
            members[la].Add(sj); members[lb].Add(si);
            labels[si] = lb;
            labels[sj] = la;
        }

        throw new CohortFormationInfeasibleException(nameof(Options.MaxPerValue), "The constraints could not be met within the repair budget.");
    }

    private static void Similarities(float[] x, int d, int[] rows, float[] centroids, int k, float[] sims)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            SimilarityKernels.DotRows(x.AsSpan(rows[i] * d, d), centroids.AsSpan(0, k * d), d, sims.AsSpan(i * k, k));
        }
    }

    /// <summary>k-means++ seeding (on at most 20,000 sampled rows).</summary>
    private static float[] InitCentroids(float[] x, int d, int[] rows, int k, ref Xoshiro256 rng)
    {
        var sample = rows;
        if (rows.Length > 20_000)
        {
            sample = new int[20_000];
            for (var i = 0; i < sample.Length; i++) { sample[i] = rows[(int)((rng.NextUInt64() >> 11) % (ulong)rows.Length)]; }
        }

        var centroids = new float[k * d];
        var best = new float[sample.Length];
        Array.Fill(best, float.NegativeInfinity);
        var first = sample[rng.NextInt(sample.Length)];
        x.AsSpan(first * d, d).CopyTo(centroids);
        var weights = new double[sample.Length];
        for (var c = 1; c < k; c++)
        {
            var prev = centroids.AsSpan((c - 1) * d, d);
            double total = 0;
            for (var i = 0; i < sample.Length; i++)
            {
                best[i] = Math.Max(best[i], TensorPrimitives.Dot(x.AsSpan(sample[i] * d, d), prev));
                var dist = Math.Max(0, 2 - 2 * best[i]); // squared distance between unit vectors
                weights[i] = dist;
                total += dist;
            }

            var pick = sample[0];
            var u = rng.NextDouble() * total;
            for (var i = 0; i < sample.Length; i++)
            {
                u -= weights[i];
                if (u <= 0) { pick = sample[i]; break; }
            }

            x.AsSpan(pick * d, d).CopyTo(centroids.AsSpan(c * d, d));
        }

        return centroids;
    }

}
