using System.Collections.Concurrent;
using CohortKit.Randomness;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Engine;

/// <summary>
/// A Personalizer-style contextual-bandit engine: <see cref="Rank"/> chooses an action for a context and returns its
/// propensity and an event id; <see cref="Reward"/> closes the loop. One linear ridge model per action id over
/// φ = [1, context features, the action's features]; LinUCB, linear Thompson sampling or epsilon-greedy choose. Apprentice
/// mode serves a caller's baseline until the engine agrees with it often enough; a reward that does not arrive within
/// <see cref="PersonalizerOptions.RewardWaitTime"/> is replaced by <see cref="PersonalizerOptions.DefaultReward"/>.
/// </summary>
/// <remarks>Thread-safe. Readers never wait for a writer: the model is an immutable snapshot that <see cref="Reward"/>
/// replaces atomically (copy on write, one writer at a time), and <see cref="Rank"/> reads whichever snapshot is current.
/// Each event's random choices come from (seed, event id), so a single-threaded run is reproducible.</remarks>
public sealed partial class Personalizer : IDisposable
{
    private const int StackLimit = 256;
    private const int SweepsPerWait = 4;

    private readonly PersonalizerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, RankResult> _pending = new();
    private readonly object _writeLock = new();
    private readonly LinearArm _prior;
    private readonly int[] _agreementWindow;
    private readonly ITimer _timeoutTimer;
    private Dictionary<string, LinearArm> _arms;
    private long _lastEventId;
    private long _apprenticeDecisions;
    private int _agreements;
    private int _mode;

    /// <summary>Creates an engine (the non-DI entry).</summary>
    /// <param name="options">The settings; validated and copied.</param>
    /// <param name="time">The clock of reward deadlines (default the system clock).</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public Personalizer(PersonalizerOptions options, TimeProvider? time = null, ILogger<Personalizer>? logger = null)
        : this(options, time, logger, new Dictionary<string, LinearArm>(StringComparer.Ordinal))
    {
    }

    /// <summary>Creates an engine from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public Personalizer(IOptions<PersonalizerOptions> options, TimeProvider time, ILogger<Personalizer>? logger = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, time, logger)
    {
    }

    private Personalizer(PersonalizerOptions options, TimeProvider? time, ILogger? logger, Dictionary<string, LinearArm> arms)
    {
        PersonalizerOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<Personalizer>.Instance;
        _prior = LinearArm.Prior(_options.Dimension, _options.Policy.Regularization);
        _agreementWindow = new int[_options.ApprenticeWindow];
        _mode = (int)(_options.ApprenticeMode ? PersonalizerMode.Apprentice : PersonalizerMode.Online);
        _arms = arms;
        var sweep = TimeSpan.FromTicks(Math.Max(1, _options.RewardWaitTime.Ticks / SweepsPerWait));
        _timeoutTimer = _time.CreateTimer(_ => ApplyTimeouts(), null, sweep, sweep);
    }

    /// <summary>Gets the current mode.</summary>
    public PersonalizerMode Mode => (PersonalizerMode)Volatile.Read(ref _mode);

    /// <summary>Gets the agreement of apprentice mode: the share of the last <see cref="PersonalizerOptions.ApprenticeWindow"/>
    /// apprentice decisions (or of all, while fewer) in which the engine's own choice equalled the baseline; 0 before any.</summary>
    public double ApprenticeAgreement
    {
        get
        {
            var decisions = Interlocked.Read(ref _apprenticeDecisions);
            return decisions == 0 ? 0 : (double)Volatile.Read(ref _agreements) / Math.Min(decisions, _agreementWindow.Length);
        }
    }

    /// <summary>Gets the number of decisions waiting for their reward.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Gets a copy of the validated settings.</summary>
    public PersonalizerOptions Options => _options.Snapshot();

