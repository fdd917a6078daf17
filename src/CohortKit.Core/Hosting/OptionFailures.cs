using Microsoft.Extensions.Options;

namespace CohortKit.Hosting;

/// <summary>One invalid option: its name, its value and what is wrong.</summary>
/// <param name="Option">The option's name.</param>
/// <param name="Value">The rejected value.</param>
/// <param name="Message">What is wrong.</param>
public readonly record struct OptionFailure(string Option, object? Value, string Message);

/// <summary>Turns an options validator's failures into the DI result or the constructor's exception, so both list every
/// failure. Every package's validators use it (one implementation of the house style's validation pattern).</summary>
public static class OptionFailures
{
    /// <summary>The DI result: success, or one failure message per invalid option.</summary>
    /// <param name="failures">The failures.</param>
    /// <returns>The result.</returns>
    public static ValidateOptionsResult ToResult(IEnumerable<OptionFailure> failures)
    {
        var messages = failures.Select(f => $"{f.Option}: {f.Message}").ToList();
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }

    /// <summary>Throws when there is any failure; the exception names the first invalid option and its message lists them all.</summary>
    /// <param name="failures">The failures.</param>
    /// <exception cref="ArgumentOutOfRangeException">There is a failure.</exception>
    public static void ThrowIfAny(IEnumerable<OptionFailure> failures)
    {
        var all = failures.ToList();
        if (all.Count == 0)
        {
            return;
        }

        var message = all.Count == 1 ? all[0].Message : string.Join(" ", all.Select(f => $"{f.Option}: {f.Message}"));
        throw new ArgumentOutOfRangeException(all[0].Option, all[0].Value, message);
    }
}
