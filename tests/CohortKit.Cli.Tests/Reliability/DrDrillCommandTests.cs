using System.Text.Json;

namespace CohortKit.Cli.Tests.Reliability;

/// <summary><c>cohortkit dr drill</c> on SQLite: the contract's JSON, nothing lost or duplicated.</summary>
public sealed class DrDrillCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-dr-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Json_Sqlite_RestoresEveryCommittedRecordOnce()
    {
        var (code, stdout, stderr) = CliRunner.Run("dr", "drill", "--data-dir", _dir, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("committed", "restored", "lost", "duplicated", "rpoSeconds", "rtoSeconds");
        root.GetProperty("committed").GetInt64().Should().Be(3000, "1,000 transactions of one row in each of three tables");
        root.GetProperty("restored").GetInt64().Should().Be(3000);
        (root.GetProperty("lost").GetInt64(), root.GetProperty("duplicated").GetInt64(), root.GetProperty("rpoSeconds").GetDouble()).Should().Be((0, 0, 0.0));
        root.GetProperty("rtoSeconds").GetDouble().Should().BePositive();
    }

    [Fact]
    public void BadStore_ExitsTwoNamingTheOption()
    {
        var (code, _, stderr) = CliRunner.Run("dr", "drill", "--data-dir", _dir, "--store", "oracle", "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--store");
    }

    [Fact]
    public void DataDirThatCannotBeCreated_ExitsTwoNamingTheOption()
    {
        // A directory below a regular file cannot be created; the message named only the library's file path before.
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        var (code, _, stderr) = CliRunner.Run("dr", "drill", "--data-dir", Path.Combine(file, "sub"), "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--data-dir");
    }

    [Theory]
    [InlineData("/proc/self")]
    [InlineData("/sys/kernel")]
    public void DataDirThatExistsButIsNotWritable_ExitsTwoNamingTheOption(string directory)
    {
        // Linux pseudo-filesystems refuse new files even to root; the drill failed inside SQLite with exit 1 ("lost or
        // duplicated" to the restore runbook) instead of refusing the option.
        Directory.Exists(directory).Should().BeTrue("the test needs a Linux pseudo-filesystem directory");
        var (code, _, stderr) = CliRunner.Run("dr", "drill", "--data-dir", directory, "--json");
        code.Should().Be(2, stderr);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--data-dir").And.Contain("cannot write");
    }
}
