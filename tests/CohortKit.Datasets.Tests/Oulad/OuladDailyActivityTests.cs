using CohortKit.Datasets.Oulad;
using CohortKit.Tables;
using CohortKit.Testing;

namespace CohortKit.Datasets.Tests.Oulad;

/// <summary>The daily clicks read from Parquet against the weekly aggregate (derived/studentVle_weekly.csv, read directly)
/// and the totals published in the data sets' SOURCE.md files.</summary>
public class OuladDailyActivityTests
{
    [DataFact("oulad_studentvle_parquet")]
    public void Load_SumsPerWeekEqualTheWeeklyAggregate_AndTheTotalsArePublished()
    {
        var oulad = SharedData.RequireDataset("oulad");
        var registrations = OuladLoader.Load(oulad);
        var daily = OuladDailyActivity.Load(SharedData.RequireDataset("oulad_studentvle_parquet"), oulad, registrations);

        // SOURCE.md: 10,655,280 rows, Σ sum_click = 39,605,099 (days before the start included).
        daily.RowsRead.Should().Be(10_655_280);
        var kept = 0.0;
        foreach (var v in daily.Log.Values) { kept += v; }
        ((long)kept + daily.ClicksBeforeStart).Should().Be(39_605_099);

        // Per registration and week ≥ 0: Σ clicks and the number of distinct active days, from the daily log.
        var fromDaily = new Dictionary<(int Row, long Week), (double Clicks, HashSet<long> Days)>();
        var starts = registrations.Presentation.Categories.Select(p => OuladRegistrations.StartDate(p).DayNumber).ToArray();
        for (var row = 0; row < registrations.Count; row++)
        {
            var events = daily.Log.ForLearner(row);
            var start = starts[registrations.Presentation.Codes[row]];
            for (var e = 0; e < events.Count; e++)
            {
                var day = events.Timestamps[e] / TimeSpan.TicksPerDay - start;
                day.Should().BeGreaterThanOrEqualTo(0);
                var key = (row, day / 7);
                var cell = fromDaily.TryGetValue(key, out var c) ? c : (0, new HashSet<long>());
                cell.Days.Add(day);
                fromDaily[key] = (cell.Clicks + events.Values[e], cell.Days);
            }
        }

        var weekly = CsvTable.Load(Path.Combine(oulad, OuladLoader.WeeklyActivityFile));
        var module = weekly.Categorical("code_module");
        var presentation = weekly.Categorical("code_presentation");
        var student = weekly.Integers("id_student");
        var week = weekly.Integers("week");
        var clicks = weekly.Integers("sum_click");
        var activeDays = weekly.Integers("active_days");
        var rowOf = Enumerable.Range(0, registrations.Count).ToDictionary(r => (registrations.ModulePresentation[r], registrations.Students[r]));
        long before = 0, compared = 0;
        for (var r = 0; r < weekly.RowCount; r++)
        {
            if (week[r] < 0) { before += clicks[r]; continue; }
            var key = (rowOf[($"{module[r]} {presentation[r]}", student[r])], week[r]);
            fromDaily.Remove(key, out var cell).Should().BeTrue($"data row {r + 1} of the weekly file has a week the daily log lacks");
            cell.Clicks.Should().Be(clicks[r], $"clicks in data row {r + 1}");
            cell.Days.Count.Should().Be((int)activeDays[r], $"active days in data row {r + 1}");
            compared++;
        }

        fromDaily.Should().BeEmpty("every registration-week of the daily log is in the weekly file");
        compared.Should().BeGreaterThan(500_000);
        daily.ClicksBeforeStart.Should().Be(before);
        daily.ActivityTypes.Count.Should().Be(daily.Log.EventCount);
        daily.ActivityTypes.Categories.Should().Contain("resource").And.Contain("forumng").And.Contain("oucontent");
    }

    [DataFact("oulad")]
    public void Load_MissingFolder_SaysWhich()
    {
        var oulad = SharedData.RequireDataset("oulad");
        var act = () => OuladDailyActivity.Load("/nonexistent/parquet", oulad, OuladLoader.Load(oulad));
        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*'/nonexistent/parquet' does not exist*");
    }
}
