using CohortKit.Experiments.Clustering;

namespace CohortKit.Experiments.Tests.Clustering;

/// <summary>Bad input to the cluster-robust comparison: each case throws naming the argument.</summary>
public class ClusterRobustArgumentTests
{
    private static readonly double[] Metric = [1, 2, 3, 4];
    private static readonly bool[] Arms = [false, false, true, true];
    private static readonly long[] Clusters = [1, 2, 3, 4];

    [Fact]
    public void Compute_BadArgument_ThrowsNamingIt()
    {
        ((Action)(() => ClusterRobust.Compute(Metric, Arms, Clusters, alpha: 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("alpha");
        ((Action)(() => ClusterRobust.Compute([1, 2, double.NaN, 4], Arms, Clusters))).Should().Throw<ArgumentException>().WithParameterName("metric");
        ((Action)(() => ClusterRobust.Compute(Metric, Arms, [1, 2, 3]))).Should().Throw<ArgumentException>().WithParameterName("cluster");
        ((Action)(() => ClusterRobust.Compute(Metric, [true, true, true, true], Clusters))).Should().Throw<ArgumentException>()
            .WithParameterName("isTreatment").WithMessage("*control arm*");
        ((Action)(() => ClusterRobust.Compute(Metric, [false, false, false, false], Clusters))).Should().Throw<ArgumentException>()
            .WithParameterName("isTreatment").WithMessage("*treatment arm*");
        ((Action)(() => ClusterRobust.Compute(Metric, Arms, [7, 7, 7, 7]))).Should().Throw<ArgumentException>()
            .WithParameterName("cluster").WithMessage("*two clusters*");
    }

    [Fact]
    public void Compute_TwoClusters_IsTheSmallestAllowed()
    {
        // G = 2 gives t with 1 degree of freedom (the boundary of the "at least two clusters" check).
        var r = ClusterRobust.Compute(Metric, Arms, [1, 1, 2, 2]);
        r.DegreesOfFreedom.Should().Be(1);
    }
}
