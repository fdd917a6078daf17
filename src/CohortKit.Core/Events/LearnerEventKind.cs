namespace CohortKit.Events;

/// <summary>What a learner did. The meaning of <see cref="ActivityLog.Values"/> depends on the kind.</summary>
public enum LearnerEventKind : byte
{
    /// <summary>A learning session; the value is its duration in minutes (never negative).</summary>
    Session = 0,

    /// <summary>Lessons completed; the value is how many (never negative).</summary>
    Lesson = 1,

    /// <summary>An assessment taken; the value is its score on a 0–100 scale.</summary>
    Assessment = 2,
}

/// <summary>The CSV spelling of <see cref="LearnerEventKind"/> values.</summary>
public static class LearnerEventKinds
{
    /// <summary>Gets the lower-case name used in files: <c>session</c>, <c>lesson</c> or <c>assessment</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined kind.</exception>
    public static string ToName(LearnerEventKind kind) => kind switch
    {
        LearnerEventKind.Session => "session",
        LearnerEventKind.Lesson => "lesson",
        LearnerEventKind.Assessment => "assessment",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activity kind."),
    };

    /// <summary>Parses a kind name, ignoring ASCII case.</summary>
    /// <param name="text">The name as UTF-8 bytes.</param>
    /// <param name="kind">The kind when recognised.</param>
    /// <returns><see langword="true"/> when recognised.</returns>
    public static bool TryParse(ReadOnlySpan<byte> text, out LearnerEventKind kind)
    {
        if (System.Text.Ascii.EqualsIgnoreCase(text, "session"u8)) { kind = LearnerEventKind.Session; return true; }
        if (System.Text.Ascii.EqualsIgnoreCase(text, "lesson"u8)) { kind = LearnerEventKind.Lesson; return true; }
        if (System.Text.Ascii.EqualsIgnoreCase(text, "assessment"u8)) { kind = LearnerEventKind.Assessment; return true; }
        kind = default;
        return false;
    }
}
