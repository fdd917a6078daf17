namespace CohortKit.Churn.Interventions.Uplift;

/// <summary>One point of a Qini curve: after targeting the first <see cref="Targeted"/> learners by score, the extra
/// retained learners <see cref="Gain"/> = R_t(k) − R_c(k) · N_t(k) / N_c(k).</summary>
/// <param name="Targeted">k, the number of learners targeted (best scores first).</param>
/// <param name="Gain">Q(k), in learners retained.</param>
public readonly record struct QiniPoint(int Targeted, double Gain);

/// <summary>A Qini curve and its coefficients.</summary>
public sealed record QiniResult
{
    /// <summary>Gets the curve at every k from the first at which both arms have a learner up to n (CausalML keeps the same points).</summary>
    public required IReadOnlyList<QiniPoint> Points { get; init; }

    /// <summary>Gets Q(n): the extra retained learners when everyone is targeted (the same for every ranking).</summary>
    public required double TotalGain { get; init; }

    /// <summary>Gets the Qini coefficient: the mean over the curve's points of Q(k) − k/n · Q(n), the area between the curve and
    /// the straight line a random ranking follows in expectation, per point (in learners).</summary>
    public required double Coefficient { get; init; }

    /// <summary>Gets <see cref="Coefficient"/> / Q(n) (CausalML's <c>qini_score</c> with <c>normalize=True</c>, the random
    /// baseline taken as its expectation), or <see langword="null"/> when Q(n) = 0.</summary>
    public double? NormalizedCoefficient { get; init; }
}

/// <summary>The Qini curve (Radcliffe 2007) of an uplift score on randomised data, with churn as the outcome: the gain counts
/// learners retained (not churned), so a score that ranks reducible churn first rises fast.</summary>
/// <remarks>Learners are sorted by descending score, ties by ascending index (stable). For each k, with N_t, N_c the treated and
/// control learners among the first k and R_t, R_c those of them retained, Q(k) = R_t − R_c · N_t / N_c. Points where an arm is
/// still empty are left out, as CausalML's <c>get_qini</c> does. CausalML draws its random baseline as the mean of ten random
/// rankings; here it is the expectation of a random ranking, the line k/n · Q(n), so that the result is deterministic.</remarks>
public static class QiniCurve
{
    /// <summary>Computes the curve.</summary>
    /// <param name="scores">The ranking score (uplift, or risk to compare), higher first; finite.</param>
    /// <param name="treated">Whether each learner was treated.</param>
    /// <param name="churned">Whether each learner churned.</param>
    /// <returns>The curve and coefficients.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or an arm is empty.</exception>
    public static QiniResult Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> treated, ReadOnlySpan<bool> churned)
    {
        var n = scores.Length;
        if (treated.Length != n) { throw new ArgumentException($"treated has {treated.Length} values for {n} scores.", nameof(treated)); }
        if (churned.Length != n) { throw new ArgumentException($"churned has {churned.Length} values for {n} scores.", nameof(churned)); }
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException($"scores[{i}] is {scores[i]}; scores must be finite.", nameof(scores));
            }
        }

        var order = new int[n];
        for (var i = 0; i < n; i++) { order[i] = i; }
        var keys = scores.ToArray();
        Array.Sort(order, (a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));

        var points = new List<QiniPoint>(n);
        long nt = 0, nc = 0, rt = 0, rc = 0;
        for (var k = 0; k < n; k++)
        {
            var i = order[k];
            if (treated[i]) { nt++; rt += churned[i] ? 0 : 1; }
            else { nc++; rc += churned[i] ? 0 : 1; }
            if (nt > 0 && nc > 0)
            {
                points.Add(new QiniPoint(k + 1, rt - (double)rc * nt / nc));
            }
        }

        if (nt == 0 || nc == 0)
        {
            throw new ArgumentException($"Both arms need learners; treated has {nt}, control {nc}.", nameof(treated));
        }

        var total = points[^1].Gain;
        var area = 0.0;
        foreach (var p in points)
        {
            area += p.Gain - (double)p.Targeted / n * total;
        }

        var coefficient = area / points.Count;
        return new QiniResult
        {
            Points = points.AsReadOnly(),
            TotalGain = total,
            Coefficient = coefficient,
            NormalizedCoefficient = total == 0 ? null : coefficient / total,
        };
    }
}
