using System.Text.Json;

namespace CohortKit.Testing;

/// <summary>Finds the reference outputs (copied into the repository under <c>tests/reference</c>, with their provenance in
/// <c>tests/reference/PROVENANCE.md</c>) and the real data sets, which live outside the repository: <c>COHORTKIT_DATA</c>,
/// or a <c>shared/datasets</c> folder beside the clone. Reference files always travel with the repository, so a test that
/// reads one fails (never skips) when it is missing.</summary>
internal static class SharedData
{
    /// <summary>Where to get the data sets, printed by every skipped data test.</summary>
    public const string DatasetsHelp =
        "set COHORTKIT_DATA to a folder holding the data sets (see docs/testing.md: each has a SOURCE.md with its download address), or place them in ../shared/datasets beside the clone";

    public static string ReferenceDirectory => LocateAbove(Path.Combine("tests", "reference"))
        ?? throw new DirectoryNotFoundException($"tests/reference was not found above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");

    /// <summary>The data-set folder, or null when it is absent.</summary>
    public static string? DatasetsDirectory
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable("COHORTKIT_DATA");
            if (!string.IsNullOrEmpty(overridden))
            {
                return Directory.Exists(overridden) ? overridden : throw new DirectoryNotFoundException($"COHORTKIT_DATA={overridden} does not exist.");
            }

            return LocateAbove(Path.Combine("shared", "datasets"));
        }
    }

    /// <summary>True when CI demands the data sets (<c>COHORTKIT_REQUIRE_DATA=1</c>): a missing data set then fails the test instead of skipping it.</summary>
    public static bool DataRequired => Environment.GetEnvironmentVariable("COHORTKIT_REQUIRE_DATA") == "1";

    /// <summary>The full path of one data set's folder, or null when it is absent.</summary>
    public static string? Dataset(string name)
    {
        var root = DatasetsDirectory;
        if (root is null)
        {
            return null;
        }

        var path = Path.Combine(root, name);
        return Directory.Exists(path) ? path : null;
    }

    /// <summary>The data set's folder; throws with the reason when it is absent (used when the test was not skipped because
    /// <see cref="DataRequired"/> is set).</summary>
    public static string RequireDataset(string name) =>
        Dataset(name) ?? throw new DirectoryNotFoundException($"Data set '{name}' not found: {DatasetsHelp}.");

    public static JsonElement Reference(string relativePath)
    {
        var path = Path.Combine(ReferenceDirectory, relativePath);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static IEnumerable<JsonElement> Cases(string relativePath) => Reference(relativePath).GetProperty("cases").EnumerateArray();

    public static double[] Doubles(this JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static string? LocateAbove(string relative)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>A fact that needs a real data set: skipped with a reason saying where to get it when the data set is absent,
/// unless <c>COHORTKIT_REQUIRE_DATA=1</c>, when it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class DataFactAttribute : FactAttribute
{
    public DataFactAttribute(string dataset)
    {
        if (SharedData.Dataset(dataset) is null && !SharedData.DataRequired)
        {
            Skip = $"Data set '{dataset}' not found: {SharedData.DatasetsHelp}.";
        }
    }
}
