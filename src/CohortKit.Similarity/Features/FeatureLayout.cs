namespace CohortKit.Similarity.Features;

/// <summary>Where each feature group of <see cref="LearnerFeatureBuilder"/> sits in a row: hour-of-day, day-of-week,
/// one column per week of the window, the engagement features, then the one-hot profile columns.</summary>
/// <param name="Weeks">The weeks of the window.</param>
/// <param name="EngagementCount">The engagement features.</param>
internal readonly record struct FeatureLayout(int Weeks, int EngagementCount)
{
    /// <summary>The first hour-of-day column.</summary>
    public const int HourStart = 0;

    /// <summary>The hour-of-day columns.</summary>
    public const int Hours = 24;

    /// <summary>The first day-of-week column.</summary>
    public const int DayOfWeekStart = HourStart + Hours;

    /// <summary>The day-of-week columns.</summary>
    public const int DaysOfWeek = 7;

    /// <summary>The first weekly-activity column; the session-share profiles (hour and day) are the columns before it.</summary>
    public const int TrajectoryStart = DayOfWeekStart + DaysOfWeek;

    /// <summary>Gets the first engagement column.</summary>
    public int EngagementStart => TrajectoryStart + Weeks;

    /// <summary>Gets the first profile column.</summary>
    public int ProfileStart => EngagementStart + EngagementCount;
}
