using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Churn.Models;

/// <summary>A weighted sum of member models' raw scores, Σ wₘ·sₘ(x), the weights fitted by stacking
/// (<see cref="StackingWeights"/>: a logistic regression of the outcome on the members' held-out scores), so that a weaker
/// member counts less and no member dominates by the mere scale of its raw score (<see cref="ChurnModelType.Blend"/>).</summary>
internal sealed class BlendScorer : RawScorer
{
    public BlendScorer(RawScorer[] members, double[] weights)
    {
        if (members.Length < 2 || weights.Length != members.Length || !weights.All(double.IsFinite))
        {
            throw new ArgumentException("A blend needs two or more members and one finite weight each.", nameof(weights));
        }

        Members = members;
        Weights = weights;
    }

    public RawScorer[] Members { get; }

    public double[] Weights { get; }

    /// <summary>The maximum-likelihood logistic regression of <paramref name="labels"/> on the members' held-out scores (one
    /// column each, plus an intercept), by Newton's method with step halving on standardised columns; returns the slopes on
    /// the raw scores (the intercept is left to the calibration that follows).</summary>
    /// <param name="columns">One array of held-out scores per member, all of the labels' length.</param>
    /// <param name="labels">The held-out rows' outcomes (both classes present).</param>
    /// <returns>One weight per member.</returns>
    public static double[] StackingWeights(double[][] columns, ReadOnlySpan<bool> labels)
    {
        var m = columns.Length;
        var n = labels.Length;
        var mean = new double[m];
        var sd = new double[m];
        var x = new double[m][];
        for (var j = 0; j < m; j++)
        {
            mean[j] = columns[j].Average();
            var mj = mean[j];
            var v = Math.Sqrt(columns[j].Sum(c => (c - mj) * (c - mj)) / n);
            sd[j] = v > 0 ? v : 1;
            x[j] = [.. columns[j].Select(c => (c - mj) / sd[j])];
        }

        var beta = new double[m + 1]; // slopes, then the intercept
        var y = new double[n];
        for (var i = 0; i < n; i++) { y[i] = labels[i] ? 1 : 0; }
        double Loss(double[] b)
        {
            var loss = 0.0;
            for (var i = 0; i < n; i++)
            {
                var t = b[m];
                for (var j = 0; j < m; j++) { t += b[j] * x[j][i]; }
                var u = y[i] > 0 ? -t : t; // −log-likelihood of the row, stably
                loss += u > 0 ? u + double.LogP1(Math.Exp(-u)) : double.LogP1(Math.Exp(u));
            }

            return loss;
        }

        var current = Loss(beta);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var gradient = Vector<double>.Build.Dense(m + 1);
            var hessian = Matrix<double>.Build.Dense(m + 1, m + 1);
            var row = new double[m + 1];
            row[m] = 1;
            for (var i = 0; i < n; i++)
            {
                var t = beta[m];
                for (var j = 0; j < m; j++) { row[j] = x[j][i]; t += beta[j] * row[j]; }
                var p = 1 / (1 + Math.Exp(-t));
                var w = Math.Max(p * (1 - p), 1e-12);
                for (var a = 0; a <= m; a++)
                {
                    gradient[a] += (p - y[i]) * row[a];
                    for (var b = 0; b <= a; b++) { hessian[a, b] += w * row[a] * row[b]; }
                }
            }

            for (var a = 0; a <= m; a++)
            {
                hessian[a, a] += 1e-9 * n; // keeps the system solvable when two members' scores are collinear
                for (var b = 0; b < a; b++) { hessian[b, a] = hessian[a, b]; }
            }

            var direction = hessian.Cholesky().Solve(gradient);
            var step = 1.0;
            double[] next;
            double nextLoss;
            while (true)
            {
                next = [.. beta.Select((b, a) => b - (step * direction[a]))];
                nextLoss = Loss(next);
                if (nextLoss <= current || step < 1e-8) { break; }
                step /= 2;
            }

            var improvement = current - nextLoss;
            if (improvement < 0) { break; }
            beta = next;
            current = nextLoss;
            if (direction.L1Norm() * step < 1e-10 || improvement < 1e-14 * n) { break; }
        }

        return [.. Enumerable.Range(0, m).Select(j => beta[j] / sd[j])];
    }

    public override double Score(ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        for (var m = 0; m < Members.Length; m++) { sum += Weights[m] * Members[m].Score(row); }
        return sum;
    }

    /// <summary>Each member scores the block with its own fast path; the weighted scores are summed in member order, so the
    /// result equals <see cref="Score"/> row by row bit for bit.</summary>
    public override void ScoreRows(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        var scratch = new double[destination.Length];
        destination.Clear();
        for (var m = 0; m < Members.Length; m++)
        {
            Members[m].ScoreRows(data, dimensions, scratch);
            var w = Weights[m];
            for (var r = 0; r < destination.Length; r++) { destination[r] += w * scratch[r]; }
        }
    }
}
