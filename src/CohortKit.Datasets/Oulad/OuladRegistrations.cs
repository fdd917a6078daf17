using CohortKit.Learners;

namespace CohortKit.Datasets.Oulad;

/// <summary>
/// OULAD's registrations, one row per (module, presentation, student) — <c>studentInfo.csv</c> joined to
/// <c>studentRegistration.csv</c> and <c>courses.csv</c> — stored column by column. Days are relative to the start of the
/// module presentation (day 0), as in OULAD.
/// </summary>
/// <remarks>Immutable and thread-safe. Build it with <see cref="OuladLoader.Load"/>.</remarks>
public sealed class OuladRegistrations
{
    private readonly long[] _students;
    private readonly OuladFinalResult[] _results;
    private readonly int?[] _registered;
    private readonly int?[] _unregistered;
    private readonly int[] _lengths;

    internal OuladRegistrations(CategoricalColumn module, CategoricalColumn presentation, CategoricalColumn modulePresentation, long[] students,
        OuladFinalResult[] results, int?[] registered, int?[] unregistered, int[] lengths, IReadOnlyList<CategoricalColumn> attributes)
    {
        Module = module;
        Presentation = presentation;
        ModulePresentation = modulePresentation;
        _students = students;
        _results = results;
        _registered = registered;
        _unregistered = unregistered;
        _lengths = lengths;
        Attributes = attributes;
    }

    /// <summary>Gets the number of registrations (32,593 in the published data).</summary>
    public int Count => _students.Length;

    /// <summary>Gets <c>code_module</c> (AAA … GGG).</summary>
    public CategoricalColumn Module { get; }

    /// <summary>Gets <c>code_presentation</c> (2013B, 2013J, 2014B, 2014J: B starts in February, J in October).</summary>
    public CategoricalColumn Presentation { get; }

    /// <summary>Gets the module presentation, e.g. <c>AAA 2013J</c> (22 values).</summary>
    public CategoricalColumn ModulePresentation { get; }

    /// <summary>Gets <c>id_student</c> of each registration (a student may have several registrations).</summary>
    public ReadOnlySpan<long> Students => _students;

    /// <summary>Gets <c>final_result</c>.</summary>
    public ReadOnlySpan<OuladFinalResult> FinalResults => _results;

    /// <summary>Gets <c>date_registration</c> (days relative to the start; null where missing).</summary>
    public IReadOnlyList<int?> RegistrationDays => _registered;

    /// <summary>Gets <c>date_unregistration</c> (days relative to the start; null for students who did not unregister).</summary>
    public IReadOnlyList<int?> UnregistrationDays => _unregistered;

    /// <summary>Gets <c>module_presentation_length</c> in days.</summary>
    public ReadOnlySpan<int> ModuleLengths => _lengths;

    /// <summary>Gets the demographic columns of <c>studentInfo.csv</c> as categorical columns: gender, region,
    /// highest_education, imd_band, age_band, num_of_prev_attempts, studied_credits, disability (missing values are "").</summary>
    public IReadOnlyList<CategoricalColumn> Attributes { get; }

