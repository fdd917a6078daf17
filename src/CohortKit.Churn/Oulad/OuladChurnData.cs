using CohortKit.Datasets.Oulad;

namespace CohortKit.Churn.Oulad;

/// <summary>What the OULAD churn tasks read: the registrations, the daily clicks by activity type and the assessments.</summary>
/// <remarks>Immutable and thread-safe. The features read only <see cref="Activity"/>, <see cref="Assessments"/>, the
/// demographic columns and the presentation's calendar of <see cref="Registrations"/>; the labels read the final result and
/// unregistration day.</remarks>
public sealed record OuladChurnData
{
    /// <summary>Gets the registrations (<see cref="OuladLoader.Load"/>).</summary>
    public required OuladRegistrations Registrations { get; init; }

    /// <summary>Gets the daily clicks by activity type (<see cref="OuladDailyActivity.Load"/>).</summary>
    public required OuladDailyActivity Activity { get; init; }

    /// <summary>Gets the assessments and submissions (<see cref="OuladAssessments.Load"/>).</summary>
    public required OuladAssessments Assessments { get; init; }

    /// <summary>Loads the three from the OULAD CSV folder and the <c>studentVle</c> Parquet folder.</summary>
    /// <param name="ouladDirectory">The OULAD folder (studentInfo.csv, studentRegistration.csv, courses.csv, assessments.csv,
    /// studentAssessment.csv, vle.csv).</param>
    /// <param name="parquetDirectory">The <c>oulad_studentvle_parquet</c> folder (or its <c>studentVle_ds</c> folder).</param>
    /// <returns>The data.</returns>
    /// <exception cref="DirectoryNotFoundException">A folder is missing.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A value is malformed (file, column, row and value named).</exception>
    public static OuladChurnData Load(string ouladDirectory, string parquetDirectory)
    {
        var registrations = OuladLoader.Load(ouladDirectory);
        return new OuladChurnData
        {
            Registrations = registrations,
            Activity = OuladDailyActivity.Load(parquetDirectory, ouladDirectory, registrations),
            Assessments = OuladAssessments.Load(ouladDirectory, registrations),
        };
    }
}

/// <summary>The two OULAD churn tasks of issue 11.</summary>
public enum OuladChurnTask
{
    /// <summary>(a) Eventual withdrawal (<c>final_result = Withdrawn</c>) predicted as of one day, among registrations still
    /// registered on that day.</summary>
    Eventual = 0,

    /// <summary>(b) The early warning: withdrawal in (D + 7, D + 14] at weekly as-of days D, among registrations still
    /// registered at D + 7.</summary>
    EarlyWarning = 1,
}
