using Microsoft.Extensions.Options;

namespace CohortKit.Hosting;

/// <summary>Adapts an options class's own validation (which throws <see cref="ArgumentOutOfRangeException"/> naming the
/// option, as the non-DI constructors do) to <see cref="IValidateOptions{TOptions}"/>, so DI and non-DI share one rule set.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="validate">Throws <see cref="ArgumentException"/> (or a subtype) for invalid options.</param>
public sealed class DelegatingOptionsValidator<TOptions>(Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{ex.ParamName}: {ex.Message}");
        }
    }
}
