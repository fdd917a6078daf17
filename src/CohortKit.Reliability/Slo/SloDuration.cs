using System.Globalization;

namespace CohortKit.Reliability.Slo;

/// <summary>Durations written as SLO tools write them: a whole number and one unit, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>3d</c>, <c>4w</c>.</summary>
public static class SloDuration
{
    /// <summary>Parses <c>&lt;n&gt;s|m|h|d|w</c>.</summary>
    /// <param name="text">The text, e.g. <c>30d</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentException">The text is not a positive whole number followed by s, m, h, d or w.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Length >= 2 && long.TryParse(t.AsSpan(0, t.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            long? unit = t[^1] switch
            {
                's' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMinute,
                'h' => TimeSpan.TicksPerHour,
                'd' => TimeSpan.TicksPerDay,
                'w' => 7 * TimeSpan.TicksPerDay,
                _ => null,
            };
            if (unit is { } u)
            {
                if (n > MaxTicks / u)
                {
                    throw new ArgumentException($"'{text}' is longer than the longest duration accepted, 100 years (36500d).", nameof(text));
                }

                return TimeSpan.FromTicks(n * u);
            }
        }

        throw new ArgumentException($"'{text}' is not a duration: write a positive whole number and a unit, e.g. 30s, 5m, 1h, 3d or 4w.", nameof(text));
    }

    /// <summary>Formats with the largest unit that divides the duration exactly (<c>1h</c>, <c>90m</c>, <c>3d</c>); otherwise in
    /// seconds with the decimals needed (<c>0.5s</c>, <c>1.0000001s</c>), never in <see cref="TimeSpan"/>'s <c>00:00:00.5</c> form.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string Format(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        if (ticks > 0)
        {
            foreach (var (unit, size) in Units)
            {
                if (ticks % size == 0)
                {
                    return (ticks / size).ToString(CultureInfo.InvariantCulture) + unit;
                }
            }
        }

        return (ticks / (decimal)TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture) + "s";
    }

    private const long MaxTicks = 36_500 * TimeSpan.TicksPerDay;

    private static readonly (char Unit, long Ticks)[] Units =
        [('d', TimeSpan.TicksPerDay), ('h', TimeSpan.TicksPerHour), ('m', TimeSpan.TicksPerMinute), ('s', TimeSpan.TicksPerSecond)];
}
