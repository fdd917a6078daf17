namespace CohortKit.Temporal.Survival;

/// <summary>The distinct times of one sorted sample (or of one group of it) with the number at risk just before each, the
/// events and the censorings there: the counting-process table every estimator in this folder reads.</summary>
internal sealed class RiskSets
{
    private RiskSets(double[] times, int[] atRisk, int[] events, int subjects, int eventCount)
    {
        Times = times;
        AtRisk = atRisk;
        Events = events;
        Subjects = subjects;
        EventCount = eventCount;
    }

    /// <summary>Distinct times, event or censoring, ascending.</summary>
    public double[] Times { get; }

    /// <summary>Subjects whose time is at least <see cref="Times"/>[i].</summary>
    public int[] AtRisk { get; }

    /// <summary>Events at <see cref="Times"/>[i].</summary>
    public int[] Events { get; }

    public int Subjects { get; }

    public int EventCount { get; }

    /// <summary>The table of the subjects of group <paramref name="group"/>, or of all subjects when it is negative.</summary>
    public static RiskSets Of(SortedSample sample, int group)
    {
        var times = sample.Times;
        var codes = sample.Codes;
        var subjects = group < 0 ? times.Length : sample.GroupSizes[group];
        var distinctTimes = new List<double>();
        var events = new List<int>();
        var atRisk = new List<int>();
        var remaining = subjects;
        var eventCount = 0;
        var i = 0;
        while (i < times.Length)
        {
            var t = times[i];
            int d = 0, leaving = 0;
            for (; i < times.Length && times[i] == t; i++)
            {
                var code = codes[i];
                if (group >= 0 && code >> 1 != group)
                {
                    continue;
                }

                leaving++;
                d += code & 1;
            }

            if (leaving == 0)
            {
                continue;
            }

            distinctTimes.Add(t);
            atRisk.Add(remaining);
            events.Add(d);
            remaining -= leaving;
            eventCount += d;
        }

        return new RiskSets([.. distinctTimes], [.. atRisk], [.. events], subjects, eventCount);
    }
}
