using System.Globalization;
using System.Text.Json;

namespace CohortKit.Cli.Tests.Personalization;

/// <summary><c>cohortkit personalize evaluate</c>: the contract's JSON against a hand computation, and one line for bad input.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ck-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_TargetFile_HasTheContractFields_AndIpsSnipsEqualTheHandComputation()
    {
        var log = Write("log.csv", "event_id,action,propensity,reward,x_a,x_b\n" +
            "e1,video,0.5,1,0.1,1\ne2,quiz,0.25,0,0.4,0\ne3,video,0.5,0,0.9,1\ne4,text,0.25,1,0.3,0\ne5,quiz,0.25,1,0.2,1\ne6,video,0.5,1,0.7,0\n");
        // Target: video 0.6, quiz 0.3, text 0.1 for every event.
        var target = Write("target.csv", "event_id,action,probability\n" + string.Concat(Enumerable.Range(1, 6).Select(i => $"e{i},video,0.6\ne{i},quiz,0.3\ne{i},text,0.1\n")));
        var (code, stdout, stderr) = CliRunner.Run("personalize", "evaluate", "--log", log, "--target", target, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("rows", "effectiveSampleSize", "logged", "ips", "snips", "dr");
        foreach (var name in new[] { "logged", "ips", "snips", "dr" })
        {
            root.GetProperty(name).EnumerateObject().Select(p => p.Name).Should().Equal("value", "ciLow", "ciHigh");
        }

        // w = π/p: video 1.2, quiz 1.2, text 0.4; r·w = 1.2, 0, 0, 0.4, 1.2, 1.2.
        double[] w = [1.2, 1.2, 1.2, 0.4, 1.2, 1.2];
        double[] rw = [1.2, 0, 0, 0.4, 1.2, 1.2];
        root.GetProperty("rows").GetInt32().Should().Be(6);
        root.GetProperty("ips").GetProperty("value").GetDouble().Should().BeApproximately(rw.Sum() / 6, 1e-12);
        root.GetProperty("snips").GetProperty("value").GetDouble().Should().BeApproximately(rw.Sum() / w.Sum(), 1e-12);
        root.GetProperty("logged").GetProperty("value").GetDouble().Should().BeApproximately(4.0 / 6, 1e-12);
        root.GetProperty("effectiveSampleSize").GetDouble().Should().BeApproximately(w.Sum() * w.Sum() / w.Sum(x => x * x), 1e-9);
        var mean = rw.Average();
        var se = Math.Sqrt(rw.Sum(t => (t - mean) * (t - mean)) / 5 / 6);
        root.GetProperty("ips").GetProperty("ciLow").GetDouble().Should().BeApproximately(mean - (1.959963984540054 * se), 1e-12);
    }

    [Theory]
    [InlineData("linucb")]
    [InlineData("thompson")]
    [InlineData("epsilon")]
    public void Json_BuiltInPolicy_Runs(string policy)
    {
        var lines = new List<string> { "event_id,action,propensity,reward,x_a" };
        for (var i = 0; i < 60; i++) { lines.Add(string.Create(CultureInfo.InvariantCulture, $"e{i},{(i % 3 == 0 ? "a" : "b")},0.5,{i % 2},{i / 60.0}")); }
        var log = Write("log.csv", string.Join('\n', lines) + "\n");
        var (code, stdout, stderr) = CliRunner.Run("personalize", "evaluate", "--log", log, "--policy", policy, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var dr = doc.RootElement.GetProperty("dr");
        dr.GetProperty("ciLow").GetDouble().Should().BeLessThanOrEqualTo(dr.GetProperty("value").GetDouble());
    }

    [Fact]
    public void BadInput_PropensityOutsideZeroOne_ExitsTwoNamingTheField()
    {
        var log = Write("log.csv", "event_id,action,propensity,reward\ne1,a,0.5,1\ne2,b,0,1\n");
        var (code, stdout, stderr) = CliRunner.Run("personalize", "evaluate", "--log", log, "--policy", "linucb", "--json");
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("propensity of event 'e2' is 0");
    }

    [Fact]
    public void BadInput_TargetNotSummingToOne_ExitsTwoNamingTheEvent()
    {
        var log = Write("log.csv", "event_id,action,propensity,reward\ne1,a,0.5,1\ne2,b,0.5,1\n");
        var target = Write("target.csv", "event_id,action,probability\ne1,a,1\ne2,a,0.5\ne2,b,0.6\n");
        var (code, _, stderr) = CliRunner.Run("personalize", "evaluate", "--log", log, "--target", target);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("probability of event 'e2' sums to 1.1");
    }

    [Theory]
    [InlineData("--alpha", "1.5", "--alpha")]
    [InlineData("--policy", "greedy", "--policy")]
    [InlineData("--target", "both", "--target/--policy")]
    public void BadInput_ExitsTwoWithOneLineNamingTheOption(string option, string value, string named)
    {
        var log = Write("log.csv", "event_id,action,propensity,reward\ne1,a,0.5,1\ne2,b,0.5,1\n");
        var args = new List<string> { "personalize", "evaluate", "--log", log, "--json" };
        if (option == "--target") { args.AddRange(["--target", log, "--policy", "linucb"]); }
        else if (option == "--policy") { args.AddRange(["--policy", value]); }
        else { args.AddRange(["--policy", "linucb", option, value]); }
        var (code, _, stderr) = CliRunner.Run([.. args]);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(named);
    }

    [Fact]
    public void BadInput_NonFiniteFeature_ExitsTwoNamingTheColumn()
    {
        var log = Write("log.csv", "event_id,action,propensity,reward,x_a\ne1,a,0.5,1,inf\ne2,b,0.5,1,1\n");
        var (code, _, stderr) = CliRunner.Run("personalize", "evaluate", "--log", log, "--policy", "linucb");
        code.Should().Be(2);
        stderr.Should().Contain("x_a");
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
