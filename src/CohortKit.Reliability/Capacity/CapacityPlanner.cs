using System.Globalization;
using CohortKit.Errors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Capacity;

/// <summary>Sizes server pools with Erlang C (M/M/c) and prices them. A pool's count is the smallest c for which
/// P(wait &gt; W) = C(c, λ/μ)·e^(−(cμ − λ)W) ≤ 1 − q; headroom repeats the computation at headroom × λ.</summary>
/// <remarks>Stateless after construction and safe to share between threads.</remarks>
public sealed class CapacityPlanner
{
    /// <summary>Hours in the month used for costs (365 × 24 / 12).</summary>
    public const double HoursPerMonth = 730;

    private static readonly double[] SensitivityFactors = [0.5, 0.8, 1.25, 1.5, 2];
    private readonly CapacityOptions _options;

    /// <summary>Creates a planner.</summary>
    /// <param name="options">Quantile, headroom, limits and prices; validated and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (e.g. a negative price); the parameter names it.</exception>
    public CapacityPlanner(CapacityOptions options)
    {
        CapacityOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
    }

    /// <summary>Creates a planner from DI options.</summary>
    /// <param name="options">The options.</param>
    [ActivatorUtilitiesConstructor]
    public CapacityPlanner(IOptions<CapacityOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>The smallest pool that meets the waiting-time target.</summary>
    /// <param name="arrivalRatePerSecond">λ, requests per second, finite and at least 0.</param>
    /// <param name="serviceTime">Mean service time 1/μ, positive.</param>
    /// <param name="waitTarget">W, at least zero.</param>
    /// <returns>The count and its queue figures.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or the load is at or above the capacity of every
    /// allowed server count (<see cref="CapacityOptions.MaxServers"/>); the parameter is <paramref name="arrivalRatePerSecond"/>.</exception>
    public ServerCount Size(double arrivalRatePerSecond, TimeSpan serviceTime, TimeSpan waitTarget)
    {
        if (!(double.IsFinite(arrivalRatePerSecond) && arrivalRatePerSecond >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(arrivalRatePerSecond), arrivalRatePerSecond, "The arrival rate must be finite and not negative.");
        }

        if (serviceTime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(serviceTime), serviceTime, "The service time must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(waitTarget, TimeSpan.Zero);
        var s = serviceTime.TotalSeconds;
        var a = arrivalRatePerSecond * s;
        var tail = 1 - _options.WaitQuantile;
        var w = waitTarget.TotalSeconds;
        var b = 1.0;
        for (var c = 1; c <= _options.MaxServers; c++)
        {
            b = ErlangC.Step(b, c, a);
            if (c <= a)
            {
                continue;
            }

            var wait = ErlangC.FromErlangB(b, c, a);
            var exceeds = wait * Math.Exp(-(c - a) * w / s);
            if (exceeds <= tail)
            {
                return new ServerCount
                {
                    OfferedLoad = a,
                    Servers = c,
                    ProbabilityOfWaiting = wait,
                    ProbabilityWaitExceedsTarget = exceeds,
                    WaitQuantile = wait > tail ? NearestTick(s / (c - a) * Math.Log(wait / tail)) : TimeSpan.Zero,
                    Utilization = a / c,
                };
            }
        }

        throw new ArgumentOutOfRangeException(nameof(arrivalRatePerSecond), arrivalRatePerSecond, string.Create(CultureInfo.InvariantCulture,
            $"An arrival rate of {arrivalRatePerSecond}/s with a {s * 1000} ms service time (load {a:G6} erlangs) is at or above the capacity of every allowed server count: no pool of at most MaxServers = {_options.MaxServers} keeps P(wait > {w * 1000} ms) ≤ {tail:G6}."));
    }

    /// <summary>Sizes the pool for λ and for headroom × λ and prices the latter on demand.</summary>
    /// <param name="arrivalRatePerSecond">λ, requests per second.</param>
    /// <param name="serviceTime">Mean service time.</param>
    /// <param name="waitTarget">W.</param>
    /// <returns>Both sizings and the hourly cost.</returns>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="Size"/> for λ; when only headroom × λ is beyond every allowed
    /// server count, the parameter is <see cref="CapacityOptions.Headroom"/>.</exception>
    public CapacityEstimate Estimate(double arrivalRatePerSecond, TimeSpan serviceTime, TimeSpan waitTarget)
    {
        var baseCount = Size(arrivalRatePerSecond, serviceTime, waitTarget);
        ServerCount withHeadroom;
        try
        {
            withHeadroom = Size(arrivalRatePerSecond * _options.Headroom, serviceTime, waitTarget);
        }
        catch (ArgumentOutOfRangeException)
        {
#pragma warning disable CA2208 // the option at fault is Headroom (as the options validator names it), not an argument of this method
            throw new ArgumentOutOfRangeException(nameof(CapacityOptions.Headroom), _options.Headroom, string.Create(CultureInfo.InvariantCulture,
                $"sizing for {_options.Headroom} × the arrival rate {arrivalRatePerSecond}/s = {arrivalRatePerSecond * _options.Headroom:G6}/s (a load of {arrivalRatePerSecond * _options.Headroom * serviceTime.TotalSeconds:G6} erlangs) needs more than MaxServers = {_options.MaxServers} servers; the arrival rate alone needs {baseCount.Servers}."));
#pragma warning restore CA2208
        }

        return new CapacityEstimate { Base = baseCount, WithHeadroom = withHeadroom, CostPerHour = withHeadroom.Servers * _options.OnDemandPricePerHour };
    }

    /// <summary>Seconds as a <see cref="TimeSpan"/> rounded to the nearest tick (100 ns): <see cref="TimeSpan.FromSeconds(double)"/>
    /// truncates, which reported 16.105680744 ms as 16.1056.</summary>
    private static TimeSpan NearestTick(double seconds)
    {
        var ticks = Math.Round(seconds * TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero);
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Plans the fleet for N concurrent learners: one pool per region and request class, the purchase mix, the cost per
    /// learner-month and a sensitivity table.</summary>
    /// <param name="concurrentLearners">N, at least 1 (the plan's target is 1,000,000).</param>
    /// <param name="requestMix">The request classes, at least one.</param>
    /// <param name="regions">The regions and their shares, adding up to 1 (within 1e-9).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">A rate or time is negative, the mix or regions are empty, the shares do not add up to 1,
    /// or a pool needs more than <see cref="CapacityOptions.MaxServers"/>.</exception>
    public FleetPlan PlanFleet(long concurrentLearners, IReadOnlyList<RequestClass> requestMix, IReadOnlyList<RegionShare> regions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentLearners, 1);
        ArgumentNullException.ThrowIfNull(requestMix);
        ArgumentNullException.ThrowIfNull(regions);
        if (requestMix.Count == 0) { throw new ArgumentException("The request mix needs at least one request class.", nameof(requestMix)); }
        if (regions.Count == 0) { throw new ArgumentException("At least one region is needed.", nameof(regions)); }
        foreach (var r in requestMix)
        {
            if (!(double.IsFinite(r.RequestsPerLearnerPerSecond) && r.RequestsPerLearnerPerSecond >= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(requestMix), r.RequestsPerLearnerPerSecond, $"Request class '{r.Name}': RequestsPerLearnerPerSecond must be finite and not negative.");
            }
        }

        if (regions.Any(r => !(r.Share is > 0 and <= 1)) || Math.Abs(regions.Sum(r => r.Share) - 1) > 1e-9)
        {
            throw new ArgumentException("Each region's share must be in (0, 1] and the shares must add up to 1.", nameof(regions));
        }

        var pools = Pools(concurrentLearners, requestMix, regions, 1, 1);
        var mix = Mix(pools, _options.SpotPricePerHour);
        var sensitivity = new List<SensitivityRow>();
        foreach (var input in Enum.GetValues<SensitivityInput>())
        {
            foreach (var f in SensitivityFactors)
            {
                var scaled = input switch
                {
                    SensitivityInput.Learners => Pools(concurrentLearners, requestMix, regions, f, 1),
                    SensitivityInput.ServiceTime => Pools(concurrentLearners, requestMix, regions, 1, f),
                    _ => pools,
                };
                var m = Mix(scaled, input == SensitivityInput.SpotPrice ? _options.SpotPricePerHour * f : _options.SpotPricePerHour);
                sensitivity.Add(new SensitivityRow
                {
                    Input = input, Factor = f, Servers = scaled.Sum(p => p.Estimate.WithHeadroom.Servers),
                    CostPerLearnerMonth = m.CostPerHour * HoursPerMonth / (concurrentLearners * (input == SensitivityInput.Learners ? f : 1)),
                });
            }
        }

        return new FleetPlan
        {
            ConcurrentLearners = concurrentLearners,
            Pools = pools,
            BaseServers = pools.Sum(p => p.Estimate.Base.Servers),
            ServersWithHeadroom = pools.Sum(p => p.Estimate.WithHeadroom.Servers),
            Mix = mix,
            CostPerLearnerMonth = mix.CostPerHour * HoursPerMonth / concurrentLearners,
            Sensitivity = sensitivity,
        };
    }

    /// <summary>One pool per region and request class. A pool that cannot be sized (a service time that is not positive, a
    /// load beyond every allowed server count) is reported against <c>requestMix</c>, naming the region and request class:
    /// the parameters of <see cref="Estimate"/> are not this method's.</summary>
    private List<PoolPlan> Pools(long learners, IReadOnlyList<RequestClass> requestMix, IReadOnlyList<RegionShare> regions, double learnerFactor, double serviceFactor)
    {
        var pools = new List<PoolPlan>(regions.Count * requestMix.Count);
        foreach (var region in regions)
        {
            foreach (var r in requestMix)
            {
                var rate = learners * learnerFactor * region.Share * r.RequestsPerLearnerPerSecond;
                CapacityEstimate estimate;
                try
                {
                    estimate = Estimate(rate, r.ServiceTime * serviceFactor, r.WaitTarget);
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    var scaled = learnerFactor != 1 || serviceFactor != 1
                        ? string.Create(CultureInfo.InvariantCulture, $" (sensitivity: learners × {learnerFactor}, service time × {serviceFactor})")
                        : "";
                    var reason = ex.WithoutParameterName().ReplaceLineEndings("\n").Split('\n')[0];
                    throw new ArgumentOutOfRangeException(nameof(requestMix), ex.ActualValue, string.Create(CultureInfo.InvariantCulture,
                        $"Region '{region.Name}', request class '{r.Name}' ({rate:G6} requests/s, service time {r.ServiceTime.TotalMilliseconds} ms, wait target {r.WaitTarget.TotalMilliseconds} ms){scaled}: {reason}"));
                }

                pools.Add(new PoolPlan { Region = region.Name, RequestClass = r.Name, ArrivalRatePerSecond = rate, Estimate = estimate });
            }
        }

        return pools;
    }

    /// <summary>Per pool: reserved = round(ReservedShare × base), the rest of the base on demand; spot = round(SpotShareOfHeadroom ×
    /// headroom servers), the rest of the headroom on demand.</summary>
    private PurchaseMix Mix(IReadOnlyList<PoolPlan> pools, double spotPrice)
    {
        int reserved = 0, onDemand = 0, spot = 0;
        foreach (var p in pools)
        {
            var baseServers = p.Estimate.Base.Servers;
            var extra = p.Estimate.WithHeadroom.Servers - baseServers;
            var r = (int)Math.Round(_options.ReservedShare * baseServers, MidpointRounding.AwayFromZero);
            var s = (int)Math.Round(_options.SpotShareOfHeadroom * extra, MidpointRounding.AwayFromZero);
            reserved += r;
            spot += s;
            onDemand += baseServers - r + extra - s;
        }

        return new PurchaseMix
        {
            Reserved = reserved, OnDemand = onDemand, Spot = spot,
            CostPerHour = (reserved * _options.ReservedPricePerHour) + (onDemand * _options.OnDemandPricePerHour) + (spot * spotPrice),
        };
    }
}
