namespace CohortKit.Reliability.Slo;

/// <summary>How urgently a burn-rate alert asks for a human.</summary>
public enum AlertSeverity
{
    /// <summary>Wake someone now (the workbook's fast burns: 14.4× over 1 h, 6× over 6 h).</summary>
    Page,

    /// <summary>Handle in working hours (the workbook's slow burn: 1× over 3 d).</summary>
    Ticket,
}
