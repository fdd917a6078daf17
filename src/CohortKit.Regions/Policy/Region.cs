namespace CohortKit.Regions.Policy;

/// <summary>A region of a validated <see cref="ResidencyPolicy"/>.</summary>
public sealed record Region
{
    /// <summary>Gets the region's position in the catalogue (0-based).</summary>
    public required int Index { get; init; }

    /// <summary>Gets the region's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the jurisdiction whose law governs data stored in the region.</summary>
    public required string Jurisdiction { get; init; }

    /// <summary>Gets the region's availability zones.</summary>
    public required IReadOnlyList<string> Zones { get; init; }
}
