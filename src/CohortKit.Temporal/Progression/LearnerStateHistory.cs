namespace CohortKit.Temporal.Progression;

/// <summary>Each learner's state in every fully observed period since signup, as a struct of arrays: learner i's states are
/// <c>States[Offsets[i]..Offsets[i+1]]</c>, period 0 first.</summary>
/// <remarks>Immutable and thread-safe. Learners who signed up outside the window have no periods.</remarks>
public sealed class LearnerStateHistory
{
    private readonly int[] _offsets;
    private readonly LearnerState[] _states;
    private readonly DateOnly[] _signups;

    /// <summary>Creates a history from columns (used by <see cref="ProgressionModel.Classify"/> and by tests that plant states).</summary>
    /// <param name="offsets">Length learners + 1, from 0, non-decreasing, ending at the number of states.</param>
    /// <param name="states">The states, learner by learner.</param>
    /// <param name="signups">Each learner's signup day (period k is [signup + k·periodDays, signup + (k+1)·periodDays)).</param>
    /// <param name="periodDays">The period length in days, at least 1.</param>
    /// <exception cref="ArgumentException">The offsets do not partition the states, the signups do not match the learners, or a state is undefined.</exception>
    public LearnerStateHistory(int[] offsets, LearnerState[] states, DateOnly[] signups, int periodDays)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(signups);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodDays, 1);
        if (offsets.Length != signups.Length + 1 || offsets[0] != 0 || offsets[^1] != states.Length)
        {
            throw new ArgumentException($"offsets must have one entry per learner plus one ({signups.Length + 1}), start at 0 and end at the state count ({states.Length}).", nameof(offsets));
        }

        for (var i = 0; i < signups.Length; i++)
        {
            if (offsets[i + 1] < offsets[i]) { throw new ArgumentException($"offsets decrease at learner row {i}.", nameof(offsets)); }
        }

        for (var i = 0; i < states.Length; i++)
        {
            if ((byte)states[i] > (byte)LearnerState.Churned) { throw new ArgumentException($"State {i} is undefined ({(byte)states[i]}).", nameof(states)); }
        }

        _offsets = offsets;
        _states = states;
        _signups = signups;
        PeriodDays = periodDays;
    }

    /// <summary>Gets the number of learners.</summary>
    public int LearnerCount => _signups.Length;

    /// <summary>Gets the period length in days.</summary>
    public int PeriodDays { get; }

    /// <summary>Gets the learner offsets.</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>Gets every state, learner by learner.</summary>
    public ReadOnlySpan<LearnerState> States => _states;

    /// <summary>Gets each learner's signup day.</summary>
    public ReadOnlySpan<DateOnly> Signups => _signups;

    /// <summary>Gets one learner's states, period 0 first.</summary>
    /// <param name="learner">The learner row.</param>
    /// <returns>The states.</returns>
    public ReadOnlySpan<LearnerState> Of(int learner) => _states.AsSpan(_offsets[learner], _offsets[learner + 1] - _offsets[learner]);

    /// <summary>The last day of period <paramref name="period"/> of learner <paramref name="learner"/>.</summary>
    internal DateOnly PeriodEnd(int learner, int period) => _signups[learner].AddDays((period + 1) * PeriodDays - 1);
}
