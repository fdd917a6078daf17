using CohortKit.Personalization.Tuning;

namespace CohortKit.Personalization.Tests.Tuning;

/// <summary>The test functions at their published minimisers (Surjanovic and Bingham's library of test functions).</summary>
public sealed class TestObjectivesTests
{
    [Theory]
    [InlineData(-Math.PI, 12.275)]
    [InlineData(Math.PI, 2.275)]
    [InlineData(9.42478, 2.475)]
    public void Branin_AtEachMinimiser_Is0397887(double x1, double x2)
    {
        var p = ParameterSet.Of(TestObjectives.BraninSpace, new Dictionary<string, object> { ["x1"] = x1, ["x2"] = x2 });
        TestObjectives.Branin(p).Should().BeApproximately(0.397887, 1e-6);
    }

    [Fact]
    public void Hartmann6_AtTheMinimiser_IsMinus332237()
    {
        double[] x = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
        var p = ParameterSet.Of(TestObjectives.Hartmann6Space, Enumerable.Range(0, 6).ToDictionary(i => $"x{i + 1}", i => (object)x[i]));
        TestObjectives.Hartmann6(p).Should().BeApproximately(-3.32237, 1e-5);
    }
}
