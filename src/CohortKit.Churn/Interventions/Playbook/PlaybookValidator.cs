using System.Globalization;

namespace CohortKit.Churn.Interventions.Playbook;

/// <summary>Checks an <see cref="InterventionPlaybook"/>, whether read from JSON or built in code, and names the first
/// invalid field by its JSON path.</summary>
public static class PlaybookValidator
{
    /// <summary>The segment wildcard of a rule: it matches every segment.</summary>
    public const string AnySegment = "*";

    /// <summary>Throws when the playbook is invalid.</summary>
    /// <param name="playbook">The playbook.</param>
    /// <param name="source">The file name or a description, used in the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="playbook"/> is null.</exception>
    /// <exception cref="PlaybookFormatException">A field is invalid: missing, out of range, duplicated, overlapping another
    /// band, or naming an undeclared band or action.</exception>
    public static void ThrowIfInvalid(InterventionPlaybook playbook, string source = "playbook")
    {
        ArgumentNullException.ThrowIfNull(playbook);
        var failure = FirstFailure(playbook);
        if (failure is { } f)
        {
            throw new PlaybookFormatException(source, f.Path, f.Problem);
        }
    }

    private static (string Path, string Problem)? FirstFailure(InterventionPlaybook p)
    {
        return Holdout(p.Holdout) ?? Bands(p.Bands) ?? Actions(p.Actions) ?? Rules(p);
    }

    private static (string, string)? Holdout(HoldoutSettings? h)
    {
        if (h is null) { return ("$.holdout", "is required."); }
        if (!(h.Fraction is >= 0 and < 1)) { return ("$.holdout.fraction", $"{Show(h.Fraction)} must be in [0, 1)."); }
        if (string.IsNullOrWhiteSpace(h.Salt)) { return ("$.holdout.salt", "must be a non-empty string."); }
        return null;
    }

    private static (string, string)? Bands(IReadOnlyList<RiskBand>? bands)
    {
        if (bands is null || bands.Count == 0) { return ("$.bands", "must list at least one risk band."); }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < bands.Count; i++)
        {
            var b = bands[i];
            var at = $"$.bands[{i}]";
            if (b is null) { return (at, "is null."); }
            if (string.IsNullOrWhiteSpace(b.Name)) { return ($"{at}.name", "must be a non-empty string."); }
            if (!names.Add(b.Name)) { return ($"{at}.name", $"'{b.Name}' is declared twice."); }
            if (!(b.Min is >= 0 and < 1)) { return ($"{at}.min", $"{Show(b.Min)} must be in [0, 1)."); }
            if (!(b.Max is > 0 and <= 1)) { return ($"{at}.max", $"{Show(b.Max)} must be in (0, 1]."); }
            if (b.Max <= b.Min) { return ($"{at}.max", $"{Show(b.Max)} must exceed min ({Show(b.Min)})."); }
        }

        for (var i = 0; i < bands.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (bands[i].Min < bands[j].Max && bands[j].Min < bands[i].Max)
                {
                    return ($"$.bands[{i}]", $"[{Show(bands[i].Min)}, {Show(bands[i].Max)}) overlaps band '{bands[j].Name}' " +
                        $"[{Show(bands[j].Min)}, {Show(bands[j].Max)}); a risk must fall in at most one band.");
                }
            }
        }

        return null;
    }

    private static (string, string)? Actions(IReadOnlyList<InterventionAction>? actions)
    {
        if (actions is null || actions.Count == 0) { return ("$.actions", "must declare at least one action."); }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            var at = $"$.actions[{i}]";
            if (a is null) { return (at, "is null."); }
            if (string.IsNullOrWhiteSpace(a.Name)) { return ($"{at}.name", "must be a non-empty string."); }
            if (!names.Add(a.Name)) { return ($"{at}.name", $"'{a.Name}' is declared twice."); }
            if (a.DailyBudget < 0) { return ($"{at}.dailyBudget", $"{a.DailyBudget} is negative; a budget is a count of learners per day (≥ 0)."); }
        }

        return null;
    }

    private static (string, string)? Rules(InterventionPlaybook p)
    {
        if (p.Rules is null || p.Rules.Count == 0) { return ("$.rules", "must list at least one rule."); }
        var bands = p.Bands.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var actions = p.Actions.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < p.Rules.Count; i++)
        {
            var r = p.Rules[i];
            var at = $"$.rules[{i}]";
            if (r is null) { return (at, "is null."); }
            if (string.IsNullOrWhiteSpace(r.Id)) { return ($"{at}.id", "must be a non-empty string."); }
            if (!ids.Add(r.Id)) { return ($"{at}.id", $"'{r.Id}' is used by two rules."); }
            if (r.Band is null || !bands.Contains(r.Band)) { return ($"{at}.band", $"unknown band '{r.Band}'; declared bands: {string.Join(", ", p.Bands.Select(b => b.Name))}."); }
            if (string.IsNullOrWhiteSpace(r.Segment)) { return ($"{at}.segment", $"must be a segment name or '{AnySegment}'."); }
            if (r.Action is null || !actions.Contains(r.Action)) { return ($"{at}.action", $"unknown action '{r.Action}'; declared actions: {string.Join(", ", p.Actions.Select(a => a.Name))}."); }
            if (r.Priority < 0) { return ($"{at}.priority", $"{r.Priority} is negative; lower runs first, from 0."); }
            if (r.CooldownDays < 0) { return ($"{at}.cooldownDays", $"{r.CooldownDays} is negative."); }
            if (r.FrequencyCap is null) { return ($"{at}.frequencyCap", "is required."); }
            if (r.FrequencyCap.Max < 1) { return ($"{at}.frequencyCap.max", $"{r.FrequencyCap.Max} must be at least 1 (drop the rule to send nothing)."); }
            if (r.FrequencyCap.WindowDays < 1) { return ($"{at}.frequencyCap.windowDays", $"{r.FrequencyCap.WindowDays} must be at least 1."); }
        }

        return null;
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
