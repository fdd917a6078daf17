using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Slo;

/// <summary>Evaluates one service-level objective in process: it counts good and bad requests in time buckets (memory is
/// bounded by <see cref="SloOptions.Period"/> / <see cref="SloOptions.BucketWidth"/> buckets, never by traffic), and reports the
/// error budget and the multi-window, multi-burn-rate alerts of the SRE workbook without Prometheus.</summary>
/// <remarks>
/// <para>A window of w buckets evaluated in bucket e covers the buckets (e − w, e], the current, partly filled bucket included.
/// An alert fires while the error ratio of both its windows is strictly above burn rate × (1 − objective), and clears when
/// either is not.</para>
/// <para>Thread safety: recording is lock-free (interlocked increments; a lock only when a bucket is reused, once per bucket
/// width) and safe from any thread. <see cref="Evaluate"/> takes a lock and may run beside recording; a count recorded
/// during an evaluation may or may not be included.</para>
/// <para>A record whose time is older than the ring (the clock went back by more than a period) is dropped.</para>
/// </remarks>
public sealed class SloMonitor
{
    private readonly SloOptions _options;
    private readonly TimeProvider _time;
    private readonly Bucket[] _ring;
    private readonly long _bucketTicks;
    private readonly Rule[] _rules;
    private readonly DateTimeOffset?[] _firingSince;
    private readonly Lock _gate = new();
    private readonly bool _systemClock;
    private readonly double _budget;
    private Cursor _cursor;

    /// <summary>Creates a monitor.</summary>
    /// <param name="options">The objective, windows and rules; validated and copied.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the parameter names the option, e.g. <c>Objective</c> or
    /// <c>Alerts[1].ShortWindow</c> for windows that do not nest).</exception>
    public SloMonitor(SloOptions options, TimeProvider? timeProvider = null)
    {
        SloOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _time = timeProvider ?? TimeProvider.System;
        _systemClock = ReferenceEquals(_time, TimeProvider.System);
        _bucketTicks = _options.BucketWidth.Ticks;
        _ring = new Bucket[checked((int)(_options.Period.Ticks / _bucketTicks))];
        for (var i = 0; i < _ring.Length; i++)
        {
            _ring[i].Epoch = long.MinValue;
        }

        var budget = _budget = BudgetRatio(_options.Objective);
        var floorPerBucket = _options.LowTrafficMinimumRequestsPerHour * _bucketTicks / TimeSpan.TicksPerHour;
        _rules = _options.Alerts.Select(r => new Rule(
            r, (int)(r.LongWindow.Ticks / _bucketTicks), (int)(r.ShortWindow.Ticks / _bucketTicks), Threshold(r.BurnRate, _options.Objective, budget),
            floorPerBucket * (r.LongWindow.Ticks / _bucketTicks), floorPerBucket * (r.ShortWindow.Ticks / _bucketTicks))).ToArray();
        _firingSince = new DateTimeOffset?[_rules.Length];
        _cursor = new Cursor(long.MinValue, long.MinValue, 0, long.MinValue);
    }

    /// <summary>Creates a monitor from DI options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock.</param>
    [ActivatorUtilitiesConstructor]
    public SloMonitor(IOptions<SloOptions> options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, timeProvider)
    {
    }

    /// <summary>Gets the objective.</summary>
    public double Objective => _options.Objective;

    /// <summary>Gets what makes a request good.</summary>
    public ServiceLevelIndicator Indicator => _options.Indicator;

    /// <summary>Gets the latency threshold of <see cref="ServiceLevelIndicator.Latency"/>.</summary>
    public TimeSpan LatencyThreshold => _options.LatencyThreshold;

    /// <summary>Gets the number of time buckets held (the memory bound).</summary>
    public int BucketCount => _ring.Length;

    /// <summary>Records one request as good or bad at the current time. No allocation.</summary>
    /// <param name="good">Whether the request was good.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(bool good) => Add(1, good ? 0 : 1);

    /// <summary>Records one request, classified by <see cref="SloOptions.Indicator"/>: good when it succeeded (and, for
    /// <see cref="ServiceLevelIndicator.Latency"/>, took at most <see cref="SloOptions.LatencyThreshold"/>).</summary>
    /// <param name="succeeded">Whether the request succeeded.</param>
    /// <param name="latency">How long it took.</param>
    public void RecordRequest(bool succeeded, TimeSpan latency)
        => Record(succeeded && (_options.Indicator == ServiceLevelIndicator.Availability || latency <= _options.LatencyThreshold));

