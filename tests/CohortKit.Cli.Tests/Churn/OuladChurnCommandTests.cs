using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Churn;

/// <summary><c>cohortkit churn oulad</c>: issue 11's JSON fields, exactly named, with values that hold together.</summary>
public sealed class OuladChurnCommandTests
{
    [DataFact("oulad_studentvle_parquet")]
    public void EventualDay90_Json_HasTheContractFields_AndConsistentValues()
    {
        var (code, stdout, stderr) = CliRunner.Run("churn", "oulad", "--path", SharedData.RequireDataset("oulad"), "--task", "eventual", "--as-of", "90", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        string[] contract = ["task", "asOf", "trainRows", "testRows", "positiveRate", "auc", "prAuc", "accuracy", "majorityAccuracy",
            "balancedAccuracy", "brier", "topDecilePrecision", "topDecileRecall"];
        root.EnumerateObject().Select(p => p.Name).Should().Contain(contract);
        root.GetProperty("task").GetString().Should().Be("eventual");
        root.GetProperty("asOf").GetInt32().Should().Be(90);
        var rows = root.GetProperty("testRows").GetInt32();
        var rate = root.GetProperty("positiveRate").GetDouble();
        (rate * rows).Should().BeApproximately(Math.Round(rate * rows), 1e-6, "the positive rate is a count over the test rows");
        // Accuracy of always saying "stays" is 1 − positive rate; the issue quotes 0.79–0.87 for these tasks.
        root.GetProperty("majorityAccuracy").GetDouble().Should().BeApproximately(1 - rate, 1e-12).And.BeInRange(0.785, 0.875); // rounded to two digits in the issue
        root.GetProperty("auc").GetDouble().Should().BeGreaterThan(0.702, "the peer's AUC at day 90 is 0.702");
        var interval = root.GetProperty("aucInterval");
        root.GetProperty("auc").GetDouble().Should().BeInRange(interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble());
        root.GetProperty("peerAuc").GetDouble().Should().Be(0.702);
    }

    /// <summary>The text output names the pooled training days and the ensemble (it said "trained on 24,361 rows (2013)" as if
    /// they were one row per registration). Row counts from pandas on the OULAD CSVs: 2013 registrations registered on or before
    /// the day (or with no date) and not unregistered by it, on days 3 and 10 (3 − 7 &lt; 0 is skipped): 12,220 + 12,141; 2014 on day
    /// 3: 16,988, of which 4,459 Withdrawn (0.2625).</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void EventualPooledEnsemble_Text_NamesTheTrainingDaysAndTheEnsemble()
    {
        var (code, stdout, stderr) = CliRunner.Run("churn", "oulad", "--path", SharedData.RequireDataset("oulad"), "--task", "eventual", "--as-of", "3", "--pool-days", "7", "--ensemble");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("trained by a calibration ensemble on 24,361 rows (2013, as of days 3, 10), tested on 16,988 rows (2014), positive rate 0.2625.");
    }

    [Theory]
    [InlineData("eventual", "61", "--pool-days 61: must be from 0 to 60.")]
    [InlineData("eventual", "-1", "--pool-days -1: must be from 0 to 60.")]
    [InlineData("early-warning", "7", "--pool-days applies to --task eventual only")]
    public void PoolDays_BadValueOrTask_ExitsTwoNamingIt(string task, string days, string message)
    {
        var (code, _, stderr) = CliRunner.Run("churn", "oulad", "--path", Path.GetTempPath(), "--task", task, "--pool-days", days);
        code.Should().Be(2);
        stderr.Should().Contain(message);
    }
}
