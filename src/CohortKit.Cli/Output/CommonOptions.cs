using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CohortKit.Cli.Output;

/// <summary>The options every command spells the same way. Each call returns a new option (System.CommandLine options
/// belong to one command).</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: one JSON document on stdout and nothing else.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document to stdout and nothing else." };

    /// <summary><c>--seed</c>: the seed of every random choice; the same seed gives the same output.</summary>
    /// <param name="description">What the seed drives, when a command wants to say more.</param>
    public static Option<long> Seed(string description = "Seed; the same seed gives the same output.") =>
        new("--seed") { Description = description, DefaultValueFactory = _ => 42 };

    /// <summary><c>--alpha</c>: the significance level, default 0.05.</summary>
    public static Option<double> Alpha() => new("--alpha") { Description = "Significance level.", DefaultValueFactory = _ => 0.05 };

    /// <summary>A number option read as invariant-culture text only (<c>0.999</c>, <c>1e-3</c>): a comma is neither a decimal
    /// point nor a thousands separator, so <c>0,999</c> is refused rather than read as 999.</summary>
    /// <param name="name">The flag, e.g. <c>--objective</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="defaultValue">The value when the option is absent; none makes it required.</param>
    public static Option<double> Number(string name, string description, double? defaultValue = null)
    {
        var option = new Option<double>(name) { Description = description, CustomParser = ParseNumber };
        if (defaultValue is { } d)
        {
            option.DefaultValueFactory = _ => d;
        }
        else
        {
            option.Required = true;
        }

        return option;
    }

    /// <summary>An optional number option with no default (null when absent), read as <see cref="Number"/> reads.</summary>
    /// <param name="name">The flag, e.g. <c>--price-per-hour</c>.</param>
    /// <param name="description">The help text.</param>
    public static Option<double?> OptionalNumber(string name, string description)
        => new(name) { Description = description, CustomParser = result => ParseNumber(result) };

    private static double ParseNumber(ArgumentResult result)
    {
        var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"'{token}' is not a number; write it with a dot as the decimal point and no thousands separator (e.g. 0.999, 1500, 1e-3).");
        return 0;
    }
}