    /// <summary>Chooses an action for a context.</summary>
    /// <param name="context">The context features (<see cref="PersonalizerOptions.ContextFeatures"/> finite values).</param>
    /// <param name="actions">The actions to choose from (at least one, ids distinct, each with
    /// <see cref="PersonalizerOptions.ActionFeatures"/> features).</param>
    /// <param name="baselineActionId">The action the current (baseline) policy would serve; required in apprentice mode,
    /// where it is served, and ignored otherwise.</param>
    /// <returns>The decision; pass its <see cref="RankResult.EventId"/> to <see cref="Reward"/>.</returns>
    /// <exception cref="ArgumentException">The action set is empty, two actions share an id, a length is wrong, or in
    /// apprentice mode the baseline is missing or not among the actions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A context feature is not finite, or so large that an action's predicted
    /// reward or width overflows.</exception>
    public RankResult Rank(ReadOnlySpan<double> context, IReadOnlyList<RankableAction> actions, string? baselineActionId = null)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var k = actions.Count;
        Validate(context, actions);
        var mode = Mode;
        var baseline = mode == PersonalizerMode.Apprentice ? BaselineIndex(actions, baselineActionId) : -1;
        var d = _options.Dimension;
        var arms = Volatile.Read(ref _arms);
        Span<double> phi = d <= StackLimit ? stackalloc double[d] : new double[d];
        Span<double> means = k <= StackLimit ? stackalloc double[k] : new double[k];
        Span<double> widths = k <= StackLimit ? stackalloc double[k] : new double[k];
        var needsWidth = _options.Policy.Policy is BanditPolicy.LinUcb or BanditPolicy.Thompson;
        var shared = _options.ActionFeatures == 0; // then φ = [1, context] for every action: built once
        if (shared) { Phi(context, default, phi); }
        for (var a = 0; a < k; a++)
        {
            if (!shared) { Phi(context, actions[a].Features, phi); }
            var arm = arms.TryGetValue(actions[a].Id, out var found) ? found : _prior;
            means[a] = arm.Mean(phi);
            widths[a] = needsWidth ? arm.Width(phi) : 0;
            if (!double.IsFinite(means[a]) || !double.IsFinite(widths[a])) { ThrowNotFinite(nameof(context), actions[a].Id, means[a], widths[a]); }
        }

        var eventId = Interlocked.Increment(ref _lastEventId);
        var random = new Xoshiro256(unchecked((ulong)_options.Seed), unchecked((ulong)eventId));
        var chosen = ActionSelection.Choose(_options.Policy, means, widths, ref random, out var propensity);
        var served = chosen;
        if (baseline >= 0)
        {
            served = baseline;
            propensity = 1;
            RecordAgreement(chosen == baseline);
        }

