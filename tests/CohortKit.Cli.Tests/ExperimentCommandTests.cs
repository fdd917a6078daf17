using System.Text.Json;

namespace CohortKit.Cli.Tests;

public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-exp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string Simulated(string experiment = "ab")
    {
        var dir = Path.Combine(_dir, experiment);
        Run("simulate", "--learners", "4000", "--days", "20", "--seed", "5", "--experiment", experiment, "--effect", "0.1", "--out", dir, "--json").Code.Should().Be(0);
        return Path.Combine(dir, "learner_metrics.csv");
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Ab_Json_FollowsTheContract()
    {
        var file = Simulated();
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "minutes,active_last_week",
            "--segment", "plan", "--correction", "holm", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("srm").GetProperty("observed").GetArrayLength().Should().Be(2);
        var metrics = root.GetProperty("metrics");
        metrics.GetArrayLength().Should().Be(2);
        metrics[0].GetProperty("test").GetString().Should().Be("welch");
        metrics[1].GetProperty("test").GetString().Should().Be("proportion", "auto picks the z-test for a 0/1 metric");
        metrics[0].GetProperty("adjustedPValue").GetDouble().Should().BeGreaterThanOrEqualTo(metrics[0].GetProperty("pValue").GetDouble());
        root.GetProperty("segments").GetArrayLength().Should().Be(6);
    }

    [Fact]
    public void Ab_WithClustersCovariateAndMarkdown_Works()
    {
        var file = Write("cluster.csv", "arm,cohort,y,pre,converted\n" + string.Join("\n", Enumerable.Range(0, 400).Select(i =>
            $"{(i / 20 % 2 == 0 ? "A" : "B")},c{i / 20},{(i * 7 % 13) + (i / 20 % 2)},{i * 7 % 13},{(i % 3 == 0 ? "true" : "FALSE")}")));
        var md = Path.Combine(_dir, "readout.md");
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--cluster", "cohort", "--markdown", md, "--json");
        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("metrics")[0].GetProperty("test").GetString().Should().Be("cluster");
        File.ReadAllText(md).Should().Contain("| metric |");
        var cuped = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--covariate", "pre", "--json");
        cuped.Code.Should().Be(0, cuped.Err);
        JsonDocument.Parse(cuped.Out).RootElement.GetProperty("metrics")[0].GetProperty("varianceReduction").GetDouble().Should().BeGreaterThan(0.5);
        var booleans = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "converted", "--json");
        booleans.Code.Should().Be(0, booleans.Err);
        JsonDocument.Parse(booleans.Out).RootElement.GetProperty("metrics")[0].GetProperty("test").GetString().Should().Be("proportion");
    }

    [Fact]
    public void Aa_Json_FollowsTheContract()
    {
        var file = Simulated("aa");
        var (code, stdout, stderr) = Run("experiment", "aa", "--input", file, "--metric", "minutes,sessions", "--segment", "region", "--iterations", "300", "--seed", "2", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var m = doc.RootElement.GetProperty("metrics")[0];
        foreach (var field in new[] { "metric", "iterations", "falsePositiveRate", "falsePositiveRateCiLow", "falsePositiveRateCiHigh", "ksPValue", "minimumDetectableRelativeEffect" })
        {
            m.TryGetProperty(field, out _).Should().BeTrue(field);
        }

        m.GetProperty("iterations").GetInt32().Should().Be(300);
        doc.RootElement.GetProperty("segments").GetArrayLength().Should().Be(6);
    }

    [Fact]
    public void Drift_Json_ReportsEachMetric()
    {
        var before = Write("before.csv", "m,seg\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => $"{100 + i % 10},{(i % 2 == 0 ? "x" : "y")}")));
        var after = Write("after.csv", "m,seg\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => $"{103 + i % 10},{(i % 2 == 0 ? "x" : "y")}")));
        var (code, stdout, stderr) = Run("experiment", "drift", "--before", before, "--after", after, "--metric", "m", "--segment", "seg", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var m = doc.RootElement.GetProperty("metrics")[0];
        m.GetProperty("flagged").GetBoolean().Should().BeTrue();
        m.GetProperty("relativeChange").GetDouble().Should().BeApproximately(3 / 104.5, 1e-9);
        doc.RootElement.GetProperty("segments").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public void Power_MatchesStatsmodels_ForProportionsAndMeans()
    {
        // statsmodels NormalIndPower: baseline 0.2 -> 0.22 needs 6507.33 per arm (../shared/reference/experiments/power.json).
        var (code, stdout, _) = Run("experiment", "power", "--baseline-rate", "0.2", "--effect", "0.1", "--json");
        code.Should().Be(0);
        JsonDocument.Parse(stdout).RootElement.GetProperty("requiredControlN").GetDouble().Should().Be(6508);
        // TTestIndPower d = 0.2 needs 393.41 per arm: mean 10, sd 5, +2% relative is d = 0.04 ... use d = 0.2 via effect 0.1.
        var means = Run("experiment", "power", "--baseline-mean", "10", "--baseline-sd", "5", "--effect", "0.1", "--n", "400", "--json");
        using var doc = JsonDocument.Parse(means.Out);
        doc.RootElement.GetProperty("requiredControlN").GetDouble().Should().Be(394);
        doc.RootElement.GetProperty("detectable").GetBoolean().Should().BeTrue();
        doc.RootElement.GetProperty("minimumDetectableRelativeEffect").GetDouble().Should().BeLessThan(0.1);
    }

    [Theory]
    [InlineData("not present", "experiment", "ab", "--group", "arm", "--control", "nobody", "--metric", "minutes")]
    [InlineData("'nosuch' is missing", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "nosuch")]
    [InlineData("--alpha", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--alpha", "abc")]
    [InlineData("--correction", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--correction", "sidak")]
    [InlineData("Alpha must be in (0, 1)", "experiment", "aa", "--metric", "minutes", "--alpha", "1.5")]
    [InlineData("Split", "experiment", "aa", "--metric", "minutes", "--split", "1")]
    public void BadInput_ExitsWith2AndSaysWhy(string expected, params string[] args)
    {
        var file = Simulated();
        var (code, stdout, stderr) = Run([.. args, "--input", file, "--json"]);
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(expected);
    }

    [Fact]
    public void Ab_CovariateWithMissingValues_ExitsWith2NamingColumnAndLine()
    {
        var file = Write("missing.csv", "arm,y,pre\nA,1,2\nB,2,\nA,3,4\nB,4,5\n");
        var (code, _, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--covariate", "pre", "--json");
        code.Should().Be(2);
        stderr.Should().Contain("missing.csv line 3, column 'pre'").And.Contain("missing");
    }

    [Theory]
    // tests/reference/experiments/power_rates_extreme.json (statsmodels NormalIndPower, Cohen's h); NaN = no change in that direction reaches the power.
    [InlineData("0.99", "100", double.NaN, 0.07635738901427347)]
    [InlineData("0.999", "50", double.NaN, 0.09310186312361357)]
    [InlineData("0.001", "1000", 0.007861142716568553, double.NaN)]
    [InlineData("0.5", "1000", 0.06248140402633151, 0.062481404026331344)]
    public void Power_RateNearZeroOrOne_ReportsIncreaseAndDecreaseSeparately(string rate, string n, double increase, double decrease)
    {
        var (code, stdout, stderr) = Run("experiment", "power", "--baseline-rate", rate, "--n", n, "--json");
        code.Should().Be(0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        foreach (var (field, expected) in new[] { ("minimumDetectableIncrease", increase), ("minimumDetectableDecrease", decrease) })
        {
            if (double.IsNaN(expected))
            {
                root.TryGetProperty(field, out _).Should().BeFalse($"{field} is null (omitted) when no change in that direction reaches the power");
            }
            else
            {
                // statsmodels' h carries its brentq tolerance (~2e-6), which moves the rate by at most half of it.
                root.GetProperty(field).GetDouble().Should().BeApproximately(expected, 1e-5, field);
            }
        }
    }

    [Fact]
    public void Power_BadInput_ExitsWith2()
    {
        Run("experiment", "power", "--baseline-rate", "0.2", "--json").Code.Should().Be(2);
        Run("experiment", "power", "--baseline-rate", "1.2", "--effect", "0.1", "--json").Err.Should().Contain("--baseline-rate must be in (0, 1)");
        Run("experiment", "power", "--baseline-mean", "3", "--effect", "0.1", "--json").Err.Should().Contain("--baseline-sd");
        Run("experiment", "power", "--baseline-rate", "0.2", "--effect", "0.1", "--power", "1", "--json").Code.Should().Be(2);
    }
}
