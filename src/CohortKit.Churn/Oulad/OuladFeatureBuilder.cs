using System.Globalization;
using CohortKit.Datasets.Oulad;
using CohortKit.Features;

namespace CohortKit.Churn.Oulad;

/// <summary>Point-in-time features of an OULAD registration as of a day D of its presentation: clicks by activity type,
/// assessments, demographics, a Temporal-style engagement state (weeks inactive) and the student's other registrations, from data
/// dated on or before D only.</summary>
/// <remarks>
/// <para><b>No leakage.</b> Clicks are read day by day up to D and the loop stops at the first later day; a submission counts
/// only when its <c>date_submitted</c> ≤ D (its score with it). The assessment calendar (due days, weights), the presentation
/// length, the registration day and the demographics are known before the start. The registration's own final result and
/// unregistration day are never read (they are the labels); of the student's other registrations, only results of presentations
/// that ended before this one started and unregistrations dated by D (on the nominal calendar) are read. Deleting every click,
/// submission and other registration's unregistration after D, and every result of a presentation not yet ended, leaves the
/// features unchanged (tested).</para>
/// <para>Thread-safe; rows are computed in parallel by registration.</para>
/// </remarks>
internal sealed class OuladFeatureBuilder
{
    /// <summary>The numeric features before the per-type and demographic ones.</summary>
    internal static readonly string[] BaseNames =
    [
        "as_of_day", "days_to_end", "registration_day", "prev_attempts", "studied_credits", "clicks_before_start", "active_days_before_start",
        "clicks_total", "clicks_7", "clicks_14", "clicks_28", "active_days_total", "active_days_7", "active_days_14", "active_days_28",
        "days_since_last_click", "first_click_day", "clicks_trend_7", "inactive_weeks", "active_day_share",
        "assessments_due", "submitted", "missed", "mean_score", "last_score", "weighted_score", "mean_lateness", "late_submissions",
        "banked", "days_to_next_due",
        "prior_registrations", "prior_withdrawn", "prior_failed", "concurrent", "concurrent_left",
    ];

    private static readonly string[] OneHotAttributes = ["gender", "region", "highest_education", "imd_band", "age_band", "disability"];
    private const int NoScore = -1;

    private readonly OuladChurnData _data;
    private readonly OuladStudentHistory _history;
    private readonly int _types;
    private readonly int[] _start;
    private readonly (CategoricalColumnView Column, int Offset)[] _oneHot;
    private readonly int _presentationOffset;
    private readonly int _relativeOffset;

    /// <summary>Columns also given relative to their mean over every registration of the same module presentation registered by
    /// D (x / (mean + 1)), so that engagement transfers between presentations whose materials differ. The mean reads no label:
    /// registrations that later leave are in it, as they are known to the platform on day D.</summary>
    private static readonly string[] RelativeTo = ["clicks_total", "clicks_14", "active_days_total", "active_days_14", "submitted"];
    private readonly float[] _prevAttempts;
    private readonly float[] _credits;

    public OuladFeatureBuilder(OuladChurnData data, OuladStudentHistory? history = null)
    {
        _data = data;
        _history = history ?? OuladStudentHistory.From(data.Registrations);
        var registrations = data.Registrations;
        _types = data.Activity.ActivityTypes.Categories.Count;
        _start = [.. registrations.Presentation.Categories.Select(p => OuladRegistrations.StartDate(p).DayNumber)];
        var names = new List<string>(BaseNames);
        names.AddRange(data.Activity.ActivityTypes.Categories.Select(t => $"clicks_total:{t}"));
        names.AddRange(data.Activity.ActivityTypes.Categories.Select(t => $"clicks_14:{t}"));
        var oneHot = new List<(CategoricalColumnView, int)>();
        foreach (var column in OneHotAttributes.Select(Attribute).Append(new CategoricalColumnView("module", registrations.Module.Categories, registrations.Module.Codes.ToArray())))
        {
            oneHot.Add((column, names.Count));
            names.AddRange(column.Categories.Select(c => $"{column.Name}={c}"));
        }

        _oneHot = [.. oneHot];
        _presentationOffset = names.Count;
        names.Add("presentation=J");
        _relativeOffset = names.Count;
        names.AddRange(RelativeTo.Select(n => $"{n}_vs_presentation"));
        Names = names;
        _prevAttempts = Numbers("num_of_prev_attempts");
        _credits = Numbers("studied_credits");
    }