    /// <summary>Records counts aggregated elsewhere (e.g. the deltas of an OpenTelemetry request counter and error counter since the last export).</summary>
    /// <param name="requests">Requests, at least 0.</param>
    /// <param name="bad">Bad requests among them, 0 to <paramref name="requests"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requests"/> is negative, or <paramref name="bad"/> is negative or above it.</exception>
    public void RecordCounts(long requests, long bad)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requests);
        ArgumentOutOfRangeException.ThrowIfNegative(bad);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bad, requests);
        Add(requests, bad);
    }

    /// <summary>Computes the error budget and every alert's state now, and updates when each alert started firing.</summary>
    /// <returns>The status.</returns>
    public SloStatus Evaluate()
    {
        var now = _time.GetUtcNow();
        var epoch = now.UtcTicks / _bucketTicks;
        lock (_gate)
        {
            var (requests, bad) = Sum(epoch, _ring.Length);
            var alerts = new BurnRateAlertState[_rules.Length];
            for (var i = 0; i < _rules.Length; i++)
            {
                var state = EvaluateRule(i, epoch, out var longRequests);
                var rule = _rules[i];
                alerts[i] = new BurnRateAlertState
                {
                    Severity = rule.Source.Severity,
                    LongWindow = rule.Source.LongWindow,
                    ShortWindow = rule.Source.ShortWindow,
                    Threshold = rule.Source.BurnRate,
                    LongBurnRate = state.LongRatio / _budget,
                    ShortBurnRate = state.ShortRatio / _budget,
                    LongWindowRequests = longRequests,
                    Firing = state.Firing,
                    FiringSince = Transition(i, state.Firing, now),
                };
            }

            return new SloStatus
            {
                EvaluatedAt = now,
                Objective = _options.Objective,
                Requests = requests,
                BadRequests = bad,
                ErrorBudgetConsumed = requests == 0 ? 0 : bad / (double)requests / _budget,
                Attainment = requests == 0 ? 1 : (requests - bad) / (double)requests,
                Alerts = alerts,
            };
        }
    }

    /// <summary>Whether each rule fires now and its long- and short-window burn rates (as in <see cref="Evaluate"/>), without
    /// allocating a status; updates the firing times. For replays.</summary>
    internal void EvaluateFiring(Span<bool> firing, Span<double> longBurnRate, Span<double> shortBurnRate)
    {
        var now = _time.GetUtcNow();
        var epoch = now.UtcTicks / _bucketTicks;
        lock (_gate)
        {
            for (var i = 0; i < _rules.Length; i++)
            {
                var state = EvaluateRule(i, epoch, out _);
                firing[i] = state.Firing;
                longBurnRate[i] = state.LongRatio / _budget;
                shortBurnRate[i] = state.ShortRatio / _budget;
                Transition(i, firing[i], now);
            }
        }
    }

    internal int RuleCount => _rules.Length;

    /// <summary>1 − objective as the objective is written: 1 − 0.9999 in binary floating point is 9.99999999999989e-5, a hair below
    /// 1e-4, so an error ratio of exactly 1/10,000 would count as "above" the budget. Subtracting in decimal (the objective read
    /// to its 15 significant digits) gives the double nearest to 1e-4, the same double as 1/10,000, and ties stay ties.</summary>
    internal static double BudgetRatio(double objective)
    {
        var exact = 1m - (decimal)objective;
        return exact > 0 ? (double)exact : 1 - objective;
    }

    /// <summary>burn rate × (1 − objective), in decimal for the same reason as <see cref="BudgetRatio"/> (14.4 × 1e-4 is then the
    /// double nearest to 0.00144, equal to 144/100,000).</summary>
    private static double Threshold(double burnRate, double objective, double budget)
    {
        var exact = 1m - (decimal)objective;
        return exact > 0 && burnRate < 1e12 ? (double)((decimal)burnRate * exact) : burnRate * budget;
    }

    /// <summary>The counts of the bucket holding <paramref name="time"/>, (0, 0) when the ring no longer (or not yet) holds it.</summary>
    internal (long Requests, long Bad) CountsAt(DateTimeOffset time)
    {
        var epoch = time.UtcTicks / _bucketTicks;
        ref var b = ref _ring[(int)(epoch % _ring.Length)];
        return Volatile.Read(ref b.Epoch) == epoch ? (Volatile.Read(ref b.Total), Volatile.Read(ref b.Bad)) : (0, 0);
    }

    internal BurnRateAlertRule RuleAt(int index) => _rules[index].Source;

    private DateTimeOffset? Transition(int rule, bool firing, DateTimeOffset now)
    {
        if (firing && _firingSince[rule] is null)
        {
            _firingSince[rule] = now;
            ReliabilityTelemetry.AlertsFired.Add(1);
        }
        else if (!firing)
        {
            _firingSince[rule] = null;
        }

        return _firingSince[rule];
    }

    private (double LongRatio, double ShortRatio, bool Firing) EvaluateRule(int index, long epoch, out long longRequests)
    {
        var rule = _rules[index];
        var (lt, lb) = Sum(epoch, rule.LongBuckets);
        var (st, sb) = Sum(epoch, rule.ShortBuckets);
        longRequests = lt;
        var longDenominator = Math.Max(lt, rule.LongFloor);
        var shortDenominator = Math.Max(st, rule.ShortFloor);
        var longRatio = longDenominator > 0 ? lb / longDenominator : 0;
        var shortRatio = shortDenominator > 0 ? sb / shortDenominator : 0;
        return (longRatio, shortRatio, longRatio > rule.ThresholdRatio && shortRatio > rule.ThresholdRatio);
    }

    /// <summary>Sums the buckets (epoch − count, epoch] that still hold those epochs.</summary>
    private (long Requests, long Bad) Sum(long epoch, int count)
    {
        long total = 0, bad = 0;
        var n = _ring.Length;
        var first = epoch - count + 1;
        var slot = (int)(((first % n) + n) % n);
        for (var k = first; k <= epoch; k++)
        {
            ref var b = ref _ring[slot];
            if (b.Epoch == k)
            {
                total += Volatile.Read(ref b.Total);
                bad += Volatile.Read(ref b.Bad);
            }

            if (++slot == n)
            {
                slot = 0;
            }
        }

        return (total, bad);
    }

    /// <remarks>The hot path: the bucket of the last record is cached as its start tick, epoch and ring slot, so a record in
    /// the same bucket costs a subtraction and one unsigned compare instead of a 64-bit division and modulo; the cursor is
    /// replaced (one small allocation per bucket width, not per record) only when a record falls outside it. With
    /// <see cref="TimeProvider.System"/> the precise wall clock is not read at all while the cached bucket certainly still
    /// holds the present: the cursor carries the coarse monotonic tick (<see cref="Environment.TickCount64"/>, a few ns)
    /// before which that is true, with <see cref="CoarseMarginMilliseconds"/> to spare for the coarse clock's granularity;
    /// in the last moments of a bucket, and with any other <see cref="TimeProvider"/> (tests, replays), every record reads
    /// <see cref="TimeProvider.GetUtcNow"/>. The house bans <c>DateTime.UtcNow</c>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(long requests, long bad)
    {
        var cursor = Volatile.Read(ref _cursor);
        if (!_systemClock || Environment.TickCount64 >= cursor.CoarseUntil)
        {
            var ticks = _time.GetUtcNow().UtcTicks;
            if ((ulong)(ticks - cursor.Start) >= (ulong)_bucketTicks)
            {
                cursor = Move(ticks);
            }
        }

        ref var b = ref _ring[cursor.Slot];
        if (Volatile.Read(ref b.Epoch) != cursor.Epoch && !Claim(ref b, cursor.Epoch))
        {
            return;
        }

        Interlocked.Add(ref b.Total, requests);
        if (bad != 0)
        {
            Interlocked.Add(ref b.Bad, bad);
        }
    }

    /// <summary>The cursor of the bucket holding <paramref name="ticks"/>; published for later records when it is not older
    /// than the cached one (a record from a clock that went back does not drag the cursor back for everyone).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Cursor Move(long ticks)
    {
        var epoch = Math.DivRem(ticks, _bucketTicks, out var rest);
        if (rest < 0)
        {
            epoch--; // ticks before year 1 cannot come from a DateTimeOffset; kept floor-correct anyway
        }

        var slot = (int)(((epoch % _ring.Length) + _ring.Length) % _ring.Length);
        var start = epoch * _bucketTicks;
        var coarseUntil = long.MinValue;
        if (_systemClock)
        {
            var leftMilliseconds = (start + _bucketTicks - ticks) / TimeSpan.TicksPerMillisecond;
            coarseUntil = Environment.TickCount64 + leftMilliseconds - CoarseMarginMilliseconds;
        }

        var next = new Cursor(epoch, start, slot, coarseUntil);
        var seen = Volatile.Read(ref _cursor);
        if (epoch > seen.Epoch)
        {
            Interlocked.CompareExchange(ref _cursor, next, seen);
        }

        return next;
    }

    /// <summary>Reuses a bucket for a new epoch; false when the record is older than the bucket's epoch (dropped).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Claim(ref Bucket b, long epoch)
    {
        lock (_gate)
        {
            if (b.Epoch > epoch)
            {
                return false;
            }

            if (b.Epoch != epoch)
            {
                b.Total = 0;
                b.Bad = 0;
                Volatile.Write(ref b.Epoch, epoch);
            }

            return true;
        }
    }

    private struct Bucket
    {
        public long Epoch;
        public long Total;
        public long Bad;
    }

    /// <summary>How long before a bucket's end (by the coarse clock) records go back to reading the precise clock: well above the
    /// coarse clock's granularity (one scheduler tick, 1–10 ms), so no record is counted in a bucket that has already ended.</summary>
    private const long CoarseMarginMilliseconds = 50;

    /// <summary>The bucket of the latest record: its epoch, first tick and ring slot, and the value of
    /// <see cref="Environment.TickCount64"/> before which it still holds the present (system clock only; immutable, swapped whole).</summary>
    private sealed record Cursor(long Epoch, long Start, int Slot, long CoarseUntil);

    private sealed record Rule(BurnRateAlertRule Source, int LongBuckets, int ShortBuckets, double ThresholdRatio, double LongFloor, double ShortFloor);
}
