namespace CohortKit.Reliability.Slo;

/// <summary>One multi-window burn-rate alert: it fires while the error ratio over both the long and the short window exceeds
/// <see cref="BurnRate"/> × (1 − objective), as in the SRE workbook's multi-window, multi-burn-rate table.</summary>
public sealed class BurnRateAlertRule
{
    /// <summary>Gets or sets the severity.</summary>
    /// <value>The default value is <see cref="AlertSeverity.Page"/>.</value>
    public AlertSeverity Severity { get; set; } = AlertSeverity.Page;

    /// <summary>Gets or sets the long window (how much budget must have burned).</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan LongWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the short window (is it still burning?); it must be shorter than <see cref="LongWindow"/>.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ShortWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the burn rate both windows must exceed: 1 spends exactly the budget over the SLO period.</summary>
    /// <value>The default value is 14.4.</value>
    public double BurnRate { get; set; } = 14.4;

    /// <summary>The workbook's three rules for a 30-day objective: page at 14.4× over 1 h and 5 min (2 % of the budget
    /// in an hour), page at 6× over 6 h and 30 min (5 % in six hours), ticket at 1× over 3 d and 6 h (10 % in three days).</summary>
    /// <returns>Three new rules.</returns>
    public static IReadOnlyList<BurnRateAlertRule> WorkbookDefaults() =>
    [
        new() { Severity = AlertSeverity.Page, LongWindow = TimeSpan.FromHours(1), ShortWindow = TimeSpan.FromMinutes(5), BurnRate = 14.4 },
        new() { Severity = AlertSeverity.Page, LongWindow = TimeSpan.FromHours(6), ShortWindow = TimeSpan.FromMinutes(30), BurnRate = 6 },
        new() { Severity = AlertSeverity.Ticket, LongWindow = TimeSpan.FromDays(3), ShortWindow = TimeSpan.FromHours(6), BurnRate = 1 },
    ];

    internal BurnRateAlertRule Copy() => (BurnRateAlertRule)MemberwiseClone();
}