    /// <summary>Gets the feature names, in column order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The features of each sample (registration, day); samples of one registration must be contiguous.</summary>
    public FeatureMatrix Build(IReadOnlyList<OuladSample> samples)
    {
        var matrix = BuildAbsolute(samples);
        // The mean of each relative column per (module presentation, day), over all registrations registered by that day.
        var registrations = _data.Registrations;
        var codes = registrations.ModulePresentation.Codes.ToArray();
        var pairs = samples.Select(s => (codes[s.Row], s.Day)).ToHashSet();
        var everyone = new List<OuladSample>();
        var days = samples.Select(s => s.Day).Distinct().Order().ToArray(); // once: per registration it cost R × samples
        for (var r = 0; r < registrations.Count; r++)
        {
            foreach (var day in days)
            {
                if (pairs.Contains((codes[r], day)) && !(registrations.RegistrationDays[r] > day)) { everyone.Add(new(r, day, false)); }
            }
        }

        var reference = BuildAbsolute(everyone);
        var columns = RelativeTo.Select(n => Array.IndexOf(BaseNames, n)).ToArray();
        var sums = new Dictionary<(int, int), (double[] Sum, int Count)>();
        for (var i = 0; i < everyone.Count; i++)
        {
            var key = (codes[everyone[i].Row], everyone[i].Day);
            if (!sums.TryGetValue(key, out var cell)) { cell = (new double[columns.Length], 0); }
            var row = reference.Row(i);
            for (var c = 0; c < columns.Length; c++) { cell.Sum[c] += row[columns[c]]; }
            sums[key] = (cell.Sum, cell.Count + 1);
        }

        for (var i = 0; i < samples.Count; i++)
        {
            var (sum, count) = sums[(codes[samples[i].Row], samples[i].Day)];
            var row = matrix.Row(i);
            for (var c = 0; c < columns.Length; c++) { row[_relativeOffset + c] = (float)(row[columns[c]] / (sum[c] / count + 1)); }
        }

        return matrix;
    }

    private FeatureMatrix BuildAbsolute(IReadOnlyList<OuladSample> samples)
    {
        var dims = Names.Count;
        var matrix = new FeatureMatrix(samples.Count, dims, Names);
        var groups = new List<(int Start, int End)>();
        for (var i = 0; i < samples.Count;)
        {
            var j = i;
            while (j < samples.Count && samples[j].Row == samples[i].Row) { j++; }
            groups.Add((i, j));
            i = j;
        }

        Parallel.ForEach(groups, () => new Scratch(), (group, _, scratch) =>
        {
            var maxDay = 0;
            for (var s = group.Start; s < group.End; s++) { maxDay = Math.Max(maxDay, samples[s].Day); }
            scratch.Fill(this, samples[group.Start].Row, maxDay);
            for (var s = group.Start; s < group.End; s++) { Write(scratch, samples[s], matrix.Row(s)); }
            return scratch;
        }, _ => { });
        return matrix;
    }

    /// <summary>Per-thread cumulative clicks: cum[(d + 1)·(T + 1) + t] = clicks of type t on days 0..d (column T: all types),
    /// active[d + 1] = days with clicks among 0..d; index 0 is "before day 0".</summary>
    private sealed class Scratch
    {
        public float[] Cumulative = [];
        public int[] Active = [];
        public int Width;

        public void Fill(OuladFeatureBuilder b, int row, int maxDay)
        {
            Width = b._types + 1;
            var size = (maxDay + 2) * Width;
            if (Cumulative.Length < size) { Cumulative = new float[size]; }
            if (Active.Length < maxDay + 2) { Active = new int[maxDay + 2]; }
            Array.Clear(Cumulative, 0, size);
            var log = b._data.Activity.Log;
            var types = b._data.Activity.ActivityTypes.Codes;
            var start = b._start[b._data.Registrations.Presentation.Codes[row]];
            var from = log.Offsets[row];
            var to = log.Offsets[row + 1];
            for (var e = from; e < to; e++)
            {
                var day = (int)(log.Timestamps[e] / TimeSpan.TicksPerDay) - start;
                if (day > maxDay) { break; } // events are sorted by time: nothing after the latest as-of day is read
                var cell = (day + 1) * Width;
                Cumulative[cell + types[e]] += log.Values[e];
                Cumulative[cell + Width - 1] += log.Values[e];
            }

            Active[0] = 0;
            for (var d = 1; d <= maxDay + 1; d++)
            {
                Active[d] = Active[d - 1] + (Cumulative[(d * Width) + Width - 1] > 0 ? 1 : 0);
                for (var t = 0; t < Width; t++) { Cumulative[(d * Width) + t] += Cumulative[((d - 1) * Width) + t]; }
            }
        }

        /// <summary>Clicks of column t on days (D − w, D].</summary>
        public float Window(int t, int day, int w) => Cumulative[((day + 1) * Width) + t] - Cumulative[(Math.Max(0, day + 1 - w) * Width) + t];

        /// <summary>Active days in (D − w, D].</summary>
        public int ActiveWindow(int day, int w) => Active[day + 1] - Active[Math.Max(0, day + 1 - w)];
    }

