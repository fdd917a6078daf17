using System.Text.Json;

namespace CohortKit.Cli.Tests.Experiments;

public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-exp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string Simulated(string experiment = "ab")
    {
        var dir = Path.Combine(_dir, experiment);
        string[] effect = experiment == "ab" ? ["--effect", "0.1"] : [];
        Run(["simulate", "--learners", "4000", "--days", "20", "--seed", "5", "--experiment", experiment, .. effect, "--out", dir, "--json"]).Code.Should().Be(0);
        return Path.Combine(dir, "learner_metrics.csv");
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Ab_Json_FollowsTheContract()
    {
        var file = Simulated();
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "minutes,active_last_week",
            "--segment", "plan", "--correction", "holm", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("srm").GetProperty("observed").GetArrayLength().Should().Be(2);
        var metrics = root.GetProperty("metrics");
        metrics.GetArrayLength().Should().Be(2);
        metrics[0].GetProperty("test").GetString().Should().Be("welch");
        metrics[1].GetProperty("test").GetString().Should().Be("proportion", "auto picks the z-test for a 0/1 metric");
        metrics[0].GetProperty("adjustedPValue").GetDouble().Should().BeGreaterThanOrEqualTo(metrics[0].GetProperty("pValue").GetDouble());
        root.GetProperty("segments").GetArrayLength().Should().Be(6);
        foreach (var field in new[] { "metric", "arm", "role", "test", "interval", "controlN", "treatmentN", "controlMean", "treatmentMean", "absoluteEffect", "standardError",
            "ciLow", "ciHigh", "ciLevel", "relativeEffect", "relativeCiLow", "relativeCiHigh", "pValue", "adjustedPValue", "statistic", "alpha", "adjustment", "regression" })
        {
            metrics[0].TryGetProperty(field, out _).Should().BeTrue(field);
        }

        metrics[0].GetProperty("role").GetString().Should().Be("primary");
        root.GetProperty("srm").GetProperty("arms")[0].GetString().Should().NotBeNullOrEmpty();
        root.TryGetProperty("noGuardrailRegression", out _).Should().BeFalse("there are no guardrails");
    }

    private string Split(string name, int control, int treatment, Func<int, string>? extra = null)
    {
        var rows = Enumerable.Range(0, control + treatment).Select(i => $"{(i < control ? "control" : "treatment")},{(i * 37 % 101) / 10.0}{extra?.Invoke(i) ?? ""}");
        return Write(name, $"arm,y{(extra is null ? "" : ",z")}\n" + string.Join("\n", rows) + "\n");
    }

    [Fact]
    public void Ab_SampleRatioMismatch_IsAGate_Exit3_EffectsWithheldUnlessAllowed()
    {
        // 5,300 vs 4,700 units under a 50/50 design: χ² = 36, p ≈ 2e-9.
        var file = Split("srm.csv", 5_300, 4_700);
        var md = Path.Combine(_dir, "srm.md");
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--markdown", md);
        code.Should().Be(3, stderr);
        stdout.TrimStart().Should().StartWith("Sample ratio mismatch: χ² = 36");
        stdout.Should().NotContain("mismatch: mismatch", "the verdict is said once");
        stdout.Should().Contain("Effects withheld").And.NotContain("Overall");
        File.ReadAllText(md).Should().Contain("**mismatch**").And.Contain("Effects are withheld").And.NotContain("| metric |");

        var json = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--json");
        json.Code.Should().Be(3);
        var root = JsonDocument.Parse(json.Out).RootElement;
        root.GetProperty("trustworthy").GetBoolean().Should().BeFalse();
        root.GetProperty("effectsWithheld").GetBoolean().Should().BeTrue();
        root.GetProperty("metrics").GetArrayLength().Should().Be(0);

        var allowed = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--allow-srm");
        allowed.Code.Should().Be(3);
        allowed.Out.TrimStart().Should().StartWith("Sample ratio mismatch");
        allowed.Out.Should().Contain("Overall");

        // The same file read against its designed 53/47 split passes the gate.
        var designed = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--expected-ratios", "53,47", "--json");
        designed.Code.Should().Be(0, designed.Err);
        JsonDocument.Parse(designed.Out).RootElement.GetProperty("srm").GetProperty("expectedRatios")[0].GetDouble().Should().BeApproximately(0.53, 1e-12);
    }

    [Fact]
    public void Ab_SegmentWhereTheMetricIsConstant_IsNamedInJsonConsoleAndMarkdown()
    {
        // Segment "flat" has y = 4 in both arms: Welch's test is undefined there and the segment cannot be compared.
        var rows = Enumerable.Range(0, 400).Select(i => $"{(i % 2 == 0 ? "A" : "B")},{(i < 200 ? "busy" : "flat")},{(i < 200 ? (i * 37 % 101) / 10.0 : 4)}");
        var file = Write("flat-segment.csv", "arm,seg,y\n" + string.Join("\n", rows) + "\n");
        string[] args = ["experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--segment", "seg"];
        var json = Run([.. args, "--json"]);
        json.Code.Should().Be(0, json.Err);
        var root = JsonDocument.Parse(json.Out).RootElement;
        root.GetProperty("segments").GetArrayLength().Should().Be(1);
        var skipped = root.GetProperty("skippedSegments");
        skipped.GetArrayLength().Should().Be(1);
        skipped[0].GetProperty("segment").GetString().Should().Be("flat");
        skipped[0].GetProperty("metric").GetString().Should().Be("y");
        skipped[0].GetProperty("reason").GetString().Should().Be("degenerate");
        skipped[0].GetProperty("detail").GetString().Should().Contain("zero variance");

        var md = Path.Combine(_dir, "flat.md");
        var human = Run([.. args, "--markdown", md]);
        human.Code.Should().Be(0, human.Err);
        human.Out.Should().Contain("Segment 'flat': y (B against control) not compared: Both arms have zero variance");
        File.ReadAllText(md).Should().Contain("## Segments not compared").And.Contain("Segment 'flat': y (B against control) not compared");
    }

    [Fact]
    public void Ab_GuardrailWhereLowerIsBetter_ARiseIsARegression()
    {
        // z rises by 1 in treatment (values 0..9.9 plus 0 or 1): churn-like guardrail where a rise is the harm.
        var file = Split("guard.csv", 2_000, 2_000, i => $",{(i * 37 % 101) / 10.0 + (i < 2_000 ? 0 : 1)}");
        var up = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--guardrail", "z:decrease", "--json");
        up.Code.Should().Be(0, up.Err);
        var root = JsonDocument.Parse(up.Out).RootElement;
        var guard = root.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "z");
        guard.GetProperty("ciLow").GetDouble().Should().BePositive();
        guard.GetProperty("regression").GetBoolean().Should().BeTrue();
        root.GetProperty("noGuardrailRegression").GetBoolean().Should().BeFalse();
        var plain = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--guardrail", "z", "--json");
        JsonDocument.Parse(plain.Out).RootElement.GetProperty("noGuardrailRegression").GetBoolean().Should().BeTrue("by default higher is better");
        Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--guardrail", "z:sideways", "--json").Err.Should().Contain("--guardrail");
    }

    [Fact]
    public void Ab_Markdown_LabelsTheLevelUsed_PrintsEveryFamilysNote_AndNoGuardrailLineWithoutGuardrails()
    {
        var file = Split("md.csv", 1_000, 1_000, i => $",{i % 7}");
        var md = Path.Combine(_dir, "families.md");
        var (code, _, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--secondary", "z",
            "--correction", "bonferroni", "--markdown", md, "--json");
        code.Should().Be(0, stderr);
        var text = File.ReadAllText(md);
        text.Should().Contain("none: a single comparison in the primary comparisons").And.Contain("none: a single comparison in the secondary comparisons");
        text.Should().NotContain("Guardrails");
        text.Should().Contain("| 95% |");
        var two = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y,z", "--correction", "bonferroni", "--markdown", md, "--json");
        two.Code.Should().Be(0, two.Err);
        File.ReadAllText(md).Should().Contain("| 97.5% |").And.NotContain("| 95% |").And.Contain("bonferroni over 2 primary comparisons");
    }

    [Fact]
    public void Ab_MannWhitneyRow_SaysItsIntervalIsWelchs()
    {
        var file = Split("mw.csv", 500, 500);
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "control", "--metric", "y", "--test", "mannwhitney", "--json");
        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("metrics")[0].GetProperty("interval").GetString().Should().Contain("Welch").And.Contain("not a rank-based");
    }

    [Fact]
    public void Aa_Cluster_FlagsTheNaiveAnalysisOfClusteredData()
    {
        // 60 clusters of 50 units; half of the variance lies between clusters (cluster effect sd 1, unit noise sd 1).
        var rng = new Random(3);
        var clusterEffect = Enumerable.Range(0, 60).Select(_ => NormalDraw(rng)).ToArray();
        var rows = Enumerable.Range(0, 3_000).Select(i => $"c{i / 50},{(clusterEffect[i / 50] + NormalDraw(rng)).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        var file = Write("clustered.csv", "cohort,y\n" + string.Join("\n", rows) + "\n");
        var (code, stdout, stderr) = Run("experiment", "aa", "--input", file, "--metric", "y", "--cluster", "cohort", "--iterations", "400", "--json");
        code.Should().Be(0, stderr);
        var metrics = JsonDocument.Parse(stdout).RootElement.GetProperty("metrics").EnumerateArray().ToList();
        metrics.Should().HaveCount(2);
        var naive = metrics.Single(m => m.GetProperty("analysis").GetString() == "unit");
        var robust = metrics.Single(m => m.GetProperty("analysis").GetString() == "clusterRobust");
        naive.GetProperty("falsePositiveRate").GetDouble().Should().BeGreaterThan(0.3);
        naive.GetProperty("isCalibrated").GetBoolean().Should().BeFalse();
        robust.GetProperty("falsePositiveRate").GetDouble().Should().BeInRange(0.01, 0.10);
        robust.GetProperty("clusters").GetInt32().Should().Be(60);
    }

    private static double NormalDraw(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Ab_WithClustersCovariateAndMarkdown_Works()
    {
        var file = Write("cluster.csv", "arm,cohort,y,pre,converted\n" + string.Join("\n", Enumerable.Range(0, 400).Select(i =>
            $"{(i / 20 % 2 == 0 ? "A" : "B")},c{i / 20},{(i * 7 % 13) + (i / 20 % 2)},{i * 7 % 13},{(i % 3 == 0 ? "true" : "FALSE")}")) + "\n");
        var md = Path.Combine(_dir, "readout.md");
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--cluster", "cohort", "--markdown", md, "--json");
        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("metrics")[0].GetProperty("test").GetString().Should().Be("cluster");
        File.ReadAllText(md).Should().Contain("| metric |");
        var cuped = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--covariate", "pre", "--json");
        cuped.Code.Should().Be(0, cuped.Err);
        JsonDocument.Parse(cuped.Out).RootElement.GetProperty("metrics")[0].GetProperty("varianceReduction").GetDouble().Should().BeGreaterThan(0.5);
        var booleans = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "converted", "--json");
        booleans.Code.Should().Be(0, booleans.Err);
        JsonDocument.Parse(booleans.Out).RootElement.GetProperty("metrics")[0].GetProperty("test").GetString().Should().Be("proportion");
    }

    [Fact]
    public void Aa_Json_FollowsTheContract()
    {
        var file = Simulated("aa");
        var (code, stdout, stderr) = Run("experiment", "aa", "--input", file, "--metric", "minutes,sessions", "--segment", "region", "--iterations", "300", "--seed", "2", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var m = doc.RootElement.GetProperty("metrics")[0];
        foreach (var field in new[] { "metric", "iterations", "falsePositiveRate", "falsePositiveRateCiLow", "falsePositiveRateCiHigh", "ksPValue", "minimumDetectableRelativeEffect" })
        {
            m.TryGetProperty(field, out _).Should().BeTrue(field);
        }

        m.GetProperty("iterations").GetInt32().Should().Be(300);
        doc.RootElement.GetProperty("segments").GetArrayLength().Should().Be(6);
    }

    [Fact]
    public void Drift_Json_ReportsEachMetric()
    {
        var before = Write("before.csv", "m,seg\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => $"{100 + i % 10},{(i % 2 == 0 ? "x" : "y")}")) + "\n");
        var after = Write("after.csv", "m,seg\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => $"{103 + i % 10},{(i % 2 == 0 ? "x" : "y")}")) + "\n");
        var (code, stdout, stderr) = Run("experiment", "drift", "--before", before, "--after", after, "--metric", "m", "--segment", "seg", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var m = doc.RootElement.GetProperty("metrics")[0];
        m.GetProperty("flagged").GetBoolean().Should().BeTrue();
        m.GetProperty("relativeChange").GetDouble().Should().BeApproximately(3 / 104.5, 1e-9);
        doc.RootElement.GetProperty("segments").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public void Power_MatchesStatsmodels_ForProportionsAndMeans()
    {
        // statsmodels NormalIndPower: baseline 0.2 -> 0.22 needs 6507.33 per arm (../shared/reference/experiments/power.json).
        var (code, stdout, _) = Run("experiment", "power", "--baseline-rate", "0.2", "--effect", "0.1", "--json");
        code.Should().Be(0);
        JsonDocument.Parse(stdout).RootElement.GetProperty("requiredControlN").GetDouble().Should().Be(6508);
        // TTestIndPower d = 0.2 needs 393.41 per arm: mean 10, sd 5, +2% relative is d = 0.04 ... use d = 0.2 via effect 0.1.
        var means = Run("experiment", "power", "--baseline-mean", "10", "--baseline-sd", "5", "--effect", "0.1", "--n", "400", "--json");
        using var doc = JsonDocument.Parse(means.Out);
        doc.RootElement.GetProperty("requiredControlN").GetDouble().Should().Be(394);
        doc.RootElement.GetProperty("detectable").GetBoolean().Should().BeTrue();
        doc.RootElement.GetProperty("minimumDetectableRelativeEffect").GetDouble().Should().BeLessThan(0.1);
    }

    [Theory]
    [InlineData("not present", "experiment", "ab", "--group", "arm", "--control", "nobody", "--metric", "minutes")]
    [InlineData("--metric: column 'nosuch' is not in", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "nosuch")]
    [InlineData("--alpha", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--alpha", "abc")]
    [InlineData("--correction", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--correction", "sidak")]
    [InlineData("--alpha (1.5) must be below 0.8", "experiment", "aa", "--metric", "minutes", "--alpha", "1.5")]
    [InlineData("--split 1: --split must be in [1/65,536, 65,535/65,536]", "experiment", "aa", "--metric", "minutes", "--split", "1")]
    public void BadInput_ExitsWith2AndSaysWhy(string expected, params string[] args)
    {
        var file = Simulated();
        var (code, stdout, stderr) = Run([.. args, "--input", file, "--json"]);
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(expected);
    }

    [Theory]
    [InlineData("--group: column 'nosuch' is not in", "experiment", "ab", "--group", "nosuch", "--control", "control", "--metric", "minutes")]
    [InlineData("--segment: column 'nosuch' is not in", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--segment", "nosuch")]
    [InlineData("--cluster: column 'nosuch' is not in", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--cluster", "nosuch")]
    [InlineData("--metric: column 'minutes' is given twice", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes,minutes")]
    [InlineData("--covariate and --cluster cannot be combined", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--covariate", "sessions", "--cluster", "region")]
    [InlineData("--expected-ratios has 3 values for 2 arms", "experiment", "ab", "--group", "arm", "--control", "control", "--metric", "minutes", "--expected-ratios", "1,2,3")]
    [InlineData("--alpha (0.9) must be below 0.8", "experiment", "aa", "--metric", "minutes", "--alpha", "0.9")]
    [InlineData("--iterations 2000000000", "experiment", "aa", "--metric", "minutes", "--iterations", "2000000000")]
    [InlineData("--split 1E-09", "experiment", "aa", "--metric", "minutes", "--split", "1e-9")]
    [InlineData("--metric: column 'minutes' is given twice", "experiment", "aa", "--metric", "minutes,minutes")]
    [InlineData("--segment: column 'nosuch' is not in", "experiment", "aa", "--metric", "minutes", "--segment", "nosuch")]
    public void BadInput_MoreCases_ExitWith2AndNameTheOption(string expected, params string[] args)
    {
        var file = Simulated();
        var (code, stdout, stderr) = Run([.. args, "--input", file, "--json"]);
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(expected);
        stderr.TrimEnd().Split('\n').Should().HaveCount(1, "bad input is reported on one line");
    }

    [Fact]
    public void BadInput_Files_ExitWith2AndSayWhy()
    {
        var headerOnly = Write("header.csv", "arm,y\n");
        Run("experiment", "ab", "--input", headerOnly, "--group", "arm", "--control", "A", "--metric", "y", "--json").Should().Match<(int Code, string Out, string Err)>(r => r.Code == 2 && r.Err.Contains("has a header but no rows"));
        Run("experiment", "ab", "--input", _dir, "--group", "arm", "--control", "A", "--metric", "y", "--json").Should().Match<(int Code, string Out, string Err)>(r => r.Code == 2 && r.Err.Contains("is a directory"));
        var blankArm = Write("blank.csv", "arm,y\nA,1\nB,2\n,3\nA,4\nB,5\n");
        var blank = Run("experiment", "ab", "--input", blankArm, "--group", "arm", "--control", "A", "--metric", "y", "--json");
        blank.Code.Should().Be(2);
        blank.Err.Should().Contain("--group: column 'arm' is blank in data row 3");
        var constant = Write("constant.csv", "y\n" + string.Join("\n", Enumerable.Repeat("3", 50)) + "\n");
        var aa = Run("experiment", "aa", "--input", constant, "--metric", "y", "--json");
        aa.Code.Should().Be(2);
        aa.Err.Should().Contain("Metric 'y' is constant");
        var twelve = Write("twelve.csv", "arm,y\n" + string.Join("\n", Enumerable.Range(0, 5000).Select(i => $"{(i % 2 == 0 ? "A" : "B")},12.7")) + "\n");
        var flat = Run("experiment", "ab", "--input", twelve, "--group", "arm", "--control", "A", "--metric", "y", "--json");
        flat.Code.Should().Be(2, "two constant arms are bad input, not p = 0.0068");
        flat.Err.Should().Contain("Metric 'y', arm 'B' against 'A': Both arms have zero variance", "the error names the degenerate metric");
    }

    [Theory]
    [InlineData("--baseline-mean must be a finite number", "--baseline-mean", "NaN", "--baseline-sd", "1", "--n", "100")]
    [InlineData("--baseline-sd must be a finite number", "--baseline-mean", "1", "--baseline-sd", "Infinity", "--n", "100")]
    [InlineData("--effect 1E-09", "--baseline-mean", "1", "--baseline-sd", "1", "--effect", "1e-9")]
    public void Power_NonFiniteOrUnreachable_ExitsWith2NamingTheOption(string expected, params string[] args)
    {
        var (code, stdout, stderr) = Run(["experiment", "power", .. args, "--json"]);
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(expected);
    }

    [Fact]
    public void Ab_UnknownControlValue_IsOneCleanLineWithoutTheParameterSuffix()
    {
        var file = Write("arms.csv", "arm,y\nA,1\nB,2\nA,3\nB,4\n");
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "nobody", "--metric", "y", "--json");
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Be("cohortkit: The control value 'nobody' is not present in column 'arm' (values: A, B).\n");
    }

    [Fact]
    public void Ab_InputIsAFolder_ExitsWith2OnOneLineNamingIt()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "a-folder")).FullName;
        var (code, stdout, stderr) = Run("experiment", "ab", "--input", folder, "--group", "arm", "--control", "A", "--metric", "y", "--json");
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Be($"cohortkit: --input: '{folder}' is a directory; give a CSV file with one row per learner.\n");
    }

    [Fact]
    public void Simulate_UnknownExperimentKind_IsOneLineNamingTheOption()
    {
        var (code, stdout, stderr) = Run("simulate", "--experiment", "xy", "--out", Path.Combine(_dir, "never"), "--json");
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("cohortkit: --experiment: ").And.EndWith("\n");
        stderr.Count(c => c == '\n').Should().Be(1, stderr);
        Directory.Exists(Path.Combine(_dir, "never")).Should().BeFalse();
    }

    [Fact]
    public void Ab_CovariateWithMissingValues_ExitsWith2NamingColumnAndLine()
    {
        var file = Write("missing.csv", "arm,y,pre\nA,1,2\nB,2,\nA,3,4\nB,4,5\n");
        var (code, _, stderr) = Run("experiment", "ab", "--input", file, "--group", "arm", "--control", "A", "--metric", "y", "--covariate", "pre", "--json");
        code.Should().Be(2);
        stderr.Should().Contain("missing.csv line 3, column 'pre'").And.Contain("missing");
    }

    [Theory]
    // tests/reference/experiments/power_rates_extreme.json (statsmodels NormalIndPower, Cohen's h); NaN = no change in that direction reaches the power.
    [InlineData("0.99", "100", double.NaN, 0.07635738901427347)]
    [InlineData("0.999", "50", double.NaN, 0.09310186312361357)]
    [InlineData("0.001", "1000", 0.007861142716568553, double.NaN)]
    [InlineData("0.5", "1000", 0.06248140402633151, 0.062481404026331344)]
    public void Power_RateNearZeroOrOne_ReportsIncreaseAndDecreaseSeparately(string rate, string n, double increase, double decrease)
    {
        var (code, stdout, stderr) = Run("experiment", "power", "--baseline-rate", rate, "--n", n, "--json");
        code.Should().Be(0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        foreach (var (field, expected) in new[] { ("minimumDetectableIncrease", increase), ("minimumDetectableDecrease", decrease) })
        {
            if (double.IsNaN(expected))
            {
                root.TryGetProperty(field, out _).Should().BeFalse($"{field} is null (omitted) when no change in that direction reaches the power");
            }
            else
            {
                // statsmodels' h carries its brentq tolerance (~2e-6), which moves the rate by at most half of it.
                root.GetProperty(field).GetDouble().Should().BeApproximately(expected, 1e-5, field);
            }
        }
    }

    [Theory]
    // --effect is a relative change; the standardised sizes are e·mean/sd = 1e-12·10/3 and Cohen's h = 2·asin√(0.3·(1+1e-12)) − 2·asin√0.3.
    [InlineData("--effect 1E-12: a relative change of 1E-12 is a standardised effect of 3.33333E-12.", "--baseline-mean", "10", "--baseline-sd", "3", "--effect", "1e-12")]
    [InlineData("--effect 1E-12: a relative change of 1E-12 is a Cohen's h of 6.5481E-13.", "--baseline-rate", "0.3", "--effect", "1e-12")]
    [InlineData("--effect 0.02: the target rate 1.0098 is outside (0, 1).", "--baseline-rate", "0.99", "--effect", "0.02")]
    public void Power_UnreachableEffect_NamesTheRelativeChangeTheUserGave(string expected, params string[] args)
    {
        var (code, stdout, stderr) = Run(["experiment", "power", .. args, "--json"]);
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(expected);
        stderr.TrimEnd().Split('\n').Should().HaveCount(1, "bad input is reported on one line");
    }

    [Fact]
    public void Power_BadInput_ExitsWith2()
    {
        Run("experiment", "power", "--baseline-rate", "0.2", "--json").Code.Should().Be(2);
        Run("experiment", "power", "--baseline-rate", "1.2", "--effect", "0.1", "--json").Err.Should().Contain("--baseline-rate must be in (0, 1)");
        Run("experiment", "power", "--baseline-mean", "3", "--effect", "0.1", "--json").Err.Should().Contain("--baseline-sd");
        Run("experiment", "power", "--baseline-rate", "0.2", "--effect", "0.1", "--power", "1", "--json").Code.Should().Be(2);

        // Parse errors in the user's words, on one line (the review found a .NET type name, and two lines for one mistake).
        Run("experiment", "power", "--baseline-mean", "10", "--baseline-sd", "2", "--n", "abc").Err.Trim().Should().Be("cohortkit: --n: Cannot parse argument 'abc' for option '--n' as a number.");
        Run("experiment", "power", "--baseline-mean", "10", "--baseline-sd", "2", "--n", "100", "--bogus", "1").Err.TrimEnd().Split('\n').Should().ContainSingle();

        // The review found these blamed --effect: the option at fault is --power.
        Run("experiment", "power", "--baseline-rate", "0.3", "--effect", "0.1", "--power", "1", "--json").Err.Trim().Should().Be("cohortkit: --power must be in (--alpha = 0.05, 1) (got 1).");
        Run("experiment", "power", "--baseline-mean", "10", "--baseline-sd", "2", "--effect", "0.1", "--alpha", "0.8", "--power", "0.8", "--json").Err.Should().Contain("--power must be in (--alpha = 0.8, 1) (got 0.8)");
    }
}
