using System.Globalization;
using System.Text.Json;

namespace CohortKit.Cli.Tests.Segmentation;

public sealed class DiscoverCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-disc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>90 learners in three tight groups around (0,0), (10,0) and (0,10); learners of the first group are on plan pro,
    /// the others on free.</summary>
    private (string Features, string Attributes) Files()
    {
        var features = new List<string> { "learner_id,f1,f2" };
        var attributes = new List<string> { "learner_id,plan,minutes" };
        for (var i = 0; i < 90; i++)
        {
            var g = i % 3;
            var jitter = (i * 7 % 10) / 20.0;
            features.Add(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{(g == 1 ? 10 : 0) + jitter},{(g == 2 ? 10 : 0) - jitter}"));
            attributes.Add(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{(g == 0 ? "pro" : "free")},{i * 1.5}"));
        }

        var f = Path.Combine(_dir, "features.csv");
        var a = Path.Combine(_dir, "attributes.csv");
        File.WriteAllLines(f, features);
        File.WriteAllLines(a, attributes);
        return (f, a);
    }

    [Fact]
    public void Discover_Json_FindsTheThreeGroupsAndProfilesThem()
    {
        var (features, attributes) = Files();
        var (code, stdout, stderr) = Run("segments", "discover", "--features", features, "--attributes", attributes, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("learners").GetInt32().Should().Be(90);
        root.GetProperty("k").GetInt32().Should().Be(3);
        root.GetProperty("selection").GetString().Should().Be("silhouette");
        root.GetProperty("features").EnumerateArray().Select(f => f.GetString()).Should().Equal("f1", "f2");
        var clusters = root.GetProperty("clusters").EnumerateArray().ToList();
        clusters.Select(c => c.GetProperty("size").GetInt32()).Should().Equal(30, 30, 30);
        // The pro group: 30 of 30 on pro against 30 of 90 overall, a lift of 3; minutes (90 values) is profiled too only
        // because it has at most 100 values, and no single value is significant in a cluster of 30.
        var pro = clusters.Single(c => c.GetProperty("profile").EnumerateArray().Any(p => p.GetProperty("value").GetString() == "pro"));
        var lift = pro.GetProperty("profile").EnumerateArray().First(p => p.GetProperty("value").GetString() == "pro");
        lift.GetProperty("lift").GetDouble().Should().BeApproximately(3, 1e-12);
        lift.GetProperty("clusterShare").GetDouble().Should().Be(1);
        pro.GetProperty("centroid").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public void Discover_FixedK_HumanOutput()
    {
        var (features, _) = Files();
        var (code, stdout, stderr) = Run("segments", "discover", "--features", features, "--k", "2");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("k = 2 (fixed)").And.Contain("cluster 1:");
    }

    [Fact]
    public void Discover_HeaderOnlyFeatures_ExitsTwoNamingTheOption()
    {
        // Exit 1 with "InvalidOperationException: The matrix has 0 rows" before (found by the independent review).
        var path = Path.Combine(_dir, "empty.csv");
        File.WriteAllText(path, "learner_id,f0,f1\n");
        var (code, _, stderr) = CliRunner.Run("segments", "discover", "--features", path);
        code.Should().Be(2);
        stderr.Trim().Should().Be("cohortkit: --features: 'empty.csv' has a header but no learners.");
    }

    [Theory]
    [InlineData("--k", "1", "--k: '1' is neither auto nor a whole number of at least 2.")]
    [InlineData("--k", "many", "--k: 'many' is neither auto")]
    public void Discover_BadK_ExitsTwoNamingIt(string option, string value, string message)
    {
        var (features, _) = Files();
        var (code, _, stderr) = Run("segments", "discover", "--features", features, option, value);
        code.Should().Be(2);
        stderr.Trim().Should().Contain(message);
    }

    [Fact]
    public void Discover_LearnerMissingFromAttributes_OrFeaturesFolder_ExitsTwo()
    {
        var (features, attributes) = Files();
        File.WriteAllLines(attributes, File.ReadAllLines(attributes).Take(50));
        var missing = Run("segments", "discover", "--features", features, "--attributes", attributes);
        missing.Code.Should().Be(2);
        missing.Err.Should().Contain("--attributes: learner 50 of the features file is not in attributes.csv");
        var folder = Run("segments", "discover", "--features", _dir);
        folder.Code.Should().Be(2);
        folder.Err.Should().Contain("--features:");
    }
}
