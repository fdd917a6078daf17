using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 8 §2: cosine search ranks by cosine even when the rows are not normalised, and refuses a zero query.</summary>
public class ExactSearchCosineKernelTests
{
    [Fact]
    public void UnnormalisedRows_RankByCosine_NotByDot()
    {
        var rng = new Random(4);
        var m = new FeatureMatrix(5_003, 24);
        for (var r = 0; r < m.Rows; r++)
        {
            var scale = Math.Exp(rng.NextDouble() * 6 - 3); // norms from 0.05 to 20
            for (var j = 0; j < 24; j++) { m[r, j] = (float)((rng.NextDouble() * 2 - 1) * scale); }
        }

        for (var trial = 0; trial < 20; trial++)
        {
            var q = Enumerable.Range(0, 24).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var truth = Enumerable.Range(0, m.Rows).Select(r =>
            {
                double dot = 0, nr = 0, nq = 0;
                for (var j = 0; j < 24; j++) { dot += (double)m[r, j] * q[j]; nr += (double)m[r, j] * m[r, j]; nq += (double)q[j] * q[j]; }
                return (Row: r, Cosine: dot / Math.Sqrt(nr * nq));
            }).OrderByDescending(x => x.Cosine).Take(10).Select(x => x.Row);
            ExactSearch.TopK(m, q, 10, SimilarityMetric.Cosine).Select(h => h.Row).Should().Equal(truth);
            new ExactSearchIndex(m).TopK(q, 10).Select(h => h.Row).Should().Equal(truth);
        }
    }

    [Fact]
    public void ZeroQuery_UnderCosine_Throws()
    {
        var m = new FeatureMatrix(10, 4);
        for (var r = 0; r < 10; r++) { m[r, r % 4] = 1; }
        ((Action)(() => ExactSearch.TopK(m, new float[4], 3))).Should().Throw<ArgumentException>().WithMessage("*all zeros*").And.ParamName.Should().Be("query");
        ((Action)(() => new ExactSearchIndex(m).TopK(new float[4], 3))).Should().Throw<ArgumentException>().WithMessage("*all zeros*");
    }
}
