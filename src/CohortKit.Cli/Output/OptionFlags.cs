using System.Text.RegularExpressions;
using CohortKit.Errors;

namespace CohortKit.Cli.Output;

/// <summary>The one place where an option check of library code, which names the option's property or parameter
/// (<c>MinimumSegmentSize</c>, <c>iterations</c>), is reported by the flag the user typed (<c>--min-size</c>).</summary>
internal static class OptionFlags
{
    /// <summary>Runs <paramref name="run"/>; an <see cref="ArgumentOutOfRangeException"/> whose parameter has a flag becomes
    /// one line "<c>--flag value: reason</c>", the parameter's name in the reason replaced by the flag.</summary>
    /// <param name="run">The library call.</param>
    /// <param name="flagOf">The flag of a property or parameter name, or null when it has none.</param>
    /// <returns>What <paramref name="run"/> returns.</returns>
    /// <exception cref="ArgumentException">An option was out of range (the message names its flag and value).</exception>
    public static T Rename<T>(Func<T> run, Func<string, string?> flagOf)
    {
        try
        {
            return run();
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName is { Length: > 0 } name && flagOf(name) is { } flag)
        {
            var reason = ex.WithoutParameterName().ReplaceLineEndings("\n").Split('\n')[0];
            reason = Regex.Replace(reason, $@"\b{Regex.Escape(name)}\b", flag);
            throw new ArgumentException($"{flag} {ex.ActualValue?.ToString() ?? ""}: {reason}".Replace("  ", " ", StringComparison.Ordinal), ex);
        }
    }
}
