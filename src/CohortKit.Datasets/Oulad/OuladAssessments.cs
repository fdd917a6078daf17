using System.Globalization;
using CohortKit.Tables;

namespace CohortKit.Datasets.Oulad;

/// <summary>OULAD's assessments (<c>assessments.csv</c>) and the students' submissions (<c>studentAssessment.csv</c>), aligned
/// to the registrations of <see cref="OuladLoader.Load"/>. Days are relative to the presentation's start.</summary>
/// <remarks>Immutable and thread-safe. Submissions are grouped by registration (<see cref="SubmissionOffsets"/>) and sorted by
/// submission day within each registration; assessments by presentation (<see cref="AssessmentOffsets"/>) and due day.</remarks>
public sealed record OuladAssessments
{
    /// <summary>The assessments file.</summary>
    public const string AssessmentsFile = "assessments.csv";

    /// <summary>The submissions file.</summary>
    public const string StudentAssessmentFile = "studentAssessment.csv";

    /// <summary>Gets, for module presentation code <c>p</c> of <see cref="OuladRegistrations.ModulePresentation"/>, its
    /// assessments at <c>[AssessmentOffsets[p], AssessmentOffsets[p + 1])</c> of the assessment arrays.</summary>
    public required ReadOnlyMemory<int> AssessmentOffsets { get; init; }

    /// <summary>Gets each assessment's due day (<c>date</c>; null for the 11 exams without a date), ascending within a
    /// presentation with the undated ones last.</summary>
    public required IReadOnlyList<int?> AssessmentDueDays { get; init; }

    /// <summary>Gets each assessment's type.</summary>
    public required ReadOnlyMemory<OuladAssessmentType> AssessmentTypes { get; init; }

    /// <summary>Gets each assessment's weight in the final mark (percent).</summary>
    public required ReadOnlyMemory<double> AssessmentWeights { get; init; }

    /// <summary>Gets, for registration row <c>r</c>, its submissions at <c>[SubmissionOffsets[r], SubmissionOffsets[r + 1])</c>.</summary>
    public required ReadOnlyMemory<int> SubmissionOffsets { get; init; }

    /// <summary>Gets each submission's day (<c>date_submitted</c>).</summary>
    public required ReadOnlyMemory<int> SubmittedDays { get; init; }

    /// <summary>Gets each submission's score (0–100), null for the 173 submissions without one.</summary>
    public required IReadOnlyList<double?> Scores { get; init; }

    /// <summary>Gets each submission's assessment, as an index into the assessment arrays.</summary>
    public required ReadOnlyMemory<int> SubmissionAssessments { get; init; }

    /// <summary>Gets whether each submission was banked (carried over from an earlier presentation).</summary>
    public required ReadOnlyMemory<bool> Banked { get; init; }

