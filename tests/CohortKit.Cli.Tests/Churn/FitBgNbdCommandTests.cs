using System.Globalization;
using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Churn;

/// <summary><c>cohortkit churn fit-bgnbd</c>: the JSON contract on CDNOW and one line for bad input.</summary>
public sealed class FitBgNbdCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-bgnbd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DataFact("cdnow")]
    public void Json_Cdnow_FollowsTheContractAndThePublishedFit()
    {
        var input = Path.Combine(SharedData.RequireDataset("cdnow"), "cdnow_customers_summary.csv");
        var outFile = Path.Combine(_dir, "out.csv");
        var (code, stdout, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", input, "--out", outFile, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("n", "r", "alpha", "a", "b", "logLikelihood", "converged");
        root.GetProperty("n").GetInt32().Should().Be(2357);
        Math.Round(root.GetProperty("r").GetDouble(), 3).Should().Be(0.243); // Fader, Hardie & Lee (2005)
        Math.Round(root.GetProperty("alpha").GetDouble(), 3).Should().Be(4.414);
        Math.Round(root.GetProperty("a").GetDouble(), 3).Should().Be(0.793);
        Math.Round(root.GetProperty("b").GetDouble(), 3).Should().Be(2.426);
        Math.Round(root.GetProperty("logLikelihood").GetDouble(), 1).Should().Be(-9582.4);
        root.GetProperty("converged").GetBoolean().Should().BeTrue();
        var lines = File.ReadAllLines(outFile);
        lines[0].Should().Be("id,pAlive,expected_next_39");
        lines.Should().HaveCount(2358);
        var first = lines[1].Split(',');
        first[0].Should().Be("1"); // x = 2, t_x = 30.43, T = 38.86: E[Y(39)] = 1.226 (lifetimes docs, Hardie's sheet)
        double.Parse(first[2], CultureInfo.InvariantCulture).Should().BeApproximately(1.226, 5e-4);
    }

    /// <summary>An exported file whose last line has no line end (as the data set's own
    /// <c>cdnow_customers_summary_with_transactions.csv</c>) is read whole: the same published fit on all 2,357 customers.</summary>
    [DataFact("cdnow")]
    public void Json_CdnowWithoutAFinalLineEnd_ReadsEveryCustomer()
    {
        var text = File.ReadAllText(Path.Combine(SharedData.RequireDataset("cdnow"), "cdnow_customers_summary.csv")).TrimEnd('\r', '\n');
        var input = Path.Combine(_dir, "unterminated.csv");
        File.WriteAllText(input, text);
        var (code, stdout, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", input, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("n").GetInt32().Should().Be(2357);
        Math.Round(doc.RootElement.GetProperty("r").GetDouble(), 3).Should().Be(0.243); // Fader, Hardie & Lee (2005)
    }

    [Fact]
    public void BadInput_RecencyAboveAge_ExitsTwoNamingTheColumn()
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllLines(path, ["ID,frequency,recency,T", "1,2,5,3"]);
        var (code, _, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", path);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("column 'recency'").And.Contain("row 1");
    }

    [Fact]
    public void BadInput_HeaderOnly_ExitsTwo()
    {
        var path = Path.Combine(_dir, "empty.csv");
        File.WriteAllLines(path, ["ID,frequency,recency,T"]);
        var (code, _, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", path);
        code.Should().Be(2);
        stderr.Should().Contain("no customers");
    }

    [Fact]
    public void NoInteriorMaximum_ExitsOneWithConvergedFalseAReasonAndNoOutFile()
    {
        // The review's small.csv (the supremum only as a, b → ∞) and allrecT.csv (every recency = T: no dropout seen).
        foreach (var rows in new[] { new[] { "1,2,10,10", "2,0,0,20", "3,5,15,30", "4,1,3,12" }, ["1,2,10,10", "2,3,20,20", "3,5,30,30"] })
        {
            var path = Path.Combine(_dir, "boundary.csv");
            var outFile = Path.Combine(_dir, "boundary.out.csv");
            File.WriteAllLines(path, ["ID,frequency,recency,T", .. rows]);
            var (code, stdout, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", path, "--out", outFile, "--json");
            code.Should().Be(1, stderr);
            stdout.Should().NotContain("NaN");
            using var doc = JsonDocument.Parse(stdout);
            doc.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("n", "r", "alpha", "a", "b", "logLikelihood", "converged");
            doc.RootElement.GetProperty("converged").GetBoolean().Should().BeFalse();
            doc.RootElement.GetProperty("logLikelihood").ValueKind.Should().Be(JsonValueKind.Number);
            stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("did not converge");
            File.Exists(outFile).Should().BeFalse();
        }
    }

    [Fact]
    public void SingleCustomer_ExitsTwoWithOneLineNamingTheFailure()
    {
        var path = Path.Combine(_dir, "one.csv");
        File.WriteAllLines(path, ["ID,frequency,recency,T", "1,2,5,10"]);
        var (code, _, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", path, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("BG/NBD fit of 1 customers failed").And.NotContain("InnerOptimizationException");
    }

    [Fact]
    public void BadInput_DuplicateId_ExitsTwoNamingTheIdAndRows()
    {
        var path = Path.Combine(_dir, "dup.csv");
        File.WriteAllLines(path, ["ID,frequency,recency,T", "1,2,10,20", "2,0,0,20", "1,5,15,30", "3,1,3,12"]);
        var (code, _, stderr) = CliRunner.Run("churn", "fit-bgnbd", "--input", path, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("id '1'").And.Contain("rows 1 and 3");
    }
}
