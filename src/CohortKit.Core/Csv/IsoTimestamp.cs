namespace CohortKit.Csv;

/// <summary>
/// The ISO 8601 timestamp forms the CSV loaders accept, parsed exactly from UTF-8:
/// <c>yyyy-MM-ddTHH:mm:ss</c>, optionally with a fraction of 1–9 digits (<c>.fff</c>; digits past the 7th, below 100 ns, are
/// dropped), then optionally a zone: <c>Z</c>, <c>±HH:mm</c>, <c>±HHmm</c> or <c>±HH</c>; no zone means UTC. A space may
/// replace the <c>T</c> (as RFC 3339 allows). Nothing else is accepted: no dates without times, no times without dates,
/// no other orders, month names, or surrounding spaces.
/// </summary>
internal static class IsoTimestamp
{
    /// <summary>The outcome of <see cref="TryParse"/>.</summary>
    public enum Status
    {
        /// <summary>Parsed.</summary>
        Ok,

        /// <summary>The text is not one of the accepted forms.</summary>
        NotIso,

        /// <summary>The form is right but a part is out of range (month 13, 30 February, hour 24, offset over 14 hours).</summary>
        OutOfRange,
    }

    /// <summary>The description of the accepted forms used in error messages.</summary>
    public const string Forms = "yyyy-MM-ddTHH:mm:ss with an optional fraction and an optional zone (Z, ±HH:mm, ±HHmm or ±HH; none means UTC), e.g. 2026-01-31T08:15:00Z";

    /// <summary>Parses a timestamp to UTC ticks.</summary>
    public static Status TryParse(ReadOnlySpan<byte> t, out long utcTicks, out string? outOfRange)
    {
        utcTicks = 0;
        outOfRange = null;
        if (t.Length < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':'
            || !Digits(t, 0, 4, out var y) || !Digits(t, 5, 2, out var mo) || !Digits(t, 8, 2, out var d)
            || !Digits(t, 11, 2, out var h) || !Digits(t, 14, 2, out var mi) || !Digits(t, 17, 2, out var s))
        {
            return Status.NotIso;
        }

        var at = 19;
        long fractionTicks = 0;
        if (at < t.Length && t[at] == '.')
        {
            var first = ++at;
            long scale = TimeSpan.TicksPerSecond;
            while (at < t.Length && (uint)(t[at] - '0') <= 9)
            {
                scale /= 10;
                fractionTicks += (t[at] - '0') * scale;
                at++;
            }

            if (at == first || at - first > 9)
            {
                return Status.NotIso;
            }
        }

        var offsetMinutes = 0;
        if (at < t.Length)
        {
            if (t[at] == 'Z' && at + 1 == t.Length)
            {
                at++;
            }
            else if (t[at] is (byte)'+' or (byte)'-')
            {
                var sign = t[at] == '-' ? -1 : 1;
                var rest = t.Length - at - 1;
                int oh, om = 0;
                var ok = rest switch
                {
                    2 => Digits(t, at + 1, 2, out oh),
                    4 => Digits(t, at + 1, 2, out oh) && Digits(t, at + 3, 2, out om),
                    5 => Digits(t, at + 1, 2, out oh) && t[at + 3] == ':' && Digits(t, at + 4, 2, out om),
                    _ => Fail(out oh),
                };
                if (!ok)
                {
                    return Status.NotIso;
                }

                if (oh > 14 || om > 59)
                {
                    outOfRange = $"the offset {oh:00}:{om:00} is more than 14 hours or has more than 59 minutes";
                    return Status.OutOfRange;
                }

                offsetMinutes = sign * (oh * 60 + om);
            }
            else
            {
                return Status.NotIso;
            }
        }

        outOfRange = y < 1 ? "year 0 does not exist"
            : mo is < 1 or > 12 ? $"month {mo} does not exist"
            : d < 1 || d > DateTime.DaysInMonth(y, mo) ? $"{y:0000}-{mo:00} has no day {d}"
            : h > 23 ? $"hour {h} does not exist (use 00–23)"
            : mi > 59 ? $"minute {mi} does not exist"
            : s > 59 ? $"second {s} does not exist (leap seconds are not supported)"
            : null;
        if (outOfRange is not null)
        {
            return Status.OutOfRange;
        }

        var ticks = new DateTime(y, mo, d, h, mi, s).Ticks + fractionTicks - offsetMinutes * TimeSpan.TicksPerMinute;
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            outOfRange = "it falls outside years 0001–9999 once converted to UTC";
            return Status.OutOfRange;
        }

        utcTicks = ticks;
        return Status.Ok;
    }

    private static bool Fail(out int value)
    {
        value = 0;
        return false;
    }

    private static bool Digits(ReadOnlySpan<byte> t, int at, int count, out int value)
    {
        value = 0;
        for (var i = at; i < at + count; i++)
        {
            var c = t[i] - (byte)'0';
            if ((uint)c > 9)
            {
                return false;
            }

            value = value * 10 + c;
        }

        return true;
    }
}
