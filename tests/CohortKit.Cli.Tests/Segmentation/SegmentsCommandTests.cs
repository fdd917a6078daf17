using System.Text.Json;

namespace CohortKit.Cli.Tests.Segmentation;

public sealed class SegmentsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-seg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>120 learners: plan a/b (60 each), device x/y alternating, arm alternating, y with a planted +2 in plan b.</summary>
    private string Csv(Func<int, string>? y = null)
    {
        var rows = Enumerable.Range(0, 120).Select(i =>
            $"{(i < 60 ? "a" : "b")},{(i % 4 < 2 ? "x" : "y")},{(i % 2 == 0 ? "control" : "treatment")},{y?.Invoke(i) ?? ((i < 60 ? 10 : 12) + (i * 37 % 11) / 5.0).ToString(System.Globalization.CultureInfo.InvariantCulture)},{i % 3 == 0}");
        var path = Path.Combine(_dir, "learners.csv");
        File.WriteAllText(path, "plan,device,arm,y,converted\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    [Fact]
    public void Segments_Json_FollowsTheContract()
    {
        var (code, stdout, stderr) = Run("segments", "--input", Csv(), "--metric", "y,converted", "--by", "plan,device", "--cross", "plan:device",
            "--group", "arm", "--control", "control", "--min-size", "20", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("learners").GetInt32().Should().Be(120);
        root.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()).Should().Equal("y", "converted");
        var dims = root.GetProperty("dimensions").EnumerateArray().ToList();
        dims.Select(d => d.GetProperty("dimension").GetString()).Should().Equal("plan", "plan", "device", "device", "plan×device", "plan×device");
        var plan = dims[0];
        plan.GetProperty("metric").GetString().Should().Be("y");
        foreach (var f in new[] { "q", "df", "pValue", "i2", "tau2" }) { plan.GetProperty("heterogeneity").TryGetProperty(f, out _).Should().BeTrue(f); }
        var seg = plan.GetProperty("segments")[0];
        foreach (var f in new[] { "value", "n", "share", "mean", "ciLow", "ciHigh", "differenceFromOverall", "differenceCiLow", "differenceCiHigh", "effect", "flags", "recommendation" })
        {
            seg.TryGetProperty(f, out _).Should().BeTrue(f);
        }

        foreach (var f in new[] { "test", "absoluteEffect", "standardError", "ciLow", "ciHigh", "relativeEffect", "pValue", "adjustedPValue", "shrunkEffect" })
        {
            seg.GetProperty("effect").TryGetProperty(f, out _).Should().BeTrue(f);
        }

        seg.GetProperty("effect").GetProperty("test").GetString().Should().Be("welch");
        dims[1].GetProperty("segments")[0].GetProperty("effect").GetProperty("test").GetString().Should().Be("proportion", "converted is 0/1");
        // plan b's mean is 2 above plan a's: both differ from the overall by about 9 %, far beyond the 5 % threshold.
        plan.GetProperty("segments").EnumerateArray().Should().OnlyContain(s => s.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "differs"));
        dims[4].GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("value").GetString()).Should().BeEquivalentTo(["a×x", "a×y", "b×x", "b×y"]);
        root.GetProperty("simpson").ValueKind.Should().Be(JsonValueKind.Array);
    }

    [Fact]
    public void Segments_WithoutGroup_WritesNullHeterogeneityAndEffect()
    {
        var (code, stdout, stderr) = Run("segments", "--input", Csv(), "--metric", "y", "--by", "plan,device", "--min-size", "40", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var dims = doc.RootElement.GetProperty("dimensions");
        dims[0].GetProperty("heterogeneity").ValueKind.Should().Be(JsonValueKind.Null);
        dims[0].GetProperty("segments")[0].GetProperty("effect").ValueKind.Should().Be(JsonValueKind.Null);
        doc.RootElement.GetProperty("simpson").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public void Segments_Out_WritesProfilesMarkdownAndForestPlot()
    {
        var outDir = Path.Combine(_dir, "report");
        var (code, _, stderr) = Run("segments", "--input", Csv(), "--metric", "y", "--by", "plan", "--group", "arm", "--control", "control", "--min-size", "20", "--out", outDir);
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "segment-profiles.json")));
        doc.RootElement.GetProperty("dimensions")[0].GetProperty("segments").GetArrayLength().Should().Be(2);
        File.ReadAllText(Path.Combine(outDir, "segments.md")).Should().Contain("## plan — y").And.Contain("Cochran's Q").And.Contain("![forest plot](forest-y.png)");
        var png = File.ReadAllBytes(Path.Combine(outDir, "forest-y.png"));
        png.Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "a PNG signature");
        png.Length.Should().BeGreaterThan(5000, "a drawn plot, not an empty image");
    }

    [Theory]
    [InlineData("--by", "colour", "--by: column 'colour' is not in")]
    [InlineData("--metric", "height", "--metric: column 'height' is not in")]
    [InlineData("--min-size", "1", "--min-size must be at least 2")]
    [InlineData("--min-lift", "NaN", "--min-lift must be finite")]
    [InlineData("--alpha", "1", "--alpha: 1 is not in (0, 0.8)")]
    [InlineData("--alpha", "0.85", "--alpha: 0.85 is not in (0, 0.8)")]
    [InlineData("--min-size", "1000", "Every value of dimension 'plan' has fewer than 1000 learners")]
    [InlineData("--cross", "plan-device", "--cross: 'plan-device' is not two different columns")]
    [InlineData("--cross", "plan:arm", "--cross: column 'arm' is not one of --by")]
    [InlineData("--control", "control", "--control: it needs --group")]
    [InlineData("--threshold", "-1", "--threshold must be finite and at least 0")]
    public void Segments_BadInput_ExitsTwoWithOneLineNamingIt(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--input"] = Csv(), ["--metric"] = "y", ["--by"] = "plan", [option] = value };
        var (code, stdout, stderr) = Run(["segments", .. args.SelectMany(a => new[] { a.Key, a.Value }), "--json"]);
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(message);
    }

    [Fact]
    public void Segments_SingleValueDimensionOrNonFiniteMetric_ExitsTwoNamingTheColumn()
    {
        var file = Csv(i => i == 7 ? "NaN" : "1.5");
        var nonFinite = Run("segments", "--input", file, "--metric", "y", "--by", "plan", "--min-size", "20");
        nonFinite.Code.Should().Be(2);
        nonFinite.Err.Should().Contain("'y'");
        File.WriteAllText(file, "plan,y\na,1\na,2\na,3\n");
        var single = Run("segments", "--input", file, "--metric", "y", "--by", "plan", "--min-size", "2");
        single.Code.Should().Be(2);
        single.Err.Should().Contain("Dimension 'plan' has a single value ('a')");
    }

    [Fact]
    public void Segments_WithoutInputMetricOrBy_ExitsTwoNamingTheMissingOption()
    {
        Run("segments").Err.Should().Contain("--input: required");
        var file = Csv();
        Run("segments", "--input", file, "--by", "plan").Err.Should().Contain("--metric: required");
        var (code, _, stderr) = Run("segments", "--input", file, "--metric", "y");
        code.Should().Be(2);
        stderr.Should().Contain("--by: required");
    }

    [Fact]
    public void Segments_ConstantMetricOverall_IsOneLineWithoutTheParameterSuffix()
    {
        // The review found "… the t statistic is undefined. (Parameter 'treatment')": a C# parameter inside a wrapped message.
        var (code, _, stderr) = Run("segments", "--input", Csv(_ => "3"), "--metric", "y", "--by", "plan", "--group", "arm", "--control", "control", "--min-size", "20");
        code.Should().Be(2);
        stderr.Trim().Should().StartWith("cohortkit: Metric 'y' over all learners:").And.NotContain("(Parameter").And.NotContain("\n");
        stderr.Trim().Split('\n').Should().HaveCount(1);
    }

    [Fact]
    public void Segments_OutIsAFile_ExitsTwoNamingOut()
    {
        var file = Csv();
        var (code, _, stderr) = Run("segments", "--input", file, "--metric", "y", "--by", "plan", "--min-size", "20", "--out", file);
        code.Should().Be(2);
        stderr.Should().Contain("--out:");
    }

    [Fact]
    public void Segments_HumanOutput_PrintsATablePerDimensionAndMetric()
    {
        var (code, stdout, stderr) = Run("segments", "--input", Csv(), "--metric", "y", "--by", "plan", "--group", "arm", "--control", "control", "--min-size", "20");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("plan — y").And.Contain("heterogeneity: Q =");
    }
}
