using System.Diagnostics;
using System.Globalization;

namespace CohortKit.Cli.Tests.Deployment;

/// <summary>SIGTERM (as Ctrl-C) stops a running drill cleanly: the CLI runs as its own process (the test's output folder holds
/// cohortkit.dll and the sample host), is signalled once its two sample hosts are up, and must stop them and exit 130 with one line.</summary>
[Collection(nameof(DeployDrillsRunAlone))]
public sealed class DrillCancellationTests
{
    [Fact]
    public async Task DeployDrill_Sigterm_StopsTheHostsAndExits130()
    {
        var (cli, stderr) = Start("deploy", "drill", "--requests", "1000000", "--json");
        try
        {
            var hosts = await WaitForChildrenAsync(cli.Id, "CohortKit.Samples.PlatformHost", 2);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Signal(cli.Id);

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await cli.WaitForExitAsync(exit.Token);
            cli.ExitCode.Should().Be(130, stderr.ToString());
            stderr.ToString().Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("cancelled");
            hosts.Should().OnlyContain(pid => !Alive(pid), "the sample hosts are stopped with the drill");
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }

            cli.Dispose();
        }
    }

    [Fact]
    public async Task MigrateDrill_SigtermWhileFilling_Exits130AndReleasesTheLock()
    {
        var dir = Directory.CreateTempSubdirectory("cohortkit-cli-cancel-").FullName;
        var (cli, stderr) = Start("migrate", "drill", "--connection", $"Data Source={Path.Combine(dir, "drill.db")}", "--rows", "3000000", "--json");
        try
        {
            // Signalled while it fills the table: once SQLite's write-ahead log holds a megabyte of rows.
            var wal = new FileInfo(Path.Combine(dir, "drill.db-wal"));
            var clock = Stopwatch.StartNew();
            while (!(wal.Exists && wal.Length > 1_000_000))
            {
                cli.HasExited.Should().BeFalse();
                clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
                await Task.Delay(50);
                wal.Refresh();
            }

            Signal(cli.Id);

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await cli.WaitForExitAsync(exit.Token);
            cli.ExitCode.Should().Be(130, stderr.ToString());
            stderr.ToString().Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("cancelled");
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir, "drill.db")}");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM cohortkit_migration_lock";
            Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture).Should().Be(0, "the lease row is deleted when the drill stops");
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }

            cli.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (Process Process, System.Text.StringBuilder Stderr) Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cohortkit.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return (process, stderr);
    }

    private static void Signal(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until <paramref name="count"/> children of <paramref name="parent"/> run <paramref name="marker"/> (from /proc).</summary>
    private static async Task<List<int>> WaitForChildrenAsync(int parent, string marker, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var children = new List<int>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                    if (ppid == parent && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                    {
                        children.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // gone meanwhile
                }
            }

            if (children.Count >= count)
            {
                return children;
            }

            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(90), "the drill starts its two sample hosts");
            await Task.Delay(100);
        }
    }

    /// <summary>Whether the process exists and is not a zombie.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
