namespace CohortKit.Temporal.Survival;

/// <summary>Survival data sorted by time once, with every subject's group and event flag packed in one int
/// (<c>group * 2 + event</c>), so that the overall curve, each group's curve and the log-rank test read the same order.</summary>
internal sealed class SortedSample
{
    private SortedSample(double[] times, int[] codes, int groupCount, int[] groupSizes)
    {
        Times = times;
        Codes = codes;
        GroupCount = groupCount;
        GroupSizes = groupSizes;
    }

    public double[] Times { get; }

    public int[] Codes { get; }

    public int GroupCount { get; }

    public int[] GroupSizes { get; }

    public static SortedSample Create(ReadOnlySpan<double> time, ReadOnlySpan<bool> died, ReadOnlySpan<int> group, int groupCount, string timeName, string diedName, string groupName)
    {
        if (died.Length != time.Length)
        {
            throw new ArgumentException($"{diedName} has {died.Length} entries but {timeName} has {time.Length}.", diedName);
        }

        if (!group.IsEmpty && group.Length != time.Length)
        {
            throw new ArgumentException($"{groupName} has {group.Length} entries but {timeName} has {time.Length}.", groupName);
        }

        if (time.IsEmpty)
        {
            throw new ArgumentException("There are no subjects; survival needs at least one.", timeName);
        }

        var times = new double[time.Length];
        var codes = new int[time.Length];
        var sizes = new int[groupCount];
        for (var i = 0; i < time.Length; i++)
        {
            var t = time[i];
            if (!double.IsFinite(t) || t < 0)
            {
                throw new ArgumentException($"{timeName}[{i}] is {t}; survival times must be finite and non-negative.", timeName);
            }

            var g = group.IsEmpty ? 0 : group[i];
            if ((uint)g >= (uint)groupCount)
            {
                throw new ArgumentException($"{groupName}[{i}] is {g}; group codes must lie in [0, {groupCount}).", groupName);
            }

            sizes[g]++;
            times[i] = t;
            codes[i] = g * 2 + (died[i] ? 1 : 0);
        }

        Array.Sort(times, codes);
        return new SortedSample(times, codes, groupCount, sizes);
    }
}
