using System.Globalization;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Tables;

namespace CohortKit.Datasets.Oulad;

/// <summary>
/// Loads the Open University Learning Analytics Dataset (Kuzilek et al. 2017, CC BY 4.0) from its CSV files: the
/// registrations (<see cref="Load"/>) and weekly VLE activity (<see cref="LoadWeeklyActivity"/>). The files are read as the
/// OU exports them (every field quoted, CRLF, missing values as empty strings); nothing is copied or cached.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class OuladLoader
{
    /// <summary>The registration file.</summary>
    public const string StudentInfoFile = "studentInfo.csv";

    /// <summary>The registration dates file.</summary>
    public const string StudentRegistrationFile = "studentRegistration.csv";

    /// <summary>The module presentations file.</summary>
    public const string CoursesFile = "courses.csv";

    /// <summary>The weekly VLE aggregate (relative to the data-set folder).</summary>
    public static readonly string WeeklyActivityFile = Path.Combine("derived", "studentVle_weekly.csv");

    private static readonly string[] AttributeColumns = ["gender", "region", "highest_education", "imd_band", "age_band", "num_of_prev_attempts", "studied_credits", "disability"];

    /// <summary>Loads <c>studentInfo.csv</c> joined to <c>studentRegistration.csv</c> and <c>courses.csv</c>.</summary>
    /// <param name="directory">The OULAD folder.</param>
    /// <returns>One row per registration, in <c>studentInfo.csv</c> order.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A value does not parse, a registration has no match in another file, or a
    /// final result is unknown; the message names the file, column and data row.</exception>
    /// <exception cref="Errors.CsvFormatException">A file is not well-formed CSV or lacks a column.</exception>
    public static OuladRegistrations Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The OULAD folder '{directory}' does not exist.");
        }

        using var activity = DatasetsTelemetry.ActivitySource.StartActivity("OuladLoader.Load");
        var info = CsvTable.Load(Path.Combine(directory, StudentInfoFile));
        var registration = CsvTable.Load(Path.Combine(directory, StudentRegistrationFile));
        var courses = CsvTable.Load(Path.Combine(directory, CoursesFile));

        var lengthByPresentation = new Dictionary<(string, string), int>();
        var courseModule = Text(courses, "code_module");
        var coursePresentation = Text(courses, "code_presentation");
        var courseLength = Ints(courses, "module_presentation_length");
        for (var r = 0; r < courses.RowCount; r++)
        {
            lengthByPresentation[(courseModule[r], coursePresentation[r])] = courseLength[r] ?? throw Bad(courses, "module_presentation_length", r, "", "The length is missing.");
        }

        var regModule = Text(registration, "code_module");
        var regPresentation = Text(registration, "code_presentation");
        var regStudent = Ints(registration, "id_student");
        var regDay = Ints(registration, "date_registration");
        var unregDay = Ints(registration, "date_unregistration");
        var registrationRow = new Dictionary<(string, string, long), int>(registration.RowCount);
        for (var r = 0; r < registration.RowCount; r++)
        {
            registrationRow[(regModule[r], regPresentation[r], regStudent[r] ?? throw Bad(registration, "id_student", r, "", "The student id is missing."))] = r;
        }

        var module = Text(info, "code_module");
        var presentation = Text(info, "code_presentation");
        var student = Ints(info, "id_student");
        var result = Text(info, "final_result");
        var n = info.RowCount;
        var students = new long[n];
        var results = new OuladFinalResult[n];
        var registered = new int?[n];
        var unregistered = new int?[n];
        var lengths = new int[n];
        for (var r = 0; r < n; r++)
        {
            students[r] = student[r] ?? throw Bad(info, "id_student", r, "", "The student id is missing.");
            results[r] = result[r] switch
            {
                "Pass" => OuladFinalResult.Pass,
                "Distinction" => OuladFinalResult.Distinction,
                "Fail" => OuladFinalResult.Fail,
                "Withdrawn" => OuladFinalResult.Withdrawn,
                _ => throw Bad(info, "final_result", r, result[r], "Expected Pass, Distinction, Fail or Withdrawn."),
            };
            if (!lengthByPresentation.TryGetValue((module[r], presentation[r]), out lengths[r]))
            {
                throw Bad(info, "code_presentation", r, $"{module[r]} {presentation[r]}", $"The module presentation is not in {CoursesFile}.");
            }

            if (!registrationRow.TryGetValue((module[r], presentation[r], students[r]), out var reg))
            {
                throw Bad(info, "id_student", r, students[r].ToString(CultureInfo.InvariantCulture), $"The registration is not in {StudentRegistrationFile}.");
            }

            registered[r] = regDay[reg];
            unregistered[r] = unregDay[reg];
        }

        var attributes = AttributeColumns.Select(c => info.Categorical(c)).ToArray();
        DatasetsTelemetry.RowsRead.Add(info.RowCount + registration.RowCount + courses.RowCount);
        return new OuladRegistrations(
            CategoricalColumn.Encode("code_module", module), CategoricalColumn.Encode("code_presentation", presentation),
            CategoricalColumn.Encode("module_presentation", module.Select((m, r) => $"{m} {presentation[r]}")),
            students, results, registered, unregistered, lengths, attributes);
    }

    /// <summary>Loads <c>derived/studentVle_weekly.csv</c> as an activity log over the registrations: one
    /// <see cref="LearnerEventKind.Session"/> event per registration and week with clicks, at the start of that week
    /// (<see cref="OuladRegistrations.StartDate"/> + 7·week days), whose value is the week's clicks (not minutes). Weeks
    /// before the start (negative weeks: browsing before day 0) are left out, so no event precedes a learner's signup.</summary>
    /// <param name="directory">The OULAD folder.</param>
    /// <param name="registrations">The registrations the log's rows refer to.</param>
    /// <returns>The log; row <c>i</c> is registration <c>i</c>.</returns>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">A value does not parse or a row names no known registration (file, column, data row).</exception>
    public static ActivityLog LoadWeeklyActivity(string directory, OuladRegistrations registrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(registrations);
        using var activity = DatasetsTelemetry.ActivitySource.StartActivity("OuladLoader.LoadWeeklyActivity");
        var weekly = CsvTable.Load(Path.Combine(directory, WeeklyActivityFile));
        var rowOf = new Dictionary<(string, long), int>(registrations.Count);
        for (var r = 0; r < registrations.Count; r++)
        {
            rowOf[(registrations.ModulePresentation[r], registrations.Students[r])] = r;
        }

        var starts = registrations.Presentation.Categories.Select(p => OuladRegistrations.StartDate(p).DayNumber * TimeSpan.TicksPerDay).ToArray();
        var module = Text(weekly, "code_module");
        var presentation = Text(weekly, "code_presentation");
        var student = weekly.Integers("id_student");
        var week = weekly.Integers("week");
        var clicks = weekly.Numeric("sum_click");
        var rows = new List<int>(weekly.RowCount);
        var times = new List<long>(weekly.RowCount);
        var values = new List<float>(weekly.RowCount);
        for (var r = 0; r < weekly.RowCount; r++)
        {
            if (week[r] < 0)
            {
                continue;
            }

            if (!rowOf.TryGetValue(($"{module[r]} {presentation[r]}", student[r]), out var row))
            {
                throw Bad(weekly, "id_student", r, student[r].ToString(CultureInfo.InvariantCulture), $"No registration of this student on {module[r]} {presentation[r]} in {StudentInfoFile}.");
            }

            if (clicks[r] < 0)
            {
                throw Bad(weekly, "sum_click", r, clicks[r].ToString(CultureInfo.InvariantCulture), "Clicks cannot be negative.");
            }

            rows.Add(row);
            times.Add(starts[registrations.Presentation.Codes[row]] + week[r] * 7 * TimeSpan.TicksPerDay);
            values.Add((float)clicks[r]);
        }

        DatasetsTelemetry.RowsRead.Add(weekly.RowCount);
        var kinds = new LearnerEventKind[rows.Count];
        return ActivityLog.FromUnsorted(registrations.Count, [.. rows], [.. times], kinds, [.. values]);
    }

    private static string[] Text(CsvTable table, string column)
    {
        var c = table.Categorical(column);
        var result = new string[c.Count];
        for (var r = 0; r < c.Count; r++) { result[r] = c[r]; }
        return result;
    }

    // Integers where "" means missing (OULAD's convention).
    private static int?[] Ints(CsvTable table, string column)
    {
        var text = Text(table, column);
        var result = new int?[text.Length];
        for (var r = 0; r < text.Length; r++)
        {
            if (text[r].Length == 0) { continue; }
            result[r] = int.TryParse(text[r], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Bad(table, column, r, text[r], "It is not an integer.");
        }

        return result;
    }

    internal static InvalidDataException Bad(CsvTable table, string column, int row, string value, string problem)
        => new($"{table.FileName}: column '{column}', data row {(row + 1).ToString(CultureInfo.InvariantCulture)}, value '{value}': {problem}");
}
