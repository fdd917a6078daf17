using System.CommandLine;
using System.Globalization;
using CohortKit.Churn.Lifetimes;
using CohortKit.Cli.Output;
using CohortKit.Errors;
using CohortKit.Tables;
using Spectre.Console;

namespace CohortKit.Cli.Churn;

/// <summary><c>cohortkit churn fit-bgnbd</c>: fits BG/NBD to one (x, t_x, T) row per customer.</summary>
internal static class FitBgNbdCommand
{
    /// <summary>The future period of the <c>--out</c> file's expectation (CDNOW's 39-week holdout).</summary>
    public const double ExpectedPeriods = 39;

    public static Command Create(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per customer.", Required = true };
        var id = new Option<string>("--id") { Description = "Customer id column.", DefaultValueFactory = _ => "ID" };
        var frequency = new Option<string>("--frequency") { Description = "Repeat-transaction count column (x).", DefaultValueFactory = _ => "frequency" };
        var recency = new Option<string>("--recency") { Description = "Time of the last repeat transaction (t_x).", DefaultValueFactory = _ => "recency" };
        var age = new Option<string>("--age") { Description = "Time since the first transaction (T).", DefaultValueFactory = _ => "T" };
        var output = new Option<FileInfo?>("--out") { Description = "Write id,pAlive,expected_next_39 per customer to this CSV." };
        var json = CommonOptions.Json();
        var command = new Command("fit-bgnbd", "Fit the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood.")
        {
            input, id, frequency, recency, age, output, json,
        };
        command.SetAction(parse =>
        {
            var table = CsvTable.Load(parse.GetValue(input)!.FullName, requireFinalLineEnd: false); // external exports often lack one
            var ids = table.Categorical(parse.GetValue(id)!);
            var x = table.Numeric(parse.GetValue(frequency)!);
            var tx = table.Numeric(parse.GetValue(recency)!);
            var t = table.Numeric(parse.GetValue(age)!);
            if (x.Length == 0)
            {
                throw new CsvFormatException(table.FileName, 1, null, null, "The file has a header but no customers.");
            }

            RequireUniqueIds(table.FileName, parse.GetValue(id)!, ids);

            BgNbdFit fit;
            try
            {
                fit = new BgNbdFitter().Fit(x, tx, t);
            }
            catch (ArgumentException e) when (e.ParamName is "frequency" or "recency" or "age") // BgNbdFitter.Fit's parameters
            {
                var column = e.ParamName switch { "frequency" => parse.GetValue(frequency), "recency" => parse.GetValue(recency), _ => parse.GetValue(age) };
                throw new ArgumentException($"{table.FileName}: column '{column}': {e.WithoutParameterName()}");
            }

            if (!fit.Converged)
            {
                console.Error.WriteLine($"cohortkit: fit-bgnbd did not converge ({fit.Outcome}): {fit.Reason}{(parse.GetValue(output) is { } skipped ? $" {skipped.Name} was not written." : string.Empty)}");
            }
            else if (parse.GetValue(output) is { } outFile)
            {
                WritePerCustomer(outFile.FullName, fit.Parameters, ids, x, tx, t);
            }

            var report = new BgNbdReport
            {
                N = fit.Customers,
                R = fit.Parameters.R,
                Alpha = fit.Parameters.Alpha,
                A = fit.Parameters.A,
                B = fit.Parameters.B,
                LogLikelihood = fit.LogLikelihood,
                Converged = fit.Converged,
            };
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                var grid = new Table().AddColumns("parameter", "value");
                foreach (var (name, value) in new[] { ("r", report.R), ("alpha", report.Alpha), ("a", report.A), ("b", report.B), ("log-likelihood", report.LogLikelihood) })
                {
                    grid.AddRow(name, value.ToString("G6", CultureInfo.InvariantCulture));
                }

                console.Ansi.Write(grid);
                console.Ansi.WriteLine($"{report.N} customers; {(report.Converged ? "converged" : "NOT converged")}.");
            }

            return report.Converged ? 0 : CliConsole.Failure;
        });
        return command;
    }

    /// <summary>Refuses a customer id that occurs on more than one row: each customer is one (x, t_x, T).</summary>
    private static void RequireUniqueIds(string file, string column, CohortKit.Learners.CategoricalColumn ids)
    {
        var firstRow = new Dictionary<int, int>();
        for (var row = 0; row < ids.Count; row++)
        {
            if (!firstRow.TryAdd(ids.Codes[row], row))
            {
                throw new ArgumentException($"{file}: column '{column}': id '{ids[row]}' occurs on rows {firstRow[ids.Codes[row]] + 1} and {row + 1}; each customer needs exactly one row.");
            }
        }
    }

    private static void WritePerCustomer(string path, BgNbdParameters p, CohortKit.Learners.CategoricalColumn ids, double[] x, double[] tx, double[] t)
    {
        var alive = new double[x.Length];
        var expected = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            alive[i] = p.ProbabilityAlive(x[i], tx[i], t[i]);
            expected[i] = p.ConditionalExpectedTransactions(ExpectedPeriods, x[i], tx[i], t[i]);
        }

        var idText = Enumerable.Range(0, ids.Count).Select(i => ids[i]).ToArray();
        CsvTable.Save(path, [CsvColumn.Of("id", idText), CsvColumn.Of("pAlive", alive), CsvColumn.Of("expected_next_39", expected)]);
    }
}

/// <summary>The JSON of <c>churn fit-bgnbd</c>: <c>{ n, r, alpha, a, b, logLikelihood, converged }</c>.</summary>
internal sealed record BgNbdReport
{
    public required int N { get; init; }

    public required double R { get; init; }

    public required double Alpha { get; init; }

    public required double A { get; init; }

    public required double B { get; init; }

    public required double LogLikelihood { get; init; }

    public required bool Converged { get; init; }
}
