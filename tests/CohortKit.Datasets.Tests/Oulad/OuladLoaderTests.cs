using System.Globalization;
using CohortKit.Datasets.Oulad;
using CohortKit.Testing;

namespace CohortKit.Datasets.Tests.Oulad;

/// <summary>The loader against the counts published in OULAD's SOURCE.md and against direct reads of the files.</summary>
public class OuladLoaderTests
{
    private static OuladRegistrations Load() => OuladLoader.Load(SharedData.RequireDataset("oulad"));

    [DataFact("oulad")]
    public void Load_ReproducesThePublishedCounts()
    {
        var data = Load();
        data.Count.Should().Be(32_593);
        var results = data.FinalResults.ToArray();
        results.Count(r => r == OuladFinalResult.Pass).Should().Be(12_361);
        results.Count(r => r == OuladFinalResult.Withdrawn).Should().Be(10_156);
        results.Count(r => r == OuladFinalResult.Fail).Should().Be(7_052);
        results.Count(r => r == OuladFinalResult.Distinction).Should().Be(3_024);
        var perModule = Enumerable.Range(0, data.Count).GroupBy(r => data.Module[r]).ToDictionary(g => g.Key, g => g.Count());
        perModule.Should().Equal(new Dictionary<string, int> { ["AAA"] = 748, ["BBB"] = 7_909, ["CCC"] = 4_434, ["DDD"] = 6_272, ["EEE"] = 2_934, ["FFF"] = 7_762, ["GGG"] = 2_534 });
        data.UnregistrationDays.Count(d => d is not null).Should().Be(10_072);
        data.RegistrationDays.Count(d => d is null).Should().Be(45);
        data.Attributes.Single(c => c.Name == "imd_band").Categories.Should().Contain("10-20").And.Contain("");
        data.ModulePresentation.Categories.Should().HaveCount(22);
        data.Students.ToArray().Distinct().Should().HaveCount(28_785);
    }

    [DataFact("oulad")]
    public void Withdrawal_FollowsTheReferenceDefinition()
    {
        var w = Load().Withdrawal();
        var reference = SharedData.Reference("temporal/oulad_withdrawal_km.json");
        w.Time.Length.Should().Be(reference.GetProperty("rows").GetInt32());
        w.Withdrew.ToArray().Count(e => e).Should().Be(reference.GetProperty("events").GetInt32());
        w.DroppedBeforeStart.Should().Be(32_593 - 29_496);
    }

    [DataFact("oulad")]
    public void ToLearnerAttributes_OneLearnerPerRegistration_StartingAtThePresentationStart()
    {
        var data = Load();
        var learners = data.ToLearnerAttributes();
        learners.Count.Should().Be(32_593);
        learners.TryGetRow(data.LearnerIdOf(0), out var row).Should().BeTrue();
        row.Should().Be(0);
        learners["module_presentation"][0].Should().Be("AAA 2013J");
        learners.SignupDates[0].Should().Be(new DateOnly(2013, 10, 1));
        learners["final_result"][0].Should().Be("Pass");
    }

    [DataFact("oulad")]
    public void LoadWeeklyActivity_KeepsEveryWeekFromTheStart_WithItsClicks()
    {
        var dir = SharedData.RequireDataset("oulad");
        var data = Load();
        var log = OuladLoader.LoadWeeklyActivity(dir, data);
        // A direct read of the same file: rows with week >= 0 and their clicks.
        var lines = File.ReadLines(Path.Combine(dir, "derived", "studentVle_weekly.csv")).Skip(1).Select(l => l.Split(',')).Where(f => int.Parse(f[3], CultureInfo.InvariantCulture) >= 0).ToList();
        log.EventCount.Should().Be(lines.Count);
        var clicks = 0.0;
        foreach (var v in log.Values) { clicks += v; }
        clicks.Should().Be(lines.Sum(f => double.Parse(f[4], CultureInfo.InvariantCulture)));
        var first = lines[0];
        data.LearnerIdOf(0).Value.Should().Be(long.Parse(first[2], CultureInfo.InvariantCulture) * OuladRegistrations.IdStride + 0);
        log.ForLearner(0).Timestamps[0].Should().Be(new DateOnly(2013, 10, 1).ToDateTime(TimeOnly.MinValue).Ticks, "week 0 of AAA 2013J");
    }

    [Fact]
    public void StartDate_BIsFebruary_JIsOctober_OtherwiseThrows()
    {
        OuladRegistrations.StartDate("2014B").Should().Be(new DateOnly(2014, 2, 1));
        OuladRegistrations.StartDate("2013J").Should().Be(new DateOnly(2013, 10, 1));
        var act = () => OuladRegistrations.StartDate("2013X");
        act.Should().Throw<ArgumentException>().WithMessage("*2013X*");
    }

    [Fact]
    public void Load_BadFiles_NameTheFileColumnAndRow()
    {
        var dir = Directory.CreateTempSubdirectory("cohortkit-oulad-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "courses.csv"), "\"code_module\",\"code_presentation\",\"module_presentation_length\"\r\n\"AAA\",\"2013J\",\"268\"\r\n");
            File.WriteAllText(Path.Combine(dir, "studentRegistration.csv"), "code_module,code_presentation,id_student,date_registration,date_unregistration\nAAA,2013J,1,-10,\nAAA,2013J,2,-5,x\n");
            File.WriteAllText(Path.Combine(dir, "studentInfo.csv"), "code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,num_of_prev_attempts,studied_credits,disability,final_result\n"
                + "AAA,2013J,1,M,R,HE,10-20,0-35,0,60,N,Pass\nAAA,2013J,2,F,R,HE,,0-35,0,60,N,Withdrawn\n");
            var unparsable = () => OuladLoader.Load(dir);
            unparsable.Should().Throw<InvalidDataException>().WithMessage("*studentRegistration.csv: column 'date_unregistration', data row 2, value 'x'*");

            File.WriteAllText(Path.Combine(dir, "studentRegistration.csv"), "code_module,code_presentation,id_student,date_registration,date_unregistration\nAAA,2013J,1,-10,\nAAA,2013J,2,-5,20\n");
            var loaded = OuladLoader.Load(dir);
            loaded.Withdrawal().Time.ToArray().Should().Equal(268, 20);

            File.WriteAllText(Path.Combine(dir, "studentInfo.csv"), File.ReadAllText(Path.Combine(dir, "studentInfo.csv")).Replace("Withdrawn", "Gone", StringComparison.Ordinal));
            var result = () => OuladLoader.Load(dir);
            result.Should().Throw<InvalidDataException>().WithMessage("*column 'final_result', data row 2, value 'Gone'*");

            var missing = () => OuladLoader.Load(Path.Combine(dir, "nope"));
            missing.Should().Throw<DirectoryNotFoundException>();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
