using System.Globalization;
using System.Text;
using CohortKit.Cli.Experiments;

namespace CohortKit.Cli.Output;

/// <summary>Renders an A/B readout (<see cref="AbReport"/>) as Markdown for people: the SRM verdict first, each row's
/// interval labelled with the level actually used, every multiple-testing family's note, and a guardrail line only when
/// there are guardrails.</summary>
internal static class ReadoutMarkdown
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(AbReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Experiment readout").AppendLine();
        sb.AppendLine(C, $"**Sample ratio:** {SrmLine(report.Srm)}").AppendLine();
        if (report.EffectsWithheld)
        {
            sb.AppendLine("Effects are withheld: a broken split biases every comparison. Find the cause (assignment, logging, filtering), " +
                          "give `--expected-ratios` if the split was designed unequal, or rerun with `--allow-srm` to see them under this warning.");
            return sb.ToString();
        }

        if (report.NoGuardrailRegression is { } ok)
        {
            sb.AppendLine(C, $"**Guardrails:** {(ok ? "no regression overall or in any segment." : "**a guardrail regressed** (see ⚠ rows).")}").AppendLine();
        }

        Table(sb, report.Metrics, "Overall");
        if (report.Segments.Count > 0)
        {
            Table(sb, report.Segments, "By segment");
        }

        if (report.SkippedSegments.Count > 0)
        {
            sb.AppendLine("## Segments not compared").AppendLine();
            foreach (var skipped in report.SkippedSegments)
            {
                sb.AppendLine(C, $"- {skipped.Sentence()}");
            }

            sb.AppendLine();
        }

        sb.AppendLine("## Multiple testing").AppendLine();
        foreach (var note in report.Notes)
        {
            sb.AppendLine(C, $"- {note}");
        }

        return sb.ToString();
    }

    /// <summary>The SRM verdict in one Markdown line.</summary>
    public static string SrmLine(SrmReport srm) => (srm.Mismatch ? "**mismatch**: " : "no mismatch: ") + SrmEvidence(srm);

    /// <summary>The SRM evidence without the verdict word, so that each output leads with its own verdict once (the
    /// console's "Sample ratio mismatch:", the Markdown's "**mismatch**:").</summary>
    public static string SrmEvidence(SrmReport srm)
    {
        var arms = string.Join(" / ", srm.Arms.Select((a, i) => string.Create(C, $"{a} {srm.Observed[i]} ({srm.ExpectedRatios[i]:P1} expected)")));
        return srm.Mismatch
            ? string.Create(C, $"χ² = {srm.ChiSquare:G4}, p = {srm.PValue:G3} < {srm.Threshold} on arms {arms}. The readout is untrustworthy.")
            : string.Create(C, $"χ² = {srm.ChiSquare:G4}, p = {srm.PValue:G3} on arms {arms}.");
    }

    private static void Table(StringBuilder sb, IReadOnlyList<ReadoutRow> rows, string title)
    {
        sb.AppendLine(C, $"## {title}").AppendLine();
        sb.AppendLine("| metric | role | segment | arm | test | control | treatment | CI level | effect [CI] | relative [CI] | p | adjusted p |");
        sb.AppendLine("|---|---|---|---|---|---:|---:|---:|---|---|---:|---:|");
        foreach (var r in rows)
        {
            sb.AppendLine(C, $"| {(r.Regression ? "⚠ " : "")}{r.Metric} | {r.Role} | {r.Segment ?? "all"} | {r.Arm} | {r.Test} | {r.ControlMean:G5} (n={r.ControlN}) | {r.TreatmentMean:G5} (n={r.TreatmentN}) | {Level(r.CiLevel)} | {r.AbsoluteEffect:G4} [{r.CiLow:G4}, {r.CiHigh:G4}] | {Relative(r)} | {r.PValue:G3} | {r.AdjustedPValue:G3} |");
        }

        sb.AppendLine();
        foreach (var test in rows.Select(r => r.Test).Distinct())
        {
            sb.AppendLine(C, $"- {test}: the interval is the {ReadoutRow.IntervalOf(test)}.");
        }

        sb.AppendLine();
    }

    /// <summary>A confidence level as a percentage with the digits it needs (95%, 98.3333%).</summary>
    public static string Level(double level) => string.Create(C, $"{100 * level:0.####}%");

    public static string Relative(ReadoutRow r) => r.RelativeEffect is { } e
        ? string.Create(C, $"{e:P2} [{r.RelativeCiLow!.Value:P2}, {r.RelativeCiHigh!.Value:P2}]")
        : "—";
}
