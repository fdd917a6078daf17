namespace CohortKit.Learners;

/// <summary>
/// The segmentable facts of a set of learners, stored column by column: identifiers, signup dates and any number of
/// dictionary-encoded categorical attributes (age band, domain, region, plan…). Row <c>i</c> of every column is learner <c>i</c>.
/// </summary>
/// <remarks>Immutable after construction and safe to read from many threads.</remarks>
public sealed class LearnerAttributes
{
    private readonly LearnerId[] _ids;
    private readonly DateOnly[] _signupDates;
    private readonly Dictionary<long, int> _rowById;
    private readonly Dictionary<string, CategoricalColumn> _columnsByName;
    private readonly CategoricalColumn[] _columns;

    /// <summary>Creates the table. The arrays are owned by the table afterwards.</summary>
    /// <param name="ids">One distinct identifier per learner.</param>
    /// <param name="signupDates">The signup date of each learner.</param>
    /// <param name="columns">Categorical attributes, each with one code per learner; names must be distinct.</param>
    /// <exception cref="ArgumentException">Lengths differ, an identifier repeats, or a column name repeats.</exception>
    public LearnerAttributes(LearnerId[] ids, DateOnly[] signupDates, IEnumerable<CategoricalColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(signupDates);
        ArgumentNullException.ThrowIfNull(columns);
        if (signupDates.Length != ids.Length)
        {
            throw new ArgumentException($"signupDates has {signupDates.Length} rows but ids has {ids.Length}.", nameof(signupDates));
        }

        _rowById = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!_rowById.TryAdd(ids[i].Value, i))
            {
                throw new ArgumentException($"Learner id {ids[i]} appears twice (rows {_rowById[ids[i].Value]} and {i}).", nameof(ids));
            }
        }

        _columns = columns.ToArray();
        _columnsByName = new Dictionary<string, CategoricalColumn>(StringComparer.Ordinal);
        foreach (var c in _columns)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(columns));
            if (c.Count != ids.Length)
            {
                throw new ArgumentException($"Column '{c.Name}' has {c.Count} rows but ids has {ids.Length}.", nameof(columns));
            }

            if (!_columnsByName.TryAdd(c.Name, c))
            {
                throw new ArgumentException($"Column '{c.Name}' appears twice.", nameof(columns));
            }
        }

        _ids = ids;
        _signupDates = signupDates;
    }

    /// <summary>Gets the number of learners.</summary>
    public int Count => _ids.Length;

    /// <summary>Gets the learner identifiers in row order.</summary>
    public ReadOnlySpan<LearnerId> Ids => _ids;

    /// <summary>Gets the signup dates in row order.</summary>
    public ReadOnlySpan<DateOnly> SignupDates => _signupDates;

    /// <summary>Gets the categorical columns in their declared order.</summary>
    public IReadOnlyList<CategoricalColumn> Columns => _columns;

    /// <summary>Gets a categorical column by name.</summary>
    /// <param name="name">The attribute name (ordinal).</param>
    /// <returns>The column.</returns>
    /// <exception cref="KeyNotFoundException">No such column; the message lists the ones there are.</exception>
    public CategoricalColumn this[string name] => _columnsByName.TryGetValue(name, out var c)
        ? c
        : throw new KeyNotFoundException($"No attribute '{name}'. Attributes: {string.Join(", ", _columnsByName.Keys)}.");

    /// <summary>Looks up a categorical column by name.</summary>
    /// <param name="name">The attribute name (ordinal).</param>
    /// <param name="column">The column when found.</param>
    /// <returns><see langword="true"/> when the column exists.</returns>
    public bool TryGetColumn(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CategoricalColumn? column)
        => _columnsByName.TryGetValue(name, out column);

    /// <summary>Finds the row of a learner.</summary>
    /// <param name="id">The learner.</param>
    /// <param name="row">The row when found.</param>
    /// <returns><see langword="true"/> when the learner is in the table.</returns>
    public bool TryGetRow(LearnerId id, out int row) => _rowById.TryGetValue(id.Value, out row);
}
