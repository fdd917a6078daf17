namespace CohortKit.Cli.Similarity;

/// <summary>Checks an output path before any work is done, so that a bad path fails at once and not after minutes of work.</summary>
internal static class OutputPath
{
    /// <summary>Throws when the file's folder does not exist or the path names a folder.</summary>
    /// <param name="path">The full path of the file to write.</param>
    /// <param name="option">The option that gave it, for the message.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The path is a folder.</exception>
    public static void CheckWritable(string path, string option)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{option} {path} is a folder; give a file name.");
        }

        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{option}: the folder {folder} does not exist.");
        }
    }
}
