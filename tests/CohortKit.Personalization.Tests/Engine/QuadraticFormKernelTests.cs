using CohortKit.Personalization.Engine;

namespace CohortKit.Personalization.Tests.Engine;

/// <summary>The width kernel xᵀMx (LinearArm.QuadraticForm) against the double sum Σᵢ Σⱼ xᵢ·Mᵢⱼ·xⱼ written out here, for every
/// dimension 0..70 (vector widths and tails), random matrices and vectors of mixed sign.</summary>
public sealed class QuadraticFormKernelTests
{
    [Fact]
    public void QuadraticForm_EveryDimensionTo70_EqualsTheDoubleSum()
    {
        var random = new Random(12);
        for (var d = 0; d <= 70; d++)
        {
            var matrix = new double[d * d];
            var x = new double[d];
            for (var i = 0; i < matrix.Length; i++) { matrix[i] = random.NextDouble() - 0.5; }
            for (var i = 0; i < d; i++) { x[i] = (random.NextDouble() * 4) - 2; }
            var expected = 0.0;
            var magnitude = 0.0;
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    expected += x[i] * matrix[(i * d) + j] * x[j];
                    magnitude += Math.Abs(x[i] * matrix[(i * d) + j] * x[j]);
                }
            }

            LinearArm.QuadraticForm(matrix, x).Should().BeApproximately(expected, 1e-14 * Math.Max(1, magnitude), $"d = {d}");
        }
    }

    [Fact]
    public void QuadraticForm_MatrixOfTheWrongSize_IsRefusedNamingTheMatrix()
    {
        FluentActions.Invoking(() => LinearArm.QuadraticForm(new double[8], new double[3]))
            .Should().Throw<ArgumentException>().WithMessage("The matrix has 8 elements; a 3 × 3 matrix has 9.*").Which.ParamName.Should().Be("matrix");
    }

    [Fact]
    public void Width_PriorArm_IsTheNormOverTheSquareRootOfLambda()
    {
        // A = λI, so φᵀA⁻¹φ = |φ|²/λ.
        double[] phi = [1, 0.5, -2, 3, 0.25, -1];
        var arm = LinearArm.Prior(phi.Length, 2);
        arm.Width(phi).Should().BeApproximately(Math.Sqrt((1 + 0.25 + 4 + 9 + 0.0625 + 1) / 2), 1e-15);
    }
}