    private void Write(Scratch s, OuladSample sample, Span<float> x)
    {
        var registrations = _data.Registrations;
        var r = sample.Row;
        var d = sample.Day;
        var total = _types;
        x.Clear();
        var k = 0;
        x[k++] = d;
        x[k++] = registrations.ModuleLengths[r] - d;
        x[k++] = registrations.RegistrationDays[r] ?? 0;
        x[k++] = _prevAttempts[r];
        x[k++] = _credits[r];
        x[k++] = _data.Activity.ClicksBeforeStartByRegistration.Span[r];
        x[k++] = _data.Activity.ActiveDaysBeforeStart.Span[r];
        var clicks7 = s.Window(total, d, 7);
        var clicks14 = s.Window(total, d, 14);
        x[k++] = s.Window(total, d, d + 1);
        x[k++] = clicks7;
        x[k++] = clicks14;
        x[k++] = s.Window(total, d, 28);
        x[k++] = s.ActiveWindow(d, d + 1);
        x[k++] = s.ActiveWindow(d, 7);
        x[k++] = s.ActiveWindow(d, 14);
        x[k++] = s.ActiveWindow(d, 28);
        var last = -1;
        var first = -1;
        for (var day = d; day >= 0; day--) { if (s.ActiveWindow(day, 1) > 0) { last = day; break; } }
        for (var day = 0; day <= d; day++) { if (s.ActiveWindow(day, 1) > 0) { first = day; break; } }
        x[k++] = last < 0 ? d + 1 : d - last;
        x[k++] = first < 0 ? d + 1 : first;
        x[k++] = clicks7 - (clicks14 - clicks7);
        var inactiveWeeks = 0;
        for (var end = d; end >= 0 && s.ActiveWindow(end, 7) == 0; end -= 7) { inactiveWeeks++; }
        x[k++] = inactiveWeeks;
        x[k++] = (float)s.ActiveWindow(d, d + 1) / (d + 1);
        k = WriteAssessments(r, d, x, k);
        k = _history.Write(r, d, x, k);
        for (var t = 0; t < _types; t++) { x[k + t] = s.Window(t, d, d + 1); }
        k += _types;
        for (var t = 0; t < _types; t++) { x[k + t] = s.Window(t, d, 14); }
        foreach (var (column, offset) in _oneHot) { x[offset + column.Codes[r]] = 1; }
        x[_presentationOffset] = registrations.Presentation[r].EndsWith('J') ? 1 : 0;
    }

    private int WriteAssessments(int r, int d, Span<float> x, int k)
    {
        var a = _data.Assessments;
        var presentation = _data.Registrations.ModulePresentation.Codes[r];
        var offsets = a.AssessmentOffsets.Span;
        var dueDays = a.AssessmentDueDays;
        int due = 0, nextDue = -1;
        for (var i = offsets[presentation]; i < offsets[presentation + 1]; i++)
        {
            if (dueDays[i] is not { } day) { continue; }
            if (day <= d) { due++; }
            else if (nextDue < 0 || day < nextDue) { nextDue = day; }
        }

        var from = a.SubmissionOffsets.Span[r];
        var to = a.SubmissionOffsets.Span[r + 1];
        var submittedDays = a.SubmittedDays.Span;
        var assessmentOf = a.SubmissionAssessments.Span;
        var weights = a.AssessmentWeights.Span;
        var banked = a.Banked.Span;
        int submitted = 0, submittedDue = 0, late = 0, bankedCount = 0, scored = 0, lateness = 0, dated = 0;
        double scoreSum = 0, weighted = 0, lastScore = NoScore;
        for (var s = from; s < to && submittedDays[s] <= d; s++)
        {
            submitted++;
            var assessment = assessmentOf[s];
            if (banked[s]) { bankedCount++; }
            if (dueDays[assessment] is { } day)
            {
                dated++;
                lateness += submittedDays[s] - day;
                if (submittedDays[s] > day) { late++; }
                if (day <= d) { submittedDue++; }
            }

            if (a.Scores[s] is { } score)
            {
                scored++;
                scoreSum += score;
                weighted += weights[assessment] * score / 100;
                lastScore = score;
            }
        }

        x[k++] = due;
        x[k++] = submitted;
        x[k++] = due - submittedDue;
        x[k++] = scored > 0 ? (float)(scoreSum / scored) : NoScore;
        x[k++] = (float)lastScore;
        x[k++] = (float)weighted;
        x[k++] = dated > 0 ? (float)lateness / dated : 0;
        x[k++] = late;
        x[k++] = bankedCount;
        x[k++] = nextDue < 0 ? _data.Registrations.ModuleLengths[r] - d : nextDue - d;
        return k;
    }

    private CategoricalColumnView Attribute(string name)
    {
        var column = _data.Registrations.Attributes.FirstOrDefault(c => c.Name == name)
            ?? throw new InvalidDataException($"The registrations have no '{name}' column.");
        return new CategoricalColumnView(name, column.Categories, column.Codes.ToArray());
    }

    private float[] Numbers(string name)
    {
        var column = Attribute(name);
        var values = new float[column.Codes.Length];
        for (var r = 0; r < values.Length; r++)
        {
            var text = column.Categories[column.Codes[r]];
            values[r] = float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new InvalidDataException($"{name}: '{text}' at registration row {r + 1} is not a number.");
        }

        return values;
    }

    private sealed record CategoricalColumnView(string Name, IReadOnlyList<string> Categories, int[] Codes);
}
