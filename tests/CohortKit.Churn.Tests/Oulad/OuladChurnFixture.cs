using CohortKit.Churn.Oulad;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Oulad;

/// <summary>Loads OULAD once per test run, shared by the test classes (the Parquet clicks take about 20 s to read).</summary>
public sealed class OuladChurnFixture
{
    private static readonly Lazy<OuladChurnData> Loaded = new(() => OuladChurnData.Load(SharedData.RequireDataset("oulad"), SharedData.RequireDataset("oulad_studentvle_parquet")));

    private readonly Lazy<OuladChurnData> _data = Loaded;

    /// <summary>Gets the data (loaded on first use; throws with where to get it when absent).</summary>
    public OuladChurnData Data => _data.Value;
}
