using CohortKit.Features;

namespace CohortKit.Core.Tests.Features;

public class FeatureMatrixTests
{
    public static TheoryData<int> Dimensions()
    {
        var data = new TheoryData<int>();
        for (var d = 1; d <= 256; d++) { data.Add(d); }
        data.Add(1031);
        return data;
    }

    private static FeatureMatrix Random(int rows, int dims, int seed)
    {
        var rng = new Random(seed);
        var m = new FeatureMatrix(rows, dims);
        var span = m.AsSpan();
        for (var i = 0; i < span.Length; i++) { span[i] = (float)(rng.NextDouble() * 4 - 1); }
        return m;
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void NormalizeRows_EveryDimension_GivesUnitNormsLikeScalar(int dims)
    {
        var m = Random(3, dims, dims);
        var expected = new float[3 * dims];
        for (var r = 0; r < 3; r++)
        {
            double norm = 0;
            for (var j = 0; j < dims; j++) { norm += (double)m[r, j] * m[r, j]; }
            norm = Math.Sqrt(norm);
            for (var j = 0; j < dims; j++) { expected[r * dims + j] = (float)(m[r, j] / norm); }
        }

        m.NormalizeRows();
        for (var i = 0; i < expected.Length; i++)
        {
            m.AsSpan()[i].Should().BeApproximately(expected[i], 2e-6f);
        }
    }

    [Fact]
    public void NormalizeRows_ZeroRow_StaysZeroWithoutNaN()
    {
        var m = new FeatureMatrix(2, 4);
        m[1, 2] = 3;
        m.NormalizeRows();
        m.Row(0).ToArray().Should().OnlyContain(v => v == 0);
        m[1, 2].Should().Be(1);
    }

    [Fact]
    public void NormalizeRows_NaN_ThrowsNamingRowAndColumn()
    {
        var m = new FeatureMatrix(3, 3, ["a", "b", "c"]);
        m[2, 1] = float.NaN;
        m.Invoking(x => x.NormalizeRows()).Should().Throw<InvalidOperationException>().WithMessage("*Row 2, column 'b'*");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(257)]
    public void ColumnStatistics_MatchTwoPassReference(int dims)
    {
        var m = Random(501, dims, 3);
        var means = new double[dims];
        var sds = new double[dims];
        m.ColumnMeans(means);
        m.ColumnStandardDeviations(sds);
        for (var j = 0; j < dims; j++)
        {
            var col = Enumerable.Range(0, m.Rows).Select(r => (double)m[r, j]).ToArray();
            var mean = col.Average();
            var sd = Math.Sqrt(col.Sum(v => (v - mean) * (v - mean)) / (col.Length - 1));
            means[j].Should().BeApproximately(mean, 1e-12);
            sds[j].Should().BeApproximately(sd, 1e-12);
        }
    }

    [Fact]
    public void Standardize_GivesZeroMeanUnitSd_AndConstantColumnsBecomeZero()
    {
        var m = Random(200, 5, 9);
        for (var r = 0; r < m.Rows; r++) { m[r, 3] = 7; }
        m.Standardize();
        var means = new double[5];
        var sds = new double[5];
        m.ColumnMeans(means);
        m.ColumnStandardDeviations(sds);
        for (var j = 0; j < 5; j++)
        {
            means[j].Should().BeApproximately(0, 1e-6);
            sds[j].Should().BeApproximately(j == 3 ? 0 : 1, 1e-5);
        }
    }

    [Fact]
    public void Constructor_BadShapes_Throw()
    {
        ((Func<FeatureMatrix>)(() => new FeatureMatrix(-1, 3))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("rows");
        ((Func<FeatureMatrix>)(() => new FeatureMatrix(2, 0))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("dimensions");
        ((Func<FeatureMatrix>)(() => new FeatureMatrix(new float[5], 2, 3))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("data");
        ((Func<FeatureMatrix>)(() => new FeatureMatrix(2, 3, ["a"]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("featureNames");
        new FeatureMatrix(2, 3).Invoking(m => m.Row(2)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
