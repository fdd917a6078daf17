using CohortKit.Datasets.Oulad;

namespace CohortKit.Churn.Oulad;

/// <summary>Each registration on one calendar (nominal start dates as day numbers), so that a registration's features can count the
/// same student's other registrations known at a point in time: ended ones (and how they ended) and concurrent ones (and whether
/// the student had already left them).</summary>
internal sealed record OuladStudentHistory
{
    /// <summary>Gets each registration's start (calendar day number).</summary>
    public required int[] Start { get; init; }

    /// <summary>Gets each registration's end (start + presentation length).</summary>
    public required int[] End { get; init; }

    /// <summary>Gets each registration's unregistration (calendar day number), null when it never unregistered.</summary>
    public required int?[] Unregistered { get; init; }

    /// <summary>Gets each registration's final result (read only for presentations that ended before the one being featured).</summary>
    public required OuladFinalResult[] Result { get; init; }

    /// <summary>Gets, per registration, the rows of the same student's other registrations.</summary>
    public required int[][] Others { get; init; }

    public static OuladStudentHistory From(OuladRegistrations registrations)
    {
        var n = registrations.Count;
        var start = new int[n];
        var end = new int[n];
        var unregistered = new int?[n];
        var byStudent = new Dictionary<long, List<int>>();
        for (var r = 0; r < n; r++)
        {
            start[r] = OuladRegistrations.StartDate(registrations.Presentation[r]).DayNumber;
            end[r] = start[r] + registrations.ModuleLengths[r];
            unregistered[r] = start[r] + registrations.UnregistrationDays[r];
            var student = registrations.Students[r];
            if (!byStudent.TryGetValue(student, out var rows)) { byStudent[student] = rows = []; }
            rows.Add(r);
        }

        var others = new int[n][];
        for (var r = 0; r < n; r++) { others[r] = [.. byStudent[registrations.Students[r]].Where(o => o != r)]; }
        return new OuladStudentHistory { Start = start, End = end, Unregistered = unregistered, Result = registrations.FinalResults.ToArray(), Others = others };
    }

    /// <summary>Writes prior_registrations, prior_withdrawn, prior_failed, concurrent, concurrent_left for registration
    /// <paramref name="row"/> as of its day <paramref name="day"/>: only presentations that ended by this one's start are "prior"
    /// (their results are known), and a concurrent registration counts as left only if it was unregistered by the as-of date.</summary>
    public int Write(int row, int day, Span<float> x, int k)
    {
        var now = Start[row] + day;
        int prior = 0, priorWithdrawn = 0, priorFailed = 0, concurrent = 0, left = 0;
        foreach (var o in Others[row])
        {
            if (End[o] <= Start[row])
            {
                prior++;
                if (Result[o] == OuladFinalResult.Withdrawn) { priorWithdrawn++; }
                if (Result[o] == OuladFinalResult.Fail) { priorFailed++; }
            }
            else if (Start[o] <= now)
            {
                concurrent++;
                if (Unregistered[o] <= now) { left++; }
            }
        }

        x[k++] = prior;
        x[k++] = priorWithdrawn;
        x[k++] = priorFailed;
        x[k++] = concurrent;
        x[k++] = left;
        return k;
    }
}
