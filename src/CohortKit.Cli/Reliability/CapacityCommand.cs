using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Cli.Output;
using CohortKit.Reliability.Capacity;
using Spectre.Console;

namespace CohortKit.Cli.Reliability;

/// <summary>The JSON document of <c>cohortkit capacity</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record CapacityReport(
    double OfferedLoad,
    int Servers,
    int ServersWithHeadroom,
    double ProbabilityOfWaiting,
    double WaitQuantileMs,
    double Utilization,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? CostPerHour);

/// <summary><c>cohortkit capacity</c>: the Erlang C (M/M/c) server count for an arrival rate, a service time and a waiting-time target.</summary>
internal static class CapacityCommand
{
    public static Command Create(CliConsole console)
    {
        var rate = CommonOptions.Number("--arrival-rate", "Arrival rate, requests per second.");
        var service = CommonOptions.Number("--service-ms", "Mean service time, milliseconds.");
        var wait = CommonOptions.Number("--wait-ms", "Waiting-time target W, milliseconds.");
        var quantile = CommonOptions.Number("--quantile", "Share q of requests that must wait at most W: P(wait > W) <= 1 - q.", 0.99);
        var headroom = CommonOptions.Number("--headroom", "Also size for this multiple of the arrival rate (at least 1).", 2);
        var price = CommonOptions.OptionalNumber("--price-per-hour", "Price of one server-hour; costPerHour = serversWithHeadroom x price.");
        var json = CommonOptions.Json();
        var command = new Command("capacity", "Servers by Erlang C: the smallest c with C(c, a)·exp(-(c·mu - lambda)·W) <= 1 - q, and again at headroom x the arrival rate.")
        {
            rate, service, wait, quantile, headroom, price, json,
        };
        command.SetAction(parse =>
        {
            var p = parse.GetValue(price);
            var serviceMs = Milliseconds(parse.GetValue(service), "--service-ms", positive: true);
            var waitMs = Milliseconds(parse.GetValue(wait), "--wait-ms", positive: false);
            var estimate = OptionFlags.Rename(
                () => new CapacityPlanner(new CapacityOptions { WaitQuantile = parse.GetValue(quantile), Headroom = parse.GetValue(headroom), OnDemandPricePerHour = p ?? 0 })
                    .Estimate(parse.GetValue(rate), serviceMs, waitMs),
                name => name switch
                {
                    nameof(CapacityOptions.WaitQuantile) => "--quantile",
                    nameof(CapacityOptions.Headroom) => "--headroom",
                    nameof(CapacityOptions.OnDemandPricePerHour) => "--price-per-hour",
                    "arrivalRatePerSecond" => "--arrival-rate",
                    _ => null,
                });
            var b = estimate.Base;
            var report = new CapacityReport(b.OfferedLoad, b.Servers, estimate.WithHeadroom.Servers, b.ProbabilityOfWaiting, b.WaitQuantile.TotalMilliseconds, b.Utilization, p is null ? null : estimate.CostPerHour);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                var table = new Table().AddColumns("offered load", "servers", "with headroom", "P(wait)", "wait quantile ms", "utilization", "cost per hour");
                table.AddRow(Text(report.OfferedLoad), Text(report.Servers), Text(report.ServersWithHeadroom), Text(report.ProbabilityOfWaiting),
                    Text(report.WaitQuantileMs), Text(report.Utilization), report.CostPerHour is { } c ? Text(c) : "-");
                console.Ansi.Write(table);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Milliseconds as a <see cref="TimeSpan"/>, rounded to the nearest 100 ns (its tick, the planner's resolution) and
    /// refused when not finite, negative, below one tick where it must be positive, or above 10^12 ms (about 31 years).</summary>
    private static TimeSpan Milliseconds(double value, string flag, bool positive)
    {
        if (!double.IsFinite(value) || value < 0 || (positive && value == 0))
        {
            throw new ArgumentException($"{flag} {Text(value)}: must be a finite number of milliseconds {(positive ? "above" : "at least")} 0.");
        }

        if (value > MaxMilliseconds)
        {
            throw new ArgumentException($"{flag} {Text(value)}: must be at most {Text(MaxMilliseconds)} ms (about 31 years).");
        }

        var ticks = (long)Math.Round(value * TimeSpan.TicksPerMillisecond, MidpointRounding.AwayFromZero);
        if (positive && ticks == 0)
        {
            throw new ArgumentException($"{flag} {Text(value)}: below 0.0001 ms (100 ns), the resolution of the planner's times.");
        }

        return TimeSpan.FromTicks(ticks);
    }

    private const double MaxMilliseconds = 1e12;

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
