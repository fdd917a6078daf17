using System.Text.Json;

namespace CohortKit.Cli.Tests.Similarity;

public sealed class SimilarityCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void FeaturesThenPeers_ReturnsKPeersBestFirst_WithoutTheLearnerItself()
    {
        Run("simulate", "--learners", "1500", "--days", "60", "--seed", "9", "--out", _dir, "--json").Code.Should().Be(0);
        var features = Path.Combine(_dir, "features.csv");
        var f = Run("features", "--learners", Path.Combine(_dir, "learners.csv"), "--events", Path.Combine(_dir, "events.csv"), "--out", features,
            "--start", "2026-01-05", "--days", "60", "--json");
        f.Code.Should().Be(0, f.Err);
        JsonDocument.Parse(f.Out).RootElement.GetProperty("learners").GetInt32().Should().Be(1500);
        JsonDocument.Parse(f.Out).RootElement.GetProperty("dimensions").GetInt32().Should().Be(24 + 7 + 9 + 9 + 5 + 3 + 3, "9 weeks in a 60-day window");
        var (code, stdout, stderr) = Run("peers", "--features", features, "--learner", "7", "--k", "10", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("learner").GetInt64().Should().Be(7);
        var peers = doc.RootElement.GetProperty("peers").EnumerateArray().ToList();
        peers.Should().HaveCount(10);
        peers.Select(p => p.GetProperty("learnerId").GetInt64()).Should().NotContain(7);
        var scores = peers.Select(p => p.GetProperty("score").GetDouble()).ToList();
        scores.Should().BeInDescendingOrder();
        var euclid = Run("peers", "--features", features, "--learner", "7", "--k", "3", "--metric", "euclidean", "--json");
        JsonDocument.Parse(euclid.Out).RootElement.GetProperty("peers").EnumerateArray().Select(p => p.GetProperty("score").GetDouble()).Should().BeInAscendingOrder();
    }

    [Fact]
    public void Cohorts_Json_FollowsTheContract_AndWritesAssignments()
    {
        Run("simulate", "--learners", "2000", "--days", "60", "--seed", "3", "--out", _dir, "--json").Code.Should().Be(0);
        var output = Path.Combine(_dir, "cohorts.csv");
        var (code, stdout, stderr) = Run("cohorts", "--learners", Path.Combine(_dir, "learners.csv"), "--events", Path.Combine(_dir, "events.csv"),
            "--min", "15", "--max", "30", "--seed", "1", "--out", output, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("learners").GetInt32().Should().Be(2000);
        root.GetProperty("minSize").GetInt32().Should().BeGreaterThanOrEqualTo(15);
        root.GetProperty("maxSize").GetInt32().Should().BeLessThanOrEqualTo(30);
        root.GetProperty("meanIntraSimilarity").GetDouble().Should().BeGreaterThan(root.GetProperty("randomBaselineSimilarity").GetDouble());
        root.GetProperty("kmeansSimilarity").GetDouble().Should().BePositive();
        root.GetProperty("formSeconds").GetDouble().Should().BePositive();
        root.GetProperty("totalSeconds").GetDouble().Should().BeGreaterThanOrEqualTo(root.GetProperty("formSeconds").GetDouble(), "the total includes loading");
        root.GetProperty("meanPairSimilarity").GetDouble().Should().BeGreaterThan(root.GetProperty("randomBaselineSimilarity").GetDouble());
        var lines = File.ReadAllLines(output);
        lines[0].Should().Be("learner_id,cohort_id");
        lines.Should().HaveCount(2001);
        lines.Skip(1).GroupBy(l => l.Split(',')[1]).Should().HaveCount(root.GetProperty("cohortCount").GetInt32());
    }

    [Fact]
    public void Cohorts_Infeasible_ExitsWith2SayingWhichBound()
    {
        var file = Path.Combine(_dir, "few.csv");
        File.WriteAllText(file, "learner_id,a\n" + string.Join("\n", Enumerable.Range(1, 10).Select(i => $"{i},{i * 0.1}")) + "\n");
        var (code, _, err) = Run("cohorts", "--features", file, "--json");
        code.Should().Be(2);
        err.Should().Contain("10 learners cannot fill one cohort of at least 15 (--min)");
    }

    [Fact]
    public void Peers_BadInput_ExitsWith2()
    {
        var file = Path.Combine(_dir, "f.csv");
        File.WriteAllText(file, "learner_id,a,b\n1,0.1,0.2\n2,0.3,x\n");
        Run("peers", "--features", file, "--learner", "1", "--json").Err.Should().Contain("f.csv line 3, column 'b'");
        File.WriteAllText(file, "learner_id,a,b\n1,0.1,0.2\n2,0.3,0.4\n");
        Run("peers", "--features", file, "--learner", "5", "--json").Err.Should().Contain("Learner 5 is not in the features file");
        var (code, _, err) = Run("peers", "--features", file, "--learner", "1", "--k", "0", "--json");
        code.Should().Be(2);
        err.Should().Contain("--k must be in [1, 1]");
    }

    [Fact]
    public void Cohorts_HeaderOnlyFile_ExitsWith2OnOneLine()
    {
        var file = Path.Combine(_dir, "empty.csv");
        File.WriteAllText(file, "learner_id,a,b\n");
        var (code, _, err) = Run("cohorts", "--features", file, "--json");
        code.Should().Be(2);
        err.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("0 learners cannot fill one cohort of at least 15 (--min)");
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("1e20")]
    public void Cohorts_And_Peers_ValuesBeyondTheFloatRange_ExitWith2NamingFileAndLine_AndLargeValuesWork(string value)
    {
        var file = Path.Combine(_dir, "big.csv");
        File.WriteAllText(file, "learner_id,a,b\n" + string.Join("\n", Enumerable.Range(1, 40).Select(i => i == 7 ? $"{i},{value},1" : $"{i},{i % 5 + 1},{i % 3 + 1}")) + "\n");
        var peers = Run("peers", "--features", file, "--learner", "7", "--k", "3", "--json");
        var cohorts = Run("cohorts", "--features", file, "--json");
        if (value == "1e39")
        {
            peers.Code.Should().Be(2);
            peers.Err.Should().Contain("big.csv line 8, column 'a'").And.Contain("float range");
            cohorts.Code.Should().Be(2);
        }
        else
        {
            peers.Code.Should().Be(0, peers.Err);
            peers.Out.Should().NotContain("Infinity").And.NotContain("NaN");
            // Learner 7 points along (1e20, 1): its cosine to any row with a > 0 is that row's a / norm, never 0.
            JsonDocument.Parse(peers.Out).RootElement.GetProperty("peers").EnumerateArray().Should().OnlyContain(p => p.GetProperty("score").GetDouble() > 0.5);
            cohorts.Code.Should().Be(0, cohorts.Err);
        }
    }

    [Fact]
    public void Peers_AllZeroLearner_ExitsWith2()
    {
        var file = Path.Combine(_dir, "zero.csv");
        File.WriteAllText(file, "learner_id,a,b\n1,0,0\n2,0.3,0.4\n3,0.5,0.1\n4,0.2,0.2\n");
        var (code, _, err) = Run("peers", "--features", file, "--learner", "1", "--k", "2", "--json");
        code.Should().Be(2);
        err.Should().Contain("--learner 1: every feature is 0");
    }

    [Fact]
    public void Cohorts_BadBoundsAndOut_NameTheFlags_BeforeAnyWork()
    {
        var file = Path.Combine(_dir, "f.csv");
        File.WriteAllText(file, "learner_id,a\n" + string.Join("\n", Enumerable.Range(1, 40).Select(i => $"{i},{i}")) + "\n");
        var bounds = Run("cohorts", "--features", file, "--min", "20", "--max", "10", "--json");
        bounds.Code.Should().Be(2);
        bounds.Err.Trim().Should().Be("cohortkit: --max (10) must be at least --min (20).");
        var missing = Path.Combine(_dir, "no-such-folder", "out.csv");
        var output = Run("cohorts", "--features", Path.Combine(_dir, "does-not-exist.csv"), "--out", missing, "--json");
        output.Code.Should().Be(2);
        output.Err.Should().Contain("--out").And.Contain("no-such-folder", "the output path is checked before the input is even read");
    }

    [Fact]
    public void Cohorts_Singletons_ReportNoSimilarity()
    {
        var file = Path.Combine(_dir, "s.csv");
        File.WriteAllText(file, "learner_id,a,b\n" + string.Join("\n", Enumerable.Range(1, 12).Select(i => $"{i},{i},{13 - i}")) + "\n");
        var (code, stdout, err) = Run("cohorts", "--features", file, "--min", "1", "--max", "1", "--json");
        code.Should().Be(0, err);
        var root = JsonDocument.Parse(stdout).RootElement;
        root.GetProperty("cohortCount").GetInt32().Should().Be(12);
        root.TryGetProperty("meanIntraSimilarity", out _).Should().BeFalse("a cohort of one has no pairs: not applicable, so omitted");
        root.TryGetProperty("meanPairSimilarity", out _).Should().BeFalse();
    }
}
