using CohortKit.Datasets.Oulad;
using CohortKit.Testing;

namespace CohortKit.Datasets.Tests.Oulad;

/// <summary>The assessments loader against the counts published in OULAD's SOURCE.md.</summary>
public class OuladAssessmentsTests
{
    [DataFact("oulad")]
    public void Load_ReproducesThePublishedCounts_AndGroupsSubmissionsByRegistration()
    {
        var directory = SharedData.RequireDataset("oulad");
        var registrations = OuladLoader.Load(directory);
        var a = OuladAssessments.Load(directory, registrations);

        // SOURCE.md: assessments TMA 106, CMA 76, Exam 24, 11 without a date; 173,912 submissions, 173 missing scores,
        // mean score 75.7996, 1,909 banked.
        var types = a.AssessmentTypes.ToArray();
        types.Count(t => t == OuladAssessmentType.TutorMarked).Should().Be(106);
        types.Count(t => t == OuladAssessmentType.ComputerMarked).Should().Be(76);
        types.Count(t => t == OuladAssessmentType.Exam).Should().Be(24);
        a.AssessmentDueDays.Count(d => d is null).Should().Be(11);
        a.SubmittedDays.Length.Should().Be(173_912);
        a.Scores.Count(s => s is null).Should().Be(173);
        a.Scores.Where(s => s is not null).Average(s => s!.Value).Should().BeApproximately(75.7996, 5e-5);
        a.Banked.ToArray().Count(b => b).Should().Be(1_909);

        // Offsets cover every submission once; within a registration submissions are in day order and belong to an
        // assessment of that registration's presentation.
        var offsets = a.SubmissionOffsets.Span;
        offsets[0].Should().Be(0);
        offsets[registrations.Count].Should().Be(173_912);
        var presentationOffsets = a.AssessmentOffsets.Span;
        for (var r = 0; r < registrations.Count; r++)
        {
            var p = registrations.ModulePresentation.Codes[r];
            for (var s = offsets[r]; s < offsets[r + 1]; s++)
            {
                if (s > offsets[r]) { a.SubmittedDays.Span[s].Should().BeGreaterThanOrEqualTo(a.SubmittedDays.Span[s - 1]); }
                a.SubmissionAssessments.Span[s].Should().BeInRange(presentationOffsets[p], presentationOffsets[p + 1] - 1);
            }
        }
    }
}
