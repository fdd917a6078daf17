using System.Text.Json;

namespace CohortKit.Cli.Tests.Personalization;

/// <summary><c>cohortkit personalize simulate</c>: the contract's JSON, the chart, and one line for bad input.</summary>
public sealed class SimulatePolicyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ck-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_HasTheContractFields_AndLinUcbRegretBelowRandom()
    {
        var (code, stdout, stderr) = CliRunner.Run("personalize", "simulate", "--policy", "linucb", "--rounds", "20000", "--seed", "5", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("policy", "rounds", "cumulativeReward", "cumulativeRegret", "regretAt");
        root.GetProperty("policy").GetString().Should().Be("linucb");
        root.GetProperty("rounds").GetInt32().Should().Be(20000);
        root.GetProperty("regretAt").EnumerateObject().Select(p => p.Name).Should().Equal("1000", "10000");
        var (_, randomOut, _) = CliRunner.Run("personalize", "simulate", "--policy", "random", "--rounds", "20000", "--seed", "5", "--json");
        using var random = JsonDocument.Parse(randomOut);
        root.GetProperty("cumulativeRegret").GetDouble().Should().BeLessThan(0.5 * random.RootElement.GetProperty("cumulativeRegret").GetDouble());
    }

    [Fact]
    public void BadInput_LogOutIsAFolder_ExitsTwoNamingThePath()
    {
        var (code, _, stderr) = CliRunner.Run("personalize", "simulate", "--policy", "random", "--rounds", "100", "--log-out", _dir);
        code.Should().Be(2, stderr);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(_dir).And.NotContain("Exception");
    }

    [Fact]
    public void Chart_WritesAPng()
    {
        var png = Path.Combine(_dir, "regret.png");
        var (code, _, stderr) = CliRunner.Run("personalize", "simulate", "--policy", "thompson", "--rounds", "3000", "--chart", png, "--json");
        code.Should().Be(0, stderr);
        File.ReadAllBytes(png).Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
    }

    [Fact]
    public void LogOut_WritesALogThatEvaluateReads_AndTheLoggingPolicysOwnValueIsItsMeanReward()
    {
        var log = Path.Combine(_dir, "log.csv");
        var (code, stdout, stderr) = CliRunner.Run("personalize", "simulate", "--policy", "epsilon", "--rounds", "2000", "--features", "5", "--log-out", log, "--json");
        code.Should().Be(0, stderr);
        using var simulated = JsonDocument.Parse(stdout);
        File.ReadLines(log).First().Should().Be("event_id,timestamp,action,propensity,reward,x_skill0,x_skill1,x_skill2,x_skill3,x_skill4");
        File.ReadLines(log).Count().Should().Be(2001);
        var (evalCode, evalOut, evalErr) = CliRunner.Run("personalize", "evaluate", "--log", log, "--policy", "linucb", "--json");
        evalCode.Should().Be(0, evalErr);
        using var evaluated = JsonDocument.Parse(evalOut);
        evaluated.RootElement.GetProperty("logged").GetProperty("value").GetDouble()
            .Should().BeApproximately(simulated.RootElement.GetProperty("cumulativeReward").GetDouble() / 2000, 1e-9);
    }

    [Theory]
    [InlineData("--rounds", "0", "--rounds")]
    [InlineData("--actions", "1", "--actions")]
    [InlineData("--features", "0", "--features")]
    [InlineData("--policy", "greedy", "--policy")]
    public void BadInput_ExitsTwoWithOneLineNamingTheOption(string option, string value, string named)
    {
        var args = new List<string> { "personalize", "simulate", "--policy", "linucb", "--rounds", "100", "--json" };
        var at = args.IndexOf(option);
        if (at >= 0) { args[at + 1] = value; } else { args.AddRange([option, value]); }
        var (code, _, stderr) = CliRunner.Run([.. args]);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(named);
    }
}
