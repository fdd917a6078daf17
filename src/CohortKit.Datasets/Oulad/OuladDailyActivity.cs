using System.Globalization;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Tables;
using Parquet;
using Parquet.Schema;

namespace CohortKit.Datasets.Oulad;

/// <summary>OULAD's daily VLE clicks (the complete <c>studentVle</c> table, read from its Parquet copy) as an activity log
/// with each event's activity type.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record OuladDailyActivity
{
    /// <summary>Gets the log: row <c>i</c> is registration <c>i</c>; one <see cref="LearnerEventKind.Session"/> event per
    /// registration, day (≥ 0) and activity type, at the start of that day (<see cref="OuladRegistrations.StartDate"/> +
    /// day), whose value is the clicks (not minutes).</summary>
    public required ActivityLog Log { get; init; }

    /// <summary>Gets the activity type (<c>vle.csv</c>'s <c>activity_type</c> of the clicked material) of each event of
    /// <see cref="Log"/>, in the log's event order.</summary>
    public required CategoricalColumn ActivityTypes { get; init; }

    /// <summary>Gets the number of <c>studentVle</c> rows read (10,655,280 for the complete table).</summary>
    public required long RowsRead { get; init; }

    /// <summary>Gets the rows dated before the presentation's start (day &lt; 0), left out so that no event precedes a
    /// learner's signup.</summary>
    public required long RowsBeforeStart { get; init; }

    /// <summary>Gets the clicks of the rows left out before the start.</summary>
    public required long ClicksBeforeStart { get; init; }

    /// <summary>Gets, per registration row, the clicks before the presentation's start (day &lt; 0: browsing before the
    /// module opens), which the log leaves out. Rows of students with no registration on the presentation are not attributed.</summary>
    public required ReadOnlyMemory<long> ClicksBeforeStartByRegistration { get; init; }

    /// <summary>Gets, per registration row, the distinct days before the start with clicks.</summary>
    public required ReadOnlyMemory<int> ActiveDaysBeforeStart { get; init; }

    /// <summary>The folder inside the data set that holds the hive partitions.</summary>
    public const string PartitionFolder = "studentVle_ds";

    /// <summary>The VLE materials file (relative to the OULAD folder), which gives each site's activity type.</summary>
    public const string VleFile = "vle.csv";

    private const int DayBits = 10;
    private const int TypeBits = 6;

    /// <summary>Reads every <c>code_module=…/code_presentation=…/*.parquet</c> file with Parquet.Net, joins each row to its
    /// registration and to <c>vle.csv</c>'s activity type, drops days before the start, and sums the clicks of rows with the
    /// same registration, day and activity type.</summary>
    /// <param name="parquetDirectory">The <c>oulad_studentvle_parquet</c> folder (or its <c>studentVle_ds</c> folder).</param>
    /// <param name="ouladDirectory">The OULAD CSV folder (for <c>vle.csv</c>).</param>
    /// <param name="registrations">The registrations (<see cref="OuladLoader.Load"/>) the log's rows refer to.</param>
    /// <returns>The daily activity.</returns>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist or holds no partition.</exception>
    /// <exception cref="FileNotFoundException"><c>vle.csv</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A partition folder is misnamed, a column is missing, or a row has a missing,
    /// negative or fractional value, an unknown site or no registration; the message names the file, column and row.</exception>
    public static OuladDailyActivity Load(string parquetDirectory, string ouladDirectory, OuladRegistrations registrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parquetDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(ouladDirectory);
        ArgumentNullException.ThrowIfNull(registrations);
        using var activity = DatasetsTelemetry.ActivitySource.StartActivity("OuladDailyActivity.Load");
        var root = Directory.Exists(Path.Combine(parquetDirectory, PartitionFolder)) ? Path.Combine(parquetDirectory, PartitionFolder) : parquetDirectory;
        if (!Directory.Exists(root)) { throw new DirectoryNotFoundException($"The OULAD studentVle Parquet folder '{parquetDirectory}' does not exist."); }
        var files = Directory.GetFiles(root, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) { throw new DirectoryNotFoundException($"'{root}' holds no .parquet file (expected code_module=…/code_presentation=…/part-0.parquet)."); }

        var (siteType, typeNames) = ActivityTypesOf(Path.Combine(ouladDirectory, VleFile));
        var rowOf = new Dictionary<(string, long), int>(registrations.Count);
        for (var r = 0; r < registrations.Count; r++) { rowOf[(registrations.ModulePresentation[r], registrations.Students[r])] = r; }

        var keys = new List<long>();
        var clicks = new List<int>();
        var before = new long[registrations.Count];
        var daysBefore = new HashSet<(int Row, int Day)>();
        long rowsRead = 0, rowsBefore = 0, clicksBefore = 0;
        foreach (var file in files)
        {
            var (module, presentation) = Partition(root, file);
            ReadRows(file, (student, site, day, count, index) =>
            {
                rowsRead++;
                if (day < 0)
                {
                    rowsBefore++;
                    clicksBefore += count;
                    if (rowOf.TryGetValue(($"{module} {presentation}", student), out var earlyRow))
                    {
                        before[earlyRow] += count;
                        daysBefore.Add((earlyRow, day));
                    }

                    return;
                }

                if (!rowOf.TryGetValue(($"{module} {presentation}", student), out var row))
                {
                    throw Bad(file, "id_student", index, student, $"No registration of this student on {module} {presentation} in {OuladLoader.StudentInfoFile}.");
                }

                if (!siteType.TryGetValue((module, presentation, site), out var type))
                {
                    throw Bad(file, "id_site", index, site, $"The site is not in {VleFile} for {module} {presentation}.");
                }

                if (day >= 1 << DayBits) { throw Bad(file, "date", index, day, $"Days past {(1 << DayBits) - 1} are not expected in OULAD."); }
                keys.Add(((long)row << (DayBits + TypeBits)) | ((long)day << TypeBits) | (uint)type);
                clicks.Add(count);
            });
        }

        DatasetsTelemetry.RowsRead.Add(rowsRead);
        var activeBefore = new int[registrations.Count];
        foreach (var (row, _) in daysBefore) { activeBefore[row]++; }
        return Build(keys, clicks, registrations, typeNames, rowsRead, rowsBefore, clicksBefore) with
        {
            ClicksBeforeStartByRegistration = before,
            ActiveDaysBeforeStart = activeBefore,
        };
    }

    private static OuladDailyActivity Build(List<long> keyList, List<int> clickList, OuladRegistrations registrations, string[] typeNames, long rowsRead, long rowsBefore, long clicksBefore)
    {
        var keys = keyList.ToArray();
        var clicks = clickList.ToArray();
        Array.Sort(keys, clicks);
        // Runs of the same (registration, day, type) become one event.
        var events = 0;
        for (var i = 0; i < keys.Length; i++) { if (i == 0 || keys[i] != keys[i - 1]) { events++; } }
        var offsets = new int[registrations.Count + 1];
        var times = new long[events];
        var values = new float[events];
        var types = new int[events];
        var starts = registrations.Presentation.Categories.Select(p => OuladRegistrations.StartDate(p).DayNumber * TimeSpan.TicksPerDay).ToArray();
        var e = -1;
        long sum = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1])
            {
                if (e >= 0) { values[e] = sum; }
                e++;
                sum = 0;
                var row = (int)(keys[i] >> (DayBits + TypeBits));
                var day = (int)((keys[i] >> TypeBits) & ((1 << DayBits) - 1));
                times[e] = starts[registrations.Presentation.Codes[row]] + day * TimeSpan.TicksPerDay;
                types[e] = (int)(keys[i] & ((1 << TypeBits) - 1));
                offsets[row + 1]++;
            }

            sum += clicks[i];
        }

        if (e >= 0) { values[e] = sum; }
        for (var r = 0; r < registrations.Count; r++) { offsets[r + 1] += offsets[r]; }
        return new OuladDailyActivity
        {
            Log = new ActivityLog(offsets, times, new LearnerEventKind[events], values),
            ActivityTypes = new CategoricalColumn("activity_type", typeNames, types),
            RowsRead = rowsRead,
            RowsBeforeStart = rowsBefore,
            ClicksBeforeStart = clicksBefore,
            ClicksBeforeStartByRegistration = ReadOnlyMemory<long>.Empty,
            ActiveDaysBeforeStart = ReadOnlyMemory<int>.Empty,
        };
    }

    private static readonly string[] Columns = ["id_student", "id_site", "date", "sum_click"];

    /// <summary>Calls <paramref name="visit"/>(student, site, day, clicks, row) for every row of one file.</summary>
    private static void ReadRows(string file, Action<long, long, int, int, long> visit)
    {
        var reader = ParquetReader.CreateAsync(file).GetAwaiter().GetResult();
        try
        {
            var fields = Columns.Select(name => reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == name)
                ?? throw new InvalidDataException($"{file}: the column '{name}' is missing (columns: {string.Join(", ", reader.Schema.GetDataFields().Select(f => f.Name))}).")).ToArray();
            long offset = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = checked((int)group.RowCount);
                var columns = fields.Select(f => ReadDoubles(group, f, n)).ToArray();
                for (var i = 0; i < n; i++)
                {
                    var row = offset + i;
                    visit(Integer(file, fields[0], columns[0][i], row), Integer(file, fields[1], columns[1][i], row),
                        (int)Integer(file, fields[2], columns[2][i], row, allowNegative: true), checked((int)Integer(file, fields[3], columns[3][i], row)), row);
                }

                offset += n;
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static double?[] ReadDoubles(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType != typeof(double)) { throw new InvalidDataException($"The column '{field.Name}' is {field.ClrType.Name}, not DOUBLE as in the OULAD Parquet copy."); }
        var values = new double?[n];
        if (field.IsNullable)
        {
            group.ReadAsync<double>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            return values;
        }

        var plain = new double[n];
        group.ReadAsync<double>(field, plain.AsMemory()).AsTask().GetAwaiter().GetResult();
        for (var i = 0; i < n; i++) { values[i] = plain[i]; }
        return values;
    }

    private static long Integer(string file, DataField field, double? value, long row, bool allowNegative = false)
    {
        if (value is not { } v) { throw Bad(file, field.Name, row, "null", "The value is missing."); }
        if (v != Math.Floor(v) || Math.Abs(v) > 1e15) { throw Bad(file, field.Name, row, v, "It is not an integer."); }
        if (v < 0 && !allowNegative) { throw Bad(file, field.Name, row, v, "It cannot be negative."); }
        return (long)v;
    }

    private static (string Module, string Presentation) Partition(string root, string file)
    {
        var parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        string? module = parts.FirstOrDefault(p => p.StartsWith("code_module=", StringComparison.Ordinal))?["code_module=".Length..];
        string? presentation = parts.FirstOrDefault(p => p.StartsWith("code_presentation=", StringComparison.Ordinal))?["code_presentation=".Length..];
        return module is { Length: > 0 } && presentation is { Length: > 0 }
            ? (module, presentation)
            : throw new InvalidDataException($"{file}: the path does not name its partition (expected code_module=…/code_presentation=…/).");
    }

    private static (Dictionary<(string, string, long), int> SiteType, string[] Names) ActivityTypesOf(string path)
    {
        var vle = CsvTable.Load(path);
        var site = vle.Integers("id_site");
        var module = vle.Categorical("code_module");
        var presentation = vle.Categorical("code_presentation");
        var type = vle.Categorical("activity_type");
        if (type.Categories.Count > 1 << TypeBits) { throw new InvalidDataException($"{vle.FileName}: column 'activity_type' has {type.Categories.Count} values; at most {1 << TypeBits} are supported."); }
        var map = new Dictionary<(string, string, long), int>(vle.RowCount);
        for (var r = 0; r < vle.RowCount; r++) { map[(module[r], presentation[r], site[r])] = type.Codes[r]; }
        return (map, [.. type.Categories]);
    }

    private static InvalidDataException Bad(string file, string column, long row, object value, string problem)
        => new(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))}/{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}: column '{column}', row {row + 1}, value {value}: {problem}"));
}
