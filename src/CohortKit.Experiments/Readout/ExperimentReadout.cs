using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Hypothesis;

namespace CohortKit.Experiments.Readout;

/// <summary>One (metric, arm) comparison of a readout, overall or in one segment: the test's result plus what the
/// readout adds (metric, arm, role, segment, adjusted p-value, audit line, guardrail verdict).</summary>
public sealed record MetricReadout : TwoSampleResult
{
    /// <summary>Creates a readout row from a test result; the adjusted p-value starts as the raw one.</summary>
    /// <param name="result">The test result.</param>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public MetricReadout(TwoSampleResult result)
        : base(result ?? throw new ArgumentNullException(nameof(result)))
    {
        AdjustedPValue = result.PValue;
    }

    /// <summary>Gets the metric.</summary>
    public string Metric { get; init; } = "";

    /// <summary>Gets the treatment arm compared with control.</summary>
    public string Arm { get; init; } = "";

    /// <summary>Gets the metric's role.</summary>
    public MetricRole Role { get; init; }

    /// <summary>Gets the segment value, or null overall.</summary>
    public string? Segment { get; init; }

    /// <summary>Gets the p-value after the readout's multiple-testing correction.</summary>
    public double AdjustedPValue { get; init; }

    /// <summary>Gets the audit line: which adjustment shaped the p-value and interval, and why.</summary>
    public string Adjustment { get; init; } = "";

    /// <summary>Gets CUPED's variance reduction when a covariate was used.</summary>
    public double? VarianceReduction { get; init; }

    /// <summary>Gets whether a guardrail regressed: the whole interval lies on the bad side of zero.</summary>
    public bool Regression { get; init; }
}

/// <summary>The readout of an experiment: SRM gate, overall comparisons, per-segment breakdown and the guardrail verdict.</summary>
public sealed record ExperimentReadout
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Gets the sample-ratio-mismatch check.</summary>
    public required SrmResult Srm { get; init; }

    /// <summary>Gets whether the readout can be trusted (no SRM).</summary>
    public bool Trustworthy => !Srm.IsMismatch;

    /// <summary>Gets the overall comparisons.</summary>
    public required IReadOnlyList<MetricReadout> Metrics { get; init; }

    /// <summary>Gets the per-segment comparisons.</summary>
    public required IReadOnlyList<MetricReadout> Segments { get; init; }

    /// <summary>Gets whether no guardrail regressed overall or in any segment.</summary>
    public bool NoGuardrailRegression => !Metrics.Concat(Segments).Any(m => m.Regression);

    /// <summary>Gets the significance level used.</summary>
    public required double Alpha { get; init; }

    /// <summary>Serialises the readout as one camelCase JSON document.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        srm = new { chiSquare = Srm.ChiSquare, pValue = Srm.PValue, observed = Srm.Observed, expectedRatios = Srm.ExpectedRatios, threshold = Srm.Threshold, mismatch = Srm.IsMismatch },
        trustworthy = Trustworthy,
        noGuardrailRegression = NoGuardrailRegression,
        alpha = Alpha,
        metrics = Metrics,
        segments = Segments,
    }, Json);

    /// <summary>Renders the readout as Markdown for people.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Experiment readout").AppendLine();
        var verdict = Trustworthy ? "no mismatch." : string.Create(c, $"**mismatch (p < {Srm.Threshold}): the readout is untrustworthy.**");
        sb.AppendLine(c, $"**Sample ratio:** χ² = {Srm.ChiSquare:G4}, p = {Srm.PValue:G3} on arms {string.Join(" / ", Srm.Observed)} — {verdict}");
        sb.AppendLine(c, $"**Guardrails:** {(NoGuardrailRegression ? "no regression overall or in any segment." : "**a guardrail regressed** (see ⚠ rows).")}").AppendLine();
        Table(sb, Metrics, "Overall");
        if (Segments.Count > 0)
        {
            Table(sb, Segments, "By segment");
        }

        return sb.ToString();
    }

    private void Table(StringBuilder sb, IReadOnlyList<MetricReadout> rows, string title)
    {
        var c = CultureInfo.InvariantCulture;
        var level = (1 - Alpha).ToString("P0", c);
        sb.AppendLine(c, $"## {title}").AppendLine();
        sb.AppendLine(c, $"| metric | role | segment | arm | test | control | treatment | effect [{level} CI] | relative [{level} CI] | p | adjusted p |");
        sb.AppendLine("|---|---|---|---|---|---:|---:|---|---|---:|---:|");
        foreach (var r in rows)
        {
            var rel = r.RelativeEffect is { } e
                ? $"{e.ToString("P2", c)} [{r.RelativeCiLow!.Value.ToString("P2", c)}, {r.RelativeCiHigh!.Value.ToString("P2", c)}]"
                : "—";
            sb.AppendLine(c, $"| {(r.Regression ? "⚠ " : "")}{r.Metric} | {r.Role.ToString().ToLowerInvariant()} | {r.Segment ?? "all"} | {r.Arm} | {r.Test} | {r.ControlMean:G5} (n={r.ControlN}) | {r.TreatmentMean:G5} (n={r.TreatmentN}) | {r.AbsoluteEffect:G4} [{r.CiLow:G4}, {r.CiHigh:G4}] | {rel} | {r.PValue:G3} | {r.AdjustedPValue:G3} |");
        }

        sb.AppendLine();
        var notes = rows.Select(r => r.Adjustment).Distinct().ToList();
        foreach (var note in notes)
        {
            sb.AppendLine(c, $"- {note}");
        }

        sb.AppendLine();
    }
}