        var servedPhi = new double[d];
        Phi(context, actions[served].Features, servedPhi);
        var deadline = _time.GetUtcNow().UtcTicks + _options.RewardWaitTime.Ticks;
        var result = new RankResult
        {
            EventId = eventId,
            ActionId = actions[served].Id,
            ActionIndex = served,
            Propensity = propensity,
            ModelActionId = actions[chosen].Id,
            Mode = mode,
            Phi = servedPhi,
            DeadlineTicks = deadline,
        };
        _pending[eventId] = result;
        PersonalizationTelemetry.Decisions.Add(1);
        return result;
    }

    /// <summary>Learns the reward of a decision.</summary>
    /// <param name="eventId">The decision's event id.</param>
    /// <param name="value">The reward, finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">The reward is not finite (the decision stays pending).</exception>
    /// <exception cref="RewardRefusedException">No decision with this id is pending: it is unknown, already rewarded, or its
    /// wait ran out. The model is not changed.</exception>
    public void Reward(long eventId, double value)
    {
        if (!double.IsFinite(value))
        {
            Refused("non-finite reward");
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The reward of event {eventId} is {value}; rewards must be finite.");
        }

        if (!_pending.TryRemove(eventId, out var decision) || decision.DeadlineTicks <= _time.GetUtcNow().UtcTicks)
        {
            if (decision is not null) { LearnDefault([decision]); } // expired between the sweep and now: it gets the default reward
            var known = eventId > 0 && eventId <= Interlocked.Read(ref _lastEventId);
            Refused(known ? "event not pending" : "unknown event");
            throw known
                ? new RewardRefusedException(eventId, RewardRefusal.NotPending, $"eventId {eventId} is not pending: its reward already arrived, or it waited longer than {_options.RewardWaitTime} and got the default reward {_options.DefaultReward}.")
                : new RewardRefusedException(eventId, RewardRefusal.UnknownEvent, $"eventId {eventId} is unknown: no decision was made with it.");
        }

        Learn(decision, value);
        PersonalizationTelemetry.Rewards.Add(1);
    }

    /// <summary>Learns the default reward for every decision whose wait has run out (a scan of the pending decisions). A
    /// timer of the engine's <see cref="TimeProvider"/> calls this every quarter of <see cref="PersonalizerOptions.RewardWaitTime"/>;
    /// a reward that arrives after its deadline is refused at once and its decision gets the default reward then. Hosts rarely
    /// need to call it.</summary>
    /// <returns>The number of decisions that got the default reward.</returns>
    public int ApplyTimeouts()
    {
        var now = _time.GetUtcNow().UtcTicks;
        List<RankResult>? expired = null;
        foreach (var (_, decision) in _pending)
        {
            if (decision.DeadlineTicks <= now && _pending.TryRemove(decision.EventId, out var removed)) { (expired ??= []).Add(removed); }
        }

        if (expired is null) { return 0; }
        expired.Sort((a, b) => a.EventId.CompareTo(b.EventId)); // learn in decision order, whatever the dictionary's order
        LearnDefault(expired);
        return expired.Count;
    }

    /// <summary>Stops the timeout timer.</summary>
    public void Dispose() => _timeoutTimer.Dispose();

    internal LinearArm ArmOf(string actionId) => Volatile.Read(ref _arms).TryGetValue(actionId, out var arm) ? arm : _prior;

    /// <summary>The writers' lock (for tests that show a reader never waits for it).</summary>
    internal object WriteLock => _writeLock;

    private static void Phi(ReadOnlySpan<double> context, ReadOnlySpan<double> actionFeatures, Span<double> phi)
    {
        phi[0] = 1;
        context.CopyTo(phi[1..]);
        actionFeatures.CopyTo(phi[(1 + context.Length)..]);
    }

    private void Validate(ReadOnlySpan<double> context, IReadOnlyList<RankableAction> actions)
    {
        if (context.Length != _options.ContextFeatures)
        {
            throw new ArgumentException($"The context has {context.Length} features; the engine expects {_options.ContextFeatures}.", nameof(context));
        }

        for (var i = 0; i < context.Length; i++)
        {
            if (!double.IsFinite(context[i])) { throw new ArgumentOutOfRangeException(nameof(context), context[i], $"Context feature {i} is {context[i]}; features must be finite."); }
        }

        var k = actions.Count;
        if (k == 0) { throw new ArgumentException("The action set is empty; Rank needs at least one action.", nameof(actions)); }
        Span<int> hashes = k <= StackLimit ? stackalloc int[k] : new int[k]; // ids compared only when their hashes agree
        for (var a = 0; a < k; a++)
        {
            var action = actions[a] ?? throw new ArgumentException($"Action {a} is null.", nameof(actions));
            if (action.Features.Length != _options.ActionFeatures)
            {
                throw new ArgumentException($"Action '{action.Id}' has {action.Features.Length} features; the engine expects {_options.ActionFeatures}.", nameof(actions));
            }

            var hash = hashes[a] = action.Id.GetHashCode(StringComparison.Ordinal);
            for (var b = 0; b < a; b++)
            {
                if (hashes[b] == hash && string.Equals(actions[b].Id, action.Id, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Action id '{action.Id}' appears twice in the action set.", nameof(actions));
                }
            }
        }
    }

    /// <summary>A prediction or width that overflowed (features near 1e154 or beyond, or huge rewards): refused, since an
    /// infinite width made every Thompson propensity the smallest double and a NaN mean made the choice arbitrary.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotFinite(string parameter, string actionId, double mean, double width) => throw new ArgumentOutOfRangeException(
        parameter, $"For action '{actionId}' this context gives the predicted reward {mean} and width {width}; they must be finite: the context's features (or the learned rewards) are too large for double precision; rescale them.");

    private static int BaselineIndex(IReadOnlyList<RankableAction> actions, string? baselineActionId)
    {
        if (baselineActionId is null) { throw new ArgumentException("In apprentice mode Rank needs the baseline's action id.", nameof(baselineActionId)); }
        for (var a = 0; a < actions.Count; a++)
        {
            if (string.Equals(actions[a].Id, baselineActionId, StringComparison.Ordinal)) { return a; }
        }

        throw new ArgumentException($"The baseline action '{baselineActionId}' is not in the action set.", nameof(baselineActionId));
    }

    private void RecordAgreement(bool agree)
    {
        var window = _agreementWindow.Length;
        var decision = Interlocked.Increment(ref _apprenticeDecisions);
        var old = Interlocked.Exchange(ref _agreementWindow[(int)((decision - 1) % window)], agree ? 1 : 0);
        var agreements = Interlocked.Add(ref _agreements, (agree ? 1 : 0) - old);
        if (decision >= window && agreements >= _options.ApprenticeThreshold * window
            && Interlocked.CompareExchange(ref _mode, (int)PersonalizerMode.Online, (int)PersonalizerMode.Apprentice) == (int)PersonalizerMode.Apprentice)
        {
            PersonalizationLog.ApprenticeGraduated(_logger, decision, (double)agreements / window, _options.ApprenticeThreshold);
        }
    }

    private void Learn(RankResult decision, double reward)
    {
        lock (_writeLock)
        {
            var current = _arms;
            var arm = current.TryGetValue(decision.ActionId, out var found) ? found : _prior;
            var next = new Dictionary<string, LinearArm>(current, StringComparer.Ordinal) { [decision.ActionId] = arm.Updated(decision.Phi, reward) };
            Volatile.Write(ref _arms, next);
        }
    }

    private void LearnDefault(List<RankResult> expired)
    {
        foreach (var decision in expired) { Learn(decision, _options.DefaultReward); }
        PersonalizationTelemetry.DefaultRewards.Add(expired.Count);
        PersonalizationLog.DefaultRewardsApplied(_logger, expired.Count);
    }

    /// <summary>Drops a pending decision without learning from it (benchmarks measure Rank alone with it).</summary>
    internal bool Discard(long eventId) => _pending.TryRemove(eventId, out _);

    private void Refused(string reason)
    {
        PersonalizationTelemetry.RewardsRefused.Add(1);
        PersonalizationLog.RewardRefused(_logger, reason);
    }
}
