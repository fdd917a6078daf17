using System.Globalization;
using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Slo;

/// <summary>Validates <see cref="SloOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class SloOptionsValidator : IValidateOptions<SloOptions>
{
    public ValidateOptionsResult Validate(string? name, SloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(SloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(SloOptions o)
    {
        if (!(o.Objective is > 0 and < 1))
        {
            yield return new(nameof(o.Objective), o.Objective, $"Objective must be strictly between 0 and 1 (0.999 is three nines); it was {Text(o.Objective)}.");
        }

        var bucketOk = o.BucketWidth >= SloOptions.MinimumBucketWidth;
        if (!bucketOk)
        {
            yield return new(nameof(o.BucketWidth), o.BucketWidth, $"BucketWidth must be at least {SloDuration.Format(SloOptions.MinimumBucketWidth)}; it was {SloDuration.Format(o.BucketWidth)}.");
        }

        if (o.Period <= TimeSpan.Zero || (bucketOk && o.Period.Ticks % o.BucketWidth.Ticks != 0))
        {
            yield return new(nameof(o.Period), o.Period, $"Period must be a positive multiple of BucketWidth ({SloDuration.Format(o.BucketWidth)}); it was {SloDuration.Format(o.Period)}.");
        }
        else if (bucketOk && o.Period.Ticks / o.BucketWidth.Ticks > SloOptions.MaxBucketCount)
        {
            yield return new(nameof(o.Period), o.Period,
                $"Period / BucketWidth ({SloDuration.Format(o.Period)} / {SloDuration.Format(o.BucketWidth)}) is {(o.Period.Ticks / o.BucketWidth.Ticks).ToString(CultureInfo.InvariantCulture)} buckets, more than the {SloOptions.MaxBucketCount.ToString(CultureInfo.InvariantCulture)} a monitor keeps in memory; widen BucketWidth or shorten Period.");
        }

        if (o.LatencyThreshold <= TimeSpan.Zero)
        {
            yield return new(nameof(o.LatencyThreshold), o.LatencyThreshold, "LatencyThreshold must be positive.");
        }

        if (!(double.IsFinite(o.LowTrafficMinimumRequestsPerHour) && o.LowTrafficMinimumRequestsPerHour >= 0))
        {
            yield return new(nameof(o.LowTrafficMinimumRequestsPerHour), o.LowTrafficMinimumRequestsPerHour, "LowTrafficMinimumRequestsPerHour must be finite and at least 0.");
        }

        var rules = o.EffectiveAlerts;
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            var at = $"Alerts[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (r.ShortWindow <= TimeSpan.Zero || r.ShortWindow >= r.LongWindow)
            {
                yield return new($"{at}.{nameof(r.ShortWindow)}", r.ShortWindow,
                    $"The windows do not nest: {at}'s short window ({SloDuration.Format(r.ShortWindow)}) must be positive and shorter than its long window ({SloDuration.Format(r.LongWindow)}).");
            }

            if (r.LongWindow > o.Period)
            {
                yield return new($"{at}.{nameof(r.LongWindow)}", r.LongWindow,
                    $"{at}'s long window ({SloDuration.Format(r.LongWindow)}) is longer than the SLO period ({SloDuration.Format(o.Period)}).");
            }

            if (bucketOk && (r.LongWindow.Ticks % o.BucketWidth.Ticks != 0 || r.ShortWindow.Ticks % o.BucketWidth.Ticks != 0))
            {
                yield return new($"{at}.{nameof(r.LongWindow)}", r.LongWindow,
                    $"{at}'s windows ({SloDuration.Format(r.LongWindow)}, {SloDuration.Format(r.ShortWindow)}) must be multiples of BucketWidth ({SloDuration.Format(o.BucketWidth)}).");
            }

            if (!(double.IsFinite(r.BurnRate) && r.BurnRate > 0))
            {
                yield return new($"{at}.{nameof(r.BurnRate)}", r.BurnRate, $"{at}'s BurnRate must be positive and finite; it was {Text(r.BurnRate)}.");
            }
            else if (o.Objective is > 0 and < 1 && r.BurnRate * (1 - o.Objective) >= 1)
            {
                yield return new($"{at}.{nameof(r.BurnRate)}", r.BurnRate,
                    $"{at} can never fire: BurnRate {Text(r.BurnRate)} × (1 − Objective {Text(o.Objective)}) is at least 1, an error ratio above 100 %.");
            }
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
