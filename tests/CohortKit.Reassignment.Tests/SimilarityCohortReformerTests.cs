using CohortKit.Features;
using CohortKit.Similarity.Cohorts;

namespace CohortKit.Reassignment.Tests;

/// <summary>The adapter's member similarity against pairwise cosines written out.</summary>
public class SimilarityCohortReformerTests
{
    [Fact]
    public void MemberSimilarity_EqualsTheMeanPairwiseCosine_WrittenOut()
    {
        var rng = new Random(4);
        const int rows = 37, d = 5;
        var data = Enumerable.Range(0, rows * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int[] cohortOf = Enumerable.Range(0, rows).Select(i => i == 36 ? 9 : i % 4).ToArray();   // cohort 9 has one member
        var features = new FeatureMatrix(data, rows, d);
        var actual = new double[rows];
        new SimilarityCohortReformer(new CohortFormer(new CohortFormationOptions())).MemberSimilarity(features, cohortOf, actual);
        for (var i = 0; i < rows; i++)
        {
            var others = Enumerable.Range(0, rows).Where(j => j != i && cohortOf[j] == cohortOf[i]).ToArray();
            var expected = others.Length == 0 ? 0 : others.Average(j => Cosine(data.AsSpan(i * d, d), data.AsSpan(j * d, d)));
            actual[i].Should().BeApproximately(expected, 1e-5, $"row {i}");
        }

        data[0].Should().Be(features[0, 0], "the caller's features are not normalised in place");
    }

    [Fact]
    public void MemberSimilarity_BadLengths_Throw()
    {
        var reformer = new SimilarityCohortReformer(new CohortFormer(new CohortFormationOptions()));
        var features = new FeatureMatrix(new float[6], 3, 2);
        reformer.Invoking(r => r.MemberSimilarity(features, new int[2], new double[3])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("cohortOf");
        reformer.Invoking(r => r.MemberSimilarity(features, new[] { 0, -1, 0 }, new double[3])).Should().Throw<ArgumentException>().WithMessage("A cohort id is -1*");
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var j = 0; j < a.Length; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j]; }
        return dot / Math.Sqrt(na * nb);
    }
}
