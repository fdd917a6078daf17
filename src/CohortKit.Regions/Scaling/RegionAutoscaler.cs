using System.Globalization;
using CohortKit.Errors;
using CohortKit.Reliability.Capacity;

namespace CohortKit.Regions.Scaling;

/// <summary>A region's traffic: its peak arrival rate, shaped over the day by a diurnal curve.</summary>
public sealed record RegionTraffic
{
    /// <summary>Gets the region's name.</summary>
    public required string Region { get; init; }

    /// <summary>Gets the peak arrival rate, requests per second (finite, at least 0).</summary>
    public required double PeakRequestsPerSecond { get; init; }
}

/// <summary>The instances one region needs.</summary>
public sealed record RegionScalePlan
{
    /// <summary>Gets the region.</summary>
    public required string Region { get; init; }

    /// <summary>Gets the arrival rate of each hour of the day (peak × the diurnal factor).</summary>
    public required IReadOnlyList<double> HourlyRequestsPerSecond { get; init; }

    /// <summary>Gets the instances each hour needs (Erlang C, no headroom).</summary>
    public required IReadOnlyList<int> HourlyInstances { get; init; }

    /// <summary>Gets the fewest instances of the day (the autoscaler's floor), at least <see cref="RegionAutoscaler.MinimumInstances"/>.</summary>
    public required int MinInstances { get; init; }

    /// <summary>Gets the instances at the peak hour.</summary>
    public required int PeakInstances { get; init; }

    /// <summary>Gets the instances for headroom × the peak rate (the autoscaler's ceiling).</summary>
    public required int MaxInstances { get; init; }

    /// <summary>Gets the utilisation per instance at the peak (the autoscaler's target).</summary>
    public required double PeakUtilization { get; init; }
}

/// <summary>Derives each region's instance counts from its arrival rate over the day, the service time and the latency target,
/// through Reliability's <see cref="CapacityPlanner"/> (Erlang C), with headroom (the planner's, default 2× the peak).</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public sealed class RegionAutoscaler
{
    /// <summary>The fewest instances a region runs, so that a zone failure leaves one serving.</summary>
    public const int MinimumInstances = 2;

    private const int HoursPerDay = 24;

    private readonly CapacityPlanner _planner;
    private readonly double[] _diurnal;

    /// <summary>Creates an autoscaler.</summary>
    /// <param name="planner">The capacity planner (its options carry the wait quantile and headroom).</param>
    /// <param name="diurnal">24 hourly factors in [0, 1] with maximum 1 (the peak hour), or null for <see cref="DefaultDiurnal"/>.</param>
    /// <exception cref="ArgumentException">The curve does not have 24 finite factors in [0, 1] with maximum 1.</exception>
    public RegionAutoscaler(CapacityPlanner planner, IReadOnlyList<double>? diurnal = null)
    {
        _planner = planner ?? throw new ArgumentNullException(nameof(planner));
        var d = diurnal ?? DefaultDiurnal;
        if (d.Count != HoursPerDay)
        {
            throw new ArgumentException($"The diurnal curve needs {HoursPerDay} hourly factors; it has {d.Count}.", nameof(diurnal));
        }

        for (var h = 0; h < HoursPerDay; h++)
        {
            if (!(d[h] is >= 0 and <= 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The factor at index {h} (hour {h}) is {d[h]}; each hourly factor must be in [0, 1]."), nameof(diurnal));
            }
        }

        if (d.Max() != 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The largest factor is {d.Max()}; the peak hour's factor must be 1 (the curve scales each region's peak rate)."), nameof(diurnal));
        }

        _diurnal = [.. d];
    }

    /// <summary>Gets the default diurnal curve: 0.6 + 0.4·cos(2π(h − 20)/24) normalised to a maximum of 1 at 20:00 local time (a
    /// trough of 0.2 at 08:00).</summary>
    public static IReadOnlyList<double> DefaultDiurnal { get; } = [.. Enumerable.Range(0, 24).Select(h => 0.6 + (0.4 * Math.Cos(2 * Math.PI * (h - 20) / 24)))];

    /// <summary>Plans one region.</summary>
    /// <param name="traffic">The region's peak rate.</param>
    /// <param name="serviceTime">Mean service time, positive.</param>
    /// <param name="waitTarget">The waiting-time target, at least zero.</param>
    /// <returns>The hourly instances, the floor, the peak and the ceiling with headroom.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The peak rate is negative or not finite, or beyond what the planner can
    /// serve (the parameter is <paramref name="traffic"/> and the message names the region and its peak rate); headroom × the
    /// peak is beyond the planner (the parameter is <c>Headroom</c>); or, as <see cref="CapacityPlanner.Size"/>, a time is out
    /// of range.</exception>
    public RegionScalePlan Plan(RegionTraffic traffic, TimeSpan serviceTime, TimeSpan waitTarget)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var peakRate = traffic.PeakRequestsPerSecond;
        if (!(peakRate >= 0 && double.IsFinite(peakRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(traffic), peakRate, string.Create(CultureInfo.InvariantCulture,
                $"Region '{traffic.Region}': PeakRequestsPerSecond {peakRate} must be finite and not negative."));
        }

        // The peak first: every hour's rate is at most the peak, so if the peak can be served so can each hour, and an error
        // names the region's peak rather than some hour's share of it.
        CapacityEstimate peak;
        try
        {
            peak = _planner.Estimate(peakRate, serviceTime, waitTarget);
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "arrivalRatePerSecond")
        {
            throw new ArgumentOutOfRangeException(nameof(traffic), peakRate, string.Create(CultureInfo.InvariantCulture,
                $"Region '{traffic.Region}': PeakRequestsPerSecond {peakRate}: {ex.WithoutParameterName().ReplaceLineEndings("\n").Split('\n')[0]}"));
        }

        var rates = _diurnal.Select(f => peakRate * f).ToArray();
        var hourly = rates.Select(r => _planner.Size(r, serviceTime, waitTarget).Servers).ToArray();
        return new RegionScalePlan
        {
            Region = traffic.Region, HourlyRequestsPerSecond = rates, HourlyInstances = hourly,
            MinInstances = Math.Max(MinimumInstances, hourly.Min()),
            PeakInstances = Math.Max(MinimumInstances, peak.Base.Servers),
            MaxInstances = Math.Max(MinimumInstances, peak.WithHeadroom.Servers),
            PeakUtilization = peak.Base.Utilization,
        };
    }
}