    /// <summary>The nominal start date of a presentation: 1 February of the year for <c>B</c>, 1 October for <c>J</c>.
    /// OULAD publishes days relative to the start only; these dates place the presentations on one calendar.</summary>
    /// <param name="presentation">A code such as <c>2014J</c>.</param>
    /// <returns>The nominal start date.</returns>
    /// <exception cref="ArgumentException">The code is not a year followed by B or J.</exception>
    public static DateOnly StartDate(string presentation)
    {
        ArgumentNullException.ThrowIfNull(presentation);
        if (presentation.Length == 5 && int.TryParse(presentation.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
            && presentation[4] is 'B' or 'J')
        {
            return new DateOnly(year, presentation[4] == 'B' ? 2 : 10, 1);
        }

        throw new ArgumentException($"Presentation '{presentation}' is not a year followed by B or J.", nameof(presentation));
    }

    /// <summary>The learner identifier of a registration: <c>id_student × 32 + module-presentation code</c>, so that a
    /// student registered on several presentations is several learners (the 22 codes fit below 32).</summary>
    /// <param name="row">The registration row.</param>
    /// <returns>The identifier.</returns>
    public LearnerId LearnerIdOf(int row) => new(_students[row] * IdStride + ModulePresentation.Codes[row]);

    /// <summary>The multiplier of <see cref="LearnerIdOf"/>.</summary>
    public const int IdStride = 32;

    /// <summary>Time to withdrawal, exactly as <c>oulad_withdrawal_km.json</c> defines it: registrations with
    /// <c>date_unregistration ≤ 0</c> are dropped (they left before the start); the event is <c>final_result = Withdrawn</c>
    /// with <c>date_unregistration &gt; 0</c>, at that day; everyone else is censored at the module presentation's length.</summary>
    /// <returns>One subject per kept registration.</returns>
    public OuladWithdrawal Withdrawal()
    {
        var rows = new List<int>(Count);
        for (var r = 0; r < Count; r++)
        {
            if (_unregistered[r] is not <= 0) { rows.Add(r); }
        }

        var time = new double[rows.Count];
        var withdrew = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            withdrew[i] = _results[r] == OuladFinalResult.Withdrawn && _unregistered[r] is > 0;
            time[i] = withdrew[i] ? _unregistered[r]!.Value : _lengths[r];
        }

        return new OuladWithdrawal
        {
            Time = time,
            Withdrew = withdrew,
            Module = Subset(Module, rows),
            ModulePresentation = Subset(ModulePresentation, rows),
            DroppedBeforeStart = Count - rows.Count,
        };
    }

    /// <summary>The registrations as learners: the identifier of <see cref="LearnerIdOf"/>, the presentation's nominal start
    /// (<see cref="StartDate"/>) as signup date, and columns <c>module</c>, <c>presentation</c>, <c>module_presentation</c>,
    /// <c>final_result</c> and every demographic column.</summary>
    /// <returns>The learners, in registration order.</returns>
    public LearnerAttributes ToLearnerAttributes()
    {
        var ids = new LearnerId[Count];
        var signups = new DateOnly[Count];
        var starts = Presentation.Categories.Select(StartDate).ToArray();
        for (var r = 0; r < Count; r++)
        {
            ids[r] = LearnerIdOf(r);
            signups[r] = starts[Presentation.Codes[r]];
        }

        var results = CategoricalColumn.Encode("final_result", _results.Select(f => f.ToString()));
        IEnumerable<CategoricalColumn> columns = [Rename(Module, "module"), Rename(Presentation, "presentation"), Rename(ModulePresentation, "module_presentation"), results, .. Attributes];
        return new LearnerAttributes(ids, signups, columns);
    }

    private static CategoricalColumn Rename(CategoricalColumn c, string name) => new(name, [.. c.Categories], c.Codes.ToArray());

    private static CategoricalColumn Subset(CategoricalColumn c, List<int> rows) => CategoricalColumn.Encode(c.Name, rows.Select(r => c[r]));
}

/// <summary>OULAD time to withdrawal (<see cref="OuladRegistrations.Withdrawal"/>): one subject per registration kept.</summary>
public sealed record OuladWithdrawal
{
    /// <summary>Gets the day of withdrawal for events, the presentation length for censored subjects.</summary>
    public required ReadOnlyMemory<double> Time { get; init; }

    /// <summary>Gets whether each subject withdrew (the event).</summary>
    public required ReadOnlyMemory<bool> Withdrew { get; init; }

    /// <summary>Gets each subject's module.</summary>
    public required CategoricalColumn Module { get; init; }

    /// <summary>Gets each subject's module presentation (e.g. <c>AAA 2013J</c>).</summary>
    public required CategoricalColumn ModulePresentation { get; init; }

    /// <summary>Gets the registrations dropped because they unregistered on or before day 0.</summary>
    public required int DroppedBeforeStart { get; init; }
}
