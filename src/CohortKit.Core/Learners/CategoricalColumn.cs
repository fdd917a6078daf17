namespace CohortKit.Learners;

/// <summary>One dictionary-encoded categorical attribute: an <see cref="int"/> code per learner and a table of category names.</summary>
/// <remarks>Immutable after construction and safe to read from many threads.</remarks>
public sealed class CategoricalColumn
{
    private readonly int[] _codes;
    private readonly string[] _categories;
    private readonly Dictionary<string, int> _codeByCategory;

    /// <summary>Creates a column from already-encoded values.</summary>
    /// <param name="name">The attribute name, e.g. <c>region</c>.</param>
    /// <param name="categories">The category names; code <c>k</c> means <c>categories[k]</c>. Names must be distinct.</param>
    /// <param name="codes">One code per learner, each in <c>[0, categories.Length)</c>. The array is owned by the column afterwards.</param>
    /// <exception cref="ArgumentException">The name is empty, a category repeats or a code is out of range.</exception>
    public CategoricalColumn(string name, string[] categories, int[] codes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(codes);
        _codeByCategory = new Dictionary<string, int>(categories.Length, StringComparer.Ordinal);
        for (var k = 0; k < categories.Length; k++)
        {
            ArgumentNullException.ThrowIfNull(categories[k], nameof(categories));
            if (!_codeByCategory.TryAdd(categories[k], k))
            {
                throw new ArgumentException($"Category '{categories[k]}' appears twice in column '{name}'.", nameof(categories));
            }
        }

        for (var i = 0; i < codes.Length; i++)
        {
            if ((uint)codes[i] >= (uint)categories.Length)
            {
                throw new ArgumentException($"Code {codes[i]} at row {i} of column '{name}' is outside [0, {categories.Length}).", nameof(codes));
            }
        }

        Name = name;
        _categories = categories;
        _codes = codes;
    }

    /// <summary>Gets the attribute name.</summary>
    public string Name { get; }

    /// <summary>Gets the number of learners (rows).</summary>
    public int Count => _codes.Length;

    /// <summary>Gets the codes, one per learner, in learner order.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>Gets the category names, indexed by code.</summary>
    public IReadOnlyList<string> Categories => _categories;

    /// <summary>Gets the category of one learner.</summary>
    /// <param name="row">The learner's row.</param>
    /// <returns>The category name.</returns>
    public string this[int row] => _categories[_codes[row]];

    /// <summary>Looks up the code of a category.</summary>
    /// <param name="category">The category name (ordinal comparison).</param>
    /// <param name="code">The code when found.</param>
    /// <returns><see langword="true"/> when the category exists in this column.</returns>
    public bool TryGetCode(string category, out int code) => _codeByCategory.TryGetValue(category, out code);

    /// <summary>Encodes a sequence of strings, assigning codes in order of first appearance.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">One value per learner.</param>
    /// <returns>The encoded column.</returns>
    public static CategoricalColumn Encode(string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var encoder = new CategoricalEncoder();
        var codes = new List<int>();
        foreach (var v in values)
        {
            codes.Add(encoder.Encode(v));
        }

        return new CategoricalColumn(name, encoder.Categories.ToArray(), codes.ToArray());
    }
}

/// <summary>Assigns dense integer codes to strings in order of first appearance (used by loaders and generators).</summary>
internal sealed class CategoricalEncoder
{
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CategoricalEncoder() => _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();

    public List<string> Categories { get; } = [];

    public int Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_codes.TryGetValue(value, out var code))
        {
            code = Categories.Count;
            _codes.Add(value, code);
            Categories.Add(value);
        }

        return code;
    }

    public int Encode(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var code))
        {
            return code;
        }

        return Encode(value.ToString());
    }
}
