namespace CohortKit.Cli.Simulate;

/// <summary>A set of output files written under temporary names in the target folder and renamed to their final names
/// together at the end, so a failed or cancelled run never leaves a mix of new, cut and old files.</summary>
internal sealed class OutputFiles
{
    public OutputFiles(string folder, params string[] names)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        Final = names.Select(n => Path.Combine(folder, n)).ToArray();
        Temporary = names.Select(n => Path.Combine(folder, $".{n}.{tag}.partial")).ToArray();
    }

    /// <summary>Gets the final paths.</summary>
    public IReadOnlyList<string> Final { get; }

    /// <summary>Gets the temporary paths to write to, in the same order.</summary>
    public IReadOnlyList<string> Temporary { get; }

    /// <summary>Renames every temporary file to its final name (replacing an older file), after all were written.</summary>
    public void Commit()
    {
        for (var i = 0; i < Final.Count; i++)
        {
            File.Move(Temporary[i], Final[i], overwrite: true);
        }
    }

    /// <summary>Deletes the temporary files that exist.</summary>
    /// <returns>How many were deleted.</returns>
    public int DeleteTemporaries()
    {
        var deleted = 0;
        foreach (var path in Temporary)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                    deleted++;
                }
            }
            catch (IOException)
            {
                // best effort: the message still says what was removed
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return deleted;
    }
}
