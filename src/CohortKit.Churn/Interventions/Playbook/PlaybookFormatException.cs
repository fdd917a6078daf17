using CohortKit.Errors;

namespace CohortKit.Churn.Interventions.Playbook;

/// <summary>Thrown when an intervention playbook is malformed or inconsistent: it names the field by its JSON path
/// (e.g. <c>$.rules[2].action</c>) and says what is wrong with it.</summary>
/// <remarks>Loading is all-or-nothing: when this is thrown, no playbook has been returned.</remarks>
public sealed class PlaybookFormatException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file name, or a description of the source (e.g. <c>playbook</c> for one built in code).</param>
    /// <param name="path">The JSON path of the offending field.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public PlaybookFormatException(string fileName, string path, string problem, Exception? innerException = null)
        : base($"{fileName} {path}: {problem}", innerException!)
    {
        FileName = fileName;
        Path = path;
        Problem = problem;
    }

    /// <summary>Gets the file name or source description.</summary>
    public string FileName { get; }

    /// <summary>Gets the JSON path of the offending field (<c>$</c> for the whole document).</summary>
    public string Path { get; }

    /// <summary>Gets what is wrong, without the location.</summary>
    public string Problem { get; }
}
