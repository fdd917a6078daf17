using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Churn;

/// <summary><c>cohortkit churn train-table</c> and <c>churn train</c>: the JSON contract and one line for bad input.</summary>
public sealed class ChurnTrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-churn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DataFact("uci_student_dropout")]
    public void TrainTable_UciSemicolonBomQuotedHeader_FollowsTheContract()
    {
        var input = Path.Combine(SharedData.RequireDataset("uci_student_dropout"), "data.csv");
        var (code, stdout, stderr) = CliRunner.Run("churn", "train-table", "--input", input, "--label", "Target", "--positive", "Dropout", "--model", "Logistic", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("rows", "positives", "folds", "auc", "aucStd", "balancedAccuracy", "accuracy", "majorityAccuracy", "prAuc", "brier");
        root.GetProperty("rows").GetInt32().Should().Be(4424);       // SOURCE.md: 4,424 rows, Dropout 1,421
        root.GetProperty("positives").GetInt32().Should().Be(1421);
        root.GetProperty("majorityAccuracy").GetDouble().Should().BeApproximately(1 - 1421.0 / 4424, 1e-3); // the folds' mean; stratified folds differ by at most one row
        root.GetProperty("auc").GetDouble().Should().BeGreaterThan(0.9); // scikit-learn's LogisticRegression, same folds design: 0.92
    }

    [Fact]
    public void TrainTable_LabelWithOneClassAfterPositive_ExitsTwoNamingTheColumn()
    {
        var path = Path.Combine(_dir, "t.csv");
        File.WriteAllLines(path, ["\uFEFFa;\"b\t\";y", "1;2;x", "3;4;z"]);
        var (code, _, stderr) = CliRunner.Run("churn", "train-table", "--input", path, "--label", "y", "--positive", "w");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("label column 'y'").And.Contain("'w'");
    }

    [Fact]
    public void TrainTable_HeaderOnly_ExitsTwoSayingEmpty()
    {
        var path = Path.Combine(_dir, "h.csv");
        File.WriteAllLines(path, ["a,b,y"]);
        var (code, _, stderr) = CliRunner.Run("churn", "train-table", "--input", path, "--label", "y", "--positive", "1");
        code.Should().Be(2);
        stderr.Should().Contain("empty");
    }

    [Fact]
    public void Train_AsOfOutsideTheData_ExitsTwoNamingTheOption()
    {
        var data = Path.Combine(_dir, "sim");
        CliRunner.Run("simulate", "--learners", "300", "--days", "60", "--out", data, "--json").Code.Should().Be(0);
        var (code, _, stderr) = CliRunner.Run("churn", "train", "--learners", Path.Combine(data, "learners.csv"), "--events", Path.Combine(data, "events.csv"), "--as-of", "2027-01-01");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("cohortkit: --as-of 2027-01-01").And.Contain("outside the data");
    }
}
