namespace CohortKit.Errors;

/// <summary>The text of an <see cref="ArgumentException"/> without the framework's " (Parameter 'name')" suffix, for a
/// message that wraps another or is shown to a person on one line.</summary>
public static class ArgumentExceptionMessages
{
    /// <summary>Gets the exception's message without the " (Parameter 'name')" that <see cref="ArgumentException.Message"/>
    /// appends when <see cref="ArgumentException.ParamName"/> is set (an <see cref="ArgumentOutOfRangeException"/>'s
    /// "Actual value was …" line stays).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The message as its thrower wrote it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    /// <remarks>Thread-safe.</remarks>
    public static string WithoutParameterName(this ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        if (exception.ParamName is not { Length: > 0 } name)
        {
            return message;
        }

        var suffix = $" (Parameter '{name}')";
        var at = message.IndexOf(suffix, StringComparison.Ordinal);
        return at < 0 ? message : message.Remove(at, suffix.Length);
    }
}
