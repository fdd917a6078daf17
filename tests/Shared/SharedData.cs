using System.Text.Json;

namespace CohortKit.Testing;

/// <summary>Finds the shared reference outputs and data sets that live beside the repository (never inside it).
/// <c>COHORTKIT_REFERENCE</c> and <c>COHORTKIT_DATA</c> override the locations. Missing data fails the test (it never skips).</summary>
internal static class SharedData
{
    public static string ReferenceDirectory => Locate("COHORTKIT_REFERENCE", "reference");

    public static string DatasetsDirectory => Locate("COHORTKIT_DATA", "datasets");

    public static JsonElement Reference(string relativePath)
    {
        var path = Path.Combine(ReferenceDirectory, relativePath);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static IEnumerable<JsonElement> Cases(string relativePath) => Reference(relativePath).GetProperty("cases").EnumerateArray();

    public static double[] Doubles(this JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static string Locate(string variable, string folder)
    {
        var overridden = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden) ? overridden : throw new DirectoryNotFoundException($"{variable}={overridden} does not exist.");
        }

        // Beside the repository (../shared), above the test binaries, or the workplace's fixed location.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", folder);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        var fixedLocation = Path.Combine("/work/shared", folder);
        if (Directory.Exists(fixedLocation))
        {
            return fixedLocation;
        }

        throw new DirectoryNotFoundException(
            $"The shared '{folder}' folder was not found above {AppContext.BaseDirectory} nor at /work/shared; set {variable}. Tests that need it fail rather than skip.");
    }
}
