using CohortKit.Cli.Output;

namespace CohortKit.Cli.Segmentation;

/// <summary>What <c>segments --out DIR</c> writes: <c>segment-profiles.json</c> (the --json document), <c>segments.md</c> and a
/// forest plot per metric with effects.</summary>
internal static class SegmentsOutput
{
    public const string ProfilesFile = "segment-profiles.json";

    public const string MarkdownFile = "segments.md";

    public static void Write(DirectoryInfo dir, SegmentsReport report)
    {
        if (File.Exists(dir.FullName))
        {
            throw new ArgumentException($"--out: '{dir.FullName}' is a file; give a folder.");
        }

        dir.Create();
        using (var writer = new StreamWriter(Path.Combine(dir.FullName, ProfilesFile)))
        {
            new CliConsole(writer, TextWriter.Null, interactive: false).WriteJson(report);
        }

        var plots = ForestPlot.Write(dir, report);
        File.WriteAllText(Path.Combine(dir.FullName, MarkdownFile), SegmentsMarkdown.Render(report, plots));
    }
}
