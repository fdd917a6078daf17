using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CohortKit.Churn;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Churn, both named <c>CohortKit.Churn</c>.</summary>
/// <remarks>Instruments carry counts only, never learner identifiers, scores of one learner or attributes.</remarks>
public static class ChurnTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Churn";

    /// <summary>Gets the activity source (feature extraction, training, scoring, dispatch).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Counts BG/NBD fits (<c>cohortkit.churn.bgnbd_fits</c>).</summary>
    internal static Counter<long> BgNbdFits { get; } = Meter.CreateCounter<long>("cohortkit.churn.bgnbd_fits", "{fit}", "BG/NBD models fitted.");

    /// <summary>Counts churn models trained (<c>cohortkit.churn.models_trained</c>).</summary>
    internal static Counter<long> ModelsTrained { get; } = Meter.CreateCounter<long>("cohortkit.churn.models_trained", "{model}", "Churn models trained.");

    /// <summary>Counts rows scored (<c>cohortkit.churn.rows_scored</c>).</summary>
    internal static Counter<long> RowsScored { get; } = Meter.CreateCounter<long>("cohortkit.churn.rows_scored", "{row}", "Rows scored by churn models.");

    /// <summary>Counts feature rows built (<c>cohortkit.churn.feature_rows</c>).</summary>
    internal static Counter<long> FeatureRows { get; } = Meter.CreateCounter<long>("cohortkit.churn.feature_rows", "{row}", "Point-in-time feature rows built.");
}