    /// <summary>Reads <c>assessments.csv</c> and <c>studentAssessment.csv</c> and joins every submission to its registration.</summary>
    /// <param name="directory">The OULAD folder.</param>
    /// <param name="registrations">The registrations (<see cref="OuladLoader.Load"/>) of the same folder.</param>
    /// <returns>The assessments and submissions.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A value does not parse, an assessment type is unknown, or a submission names
    /// an unknown assessment or registration; the message names the file, column, data row and value.</exception>
    /// <exception cref="Errors.CsvFormatException">A file is not well-formed CSV or lacks a column.</exception>
    public static OuladAssessments Load(string directory, OuladRegistrations registrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(registrations);
        using var activity = DatasetsTelemetry.ActivitySource.StartActivity("OuladAssessments.Load");
        var assessments = CsvTable.Load(Path.Combine(directory, AssessmentsFile));
        var module = assessments.Categorical("code_module");
        var presentation = assessments.Categorical("code_presentation");
        var ids = assessments.Integers("id_assessment");
        var type = assessments.Categorical("assessment_type");
        var date = assessments.Categorical("date");
        var weight = assessments.Numeric("weight");

        // Assessments ordered by (presentation code, due day with undated last, id).
        var presentations = registrations.ModulePresentation;
        var a = assessments.RowCount;
        var code = new int[a];
        var due = new int?[a];
        for (var r = 0; r < a; r++)
        {
            var name = $"{module[r]} {presentation[r]}";
            if (!presentations.TryGetCode(name, out code[r]))
            {
                throw OuladLoader.Bad(assessments, "code_presentation", r, name, $"The module presentation has no registration in {OuladLoader.StudentInfoFile}.");
            }

            due[r] = date[r].Length == 0 ? null : int.TryParse(date[r], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? d : throw OuladLoader.Bad(assessments, "date", r, date[r], "It is not an integer.");
        }

        var order = Enumerable.Range(0, a).OrderBy(r => code[r]).ThenBy(r => due[r] ?? int.MaxValue).ThenBy(r => ids[r]).ToArray();
        var indexOfId = new Dictionary<long, int>(a);
        var assessmentOffsets = new int[presentations.Categories.Count + 1];
        var types = new OuladAssessmentType[a];
        var weights = new double[a];
        var dues = new int?[a];
        for (var i = 0; i < a; i++)
        {
            var r = order[i];
            if (!indexOfId.TryAdd(ids[r], i)) { throw OuladLoader.Bad(assessments, "id_assessment", r, ids[r].ToString(CultureInfo.InvariantCulture), "The id is repeated."); }
            types[i] = type[r] switch
            {
                "TMA" => OuladAssessmentType.TutorMarked,
                "CMA" => OuladAssessmentType.ComputerMarked,
                "Exam" => OuladAssessmentType.Exam,
                _ => throw OuladLoader.Bad(assessments, "assessment_type", r, type[r], "Expected TMA, CMA or Exam."),
            };
            weights[i] = weight[r];
            dues[i] = due[r];
            assessmentOffsets[code[r] + 1]++;
        }

        for (var p = 0; p < presentations.Categories.Count; p++) { assessmentOffsets[p + 1] += assessmentOffsets[p]; }
        var submissions = LoadSubmissions(directory, registrations, indexOfId, order, code);
        DatasetsTelemetry.RowsRead.Add(assessments.RowCount);
        return submissions with
        {
            AssessmentOffsets = assessmentOffsets,
            AssessmentDueDays = dues,
            AssessmentTypes = types,
            AssessmentWeights = weights,
        };
    }

    private static OuladAssessments LoadSubmissions(string directory, OuladRegistrations registrations, Dictionary<long, int> indexOfId, int[] order, int[] presentationOfRow)
    {
        var table = CsvTable.Load(Path.Combine(directory, StudentAssessmentFile));
        var assessment = table.Integers("id_assessment");
        var student = table.Integers("id_student");
        var submitted = table.Integers("date_submitted");
        var banked = table.Integers("is_banked");
        var scoreText = table.Categorical("score");
        var rowOf = new Dictionary<(int, long), int>(registrations.Count);
        for (var r = 0; r < registrations.Count; r++) { rowOf[(registrations.ModulePresentation.Codes[r], registrations.Students[r])] = r; }

        var n = table.RowCount;
        var registrationOf = new int[n];
        var assessmentOf = new int[n];
        var scores = new double?[n];
        for (var s = 0; s < n; s++)
        {
            if (!indexOfId.TryGetValue(assessment[s], out assessmentOf[s]))
            {
                throw OuladLoader.Bad(table, "id_assessment", s, assessment[s].ToString(CultureInfo.InvariantCulture), $"The assessment is not in {AssessmentsFile}.");
            }

            var presentation = presentationOfRow[order[assessmentOf[s]]];
            if (!rowOf.TryGetValue((presentation, student[s]), out registrationOf[s]))
            {
                throw OuladLoader.Bad(table, "id_student", s, student[s].ToString(CultureInfo.InvariantCulture), $"No registration of this student on {registrations.ModulePresentation.Categories[presentation]} in {OuladLoader.StudentInfoFile}.");
            }

            if (banked[s] is not (0 or 1)) { throw OuladLoader.Bad(table, "is_banked", s, banked[s].ToString(CultureInfo.InvariantCulture), "Expected 0 or 1."); }
            var text = scoreText[s];
            if (text.Length > 0)
            {
                scores[s] = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 100
                    ? v
                    : throw OuladLoader.Bad(table, "score", s, text, "Expected a number from 0 to 100.");
            }
        }

        var sorted = Enumerable.Range(0, n).OrderBy(s => registrationOf[s]).ThenBy(s => submitted[s]).ThenBy(s => assessmentOf[s]).ToArray();
        var offsets = new int[registrations.Count + 1];
        foreach (var s in sorted) { offsets[registrationOf[s] + 1]++; }
        for (var r = 0; r < registrations.Count; r++) { offsets[r + 1] += offsets[r]; }
        DatasetsTelemetry.RowsRead.Add(n);
        return new OuladAssessments
        {
            AssessmentOffsets = ReadOnlyMemory<int>.Empty,
            AssessmentDueDays = [],
            AssessmentTypes = ReadOnlyMemory<OuladAssessmentType>.Empty,
            AssessmentWeights = ReadOnlyMemory<double>.Empty,
            SubmissionOffsets = offsets,
            SubmittedDays = sorted.Select(s => checked((int)submitted[s])).ToArray(),
            Scores = sorted.Select(s => scores[s]).ToArray(),
            SubmissionAssessments = sorted.Select(s => assessmentOf[s]).ToArray(),
            Banked = sorted.Select(s => banked[s] == 1).ToArray(),
        };
    }
}

/// <summary>OULAD's <c>assessment_type</c>.</summary>
public enum OuladAssessmentType
{
    /// <summary><c>TMA</c>: tutor-marked assignment.</summary>
    TutorMarked = 0,

    /// <summary><c>CMA</c>: computer-marked assignment.</summary>
    ComputerMarked = 1,

    /// <summary><c>Exam</c>: the final exam.</summary>
    Exam = 2,
}
