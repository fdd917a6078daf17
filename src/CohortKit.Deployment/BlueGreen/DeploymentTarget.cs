namespace CohortKit.Deployment.BlueGreen;

/// <summary>One running instance of the application: its version and where it listens.</summary>
/// <param name="Version">The version it runs (a label: "blue-1.4.2", "2").</param>
/// <param name="Address">Its base address, e.g. http://127.0.0.1:5001/.</param>
public sealed record DeploymentTarget(string Version, Uri Address)
{
    /// <summary>Checks the target.</summary>
    /// <param name="paramName">The parameter name for the exception.</param>
    /// <exception cref="ArgumentException">The version is empty or the address is not an absolute http(s) address.</exception>
    internal void Validate(string paramName)
    {
        if (string.IsNullOrWhiteSpace(Version)) { throw new ArgumentException("The target's version is empty.", paramName); }
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The target's address '{Address}' is not an absolute http(s) address.", paramName);
        }
    }
}

/// <summary>Routes the application's traffic to one target at a time.</summary>
/// <remarks>Implementations are thread-safe. The default is <see cref="YarpTrafficSwitch"/>.</remarks>
public interface ITrafficSwitch
{
    /// <summary>Gets the target new requests go to, or <see langword="null"/> before the first switch.</summary>
    DeploymentTarget? Active { get; }

    /// <summary>Sends every new request to <paramref name="target"/>, atomically: a request goes wholly to the old or the new
    /// target, and requests in flight to the old one finish there. Switching to the active target changes nothing.</summary>
    /// <param name="target">The target.</param>
    /// <param name="cancellationToken">Cancels the wait for the switch to take effect.</param>
    /// <returns>A task that completes once new requests go to the target.</returns>
    Task SwitchAsync(DeploymentTarget target, CancellationToken cancellationToken);

    /// <summary>Waits until no request is in flight to <paramref name="target"/> (which must no longer be active).</summary>
    /// <param name="target">The target being drained.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when drained, <see langword="false"/> when requests were still in flight at the timeout.</returns>
    Task<bool> DrainAsync(DeploymentTarget target, TimeSpan timeout, CancellationToken cancellationToken);
}
