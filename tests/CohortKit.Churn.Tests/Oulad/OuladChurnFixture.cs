using CohortKit.Churn.Oulad;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Oulad;

/// <summary>Loads OULAD once per test class (the Parquet clicks take a few seconds); null when the data sets are absent.</summary>
public sealed class OuladChurnFixture
{
    private readonly Lazy<OuladChurnData> _data = new(() => OuladChurnData.Load(SharedData.RequireDataset("oulad"), SharedData.RequireDataset("oulad_studentvle_parquet")));

    /// <summary>Gets the data (loaded on first use; throws with where to get it when absent).</summary>
    public OuladChurnData Data => _data.Value;
}
