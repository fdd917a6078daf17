using System.Text.Json;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>Persists the state of the deployment in progress.</summary>
public interface IDeploymentStateStore
{
    /// <summary>Loads the last saved state.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/> when none was saved.</returns>
    Task<DeploymentState?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Saves the state so that it survives a crash of the process right after this call returns.</summary>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the write (the previous state stays).</param>
    /// <returns>A task.</returns>
    Task SaveAsync(DeploymentState state, CancellationToken cancellationToken);
}

/// <summary>The default store: one JSON file, replaced atomically (written to a temporary file beside it, flushed to disk,
/// then renamed over it), so a reader sees the old or the new state, never half of one.</summary>
/// <remarks>One writer at a time (the orchestrator); readers may read concurrently.</remarks>
public sealed class JsonFileDeploymentStateStore : IDeploymentStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Creates the store.</summary>
    /// <param name="path">The state file (its folder is created when missing).</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public JsonFileDeploymentStateStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Gets the state file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The file is not a deployment state.</exception>
    public async Task<DeploymentState?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var stream = File.OpenRead(Path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<DeploymentState>(stream, Json, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"{Path} holds no deployment state.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Path} is not a deployment state: {ex.Message}", ex);
            }
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(DeploymentState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, state, Json, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
