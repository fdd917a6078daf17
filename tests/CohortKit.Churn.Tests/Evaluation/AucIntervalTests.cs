using CohortKit.Churn.Evaluation;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Evaluation;

/// <summary>The clustered DeLong interval against a brute-force NumPy recomputation (tests/reference/churn/auc_interval.json).</summary>
public sealed class AucIntervalTests
{
    public static TheoryData<string> Cases() => [.. SharedData.Cases("churn/auc_interval.json").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_ReferenceCase_MatchesTheBruteForceRecomputation(string name)
    {
        var c = SharedData.Cases("churn/auc_interval.json").Single(e => e.GetProperty("name").GetString() == name);
        var labels = c.GetProperty("labels").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        var clusters = c.GetProperty("clusters").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var e = AucInterval.Compute(c.Doubles("scores"), labels, clusters, c.GetProperty("level").GetDouble());
        e.Auc.Should().BeApproximately(c.GetProperty("auc").GetDouble(), 1e-12);
        e.StandardError.Should().BeApproximately(c.GetProperty("se").GetDouble(), 1e-12);
        e.Interval.Low.Should().BeApproximately(c.GetProperty("low").GetDouble(), 1e-12);
        e.Interval.High.Should().BeApproximately(c.GetProperty("high").GetDouble(), 1e-12);
        e.Clusters.Should().Be(c.GetProperty("clusterCount").GetInt32());
    }

    [Fact]
    public void Compute_OneClassOnly_ThrowsNamingLabels()
    {
        var act = () => AucInterval.Compute([0.1, 0.2], [false, false], []);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
    }

    [Fact]
    public void Compute_ClusterIdsOfAnotherLength_ThrowsNamingClusters()
    {
        var act = () => AucInterval.Compute([0.1, 0.2], [false, true], [1]);
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("clusters");
    }
}
