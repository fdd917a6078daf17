using CohortKit.Learners;
using CohortKit.Tables;

namespace CohortKit.Core.Tests.Tables;

public sealed class CsvTableSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-table-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Save_TypedColumns_WritesTheExactText()
    {
        var path = Path.Combine(_dir, "t.csv");
        CsvTable.Save(path,
        [
            CsvColumn.Of("id", new long[] { 1, long.MaxValue }),
            CsvColumn.Of("n", new[] { -3, 0 }),
            CsvColumn.Of("x", new[] { 0.1, 1e-300 }),
            CsvColumn.Of("f", new[] { 1.5f, 0.1f }),
            CsvColumn.Of("label", new[] { "a,b", "say \"hi\"" }),
            CsvColumn.Of(CategoricalColumn.Encode("plan", ["free", "pro"])),
        ]);
        File.ReadAllText(path).Should().Be("id,n,x,f,label,plan\n1,-3,0.1,1.5,\"a,b\",free\n9223372036854775807,0,1E-300,0.1,\"say \"\"hi\"\"\",pro\n");
    }

    [Fact]
    public void Save_ColumnsOfDifferentLengths_ThrowsNamingTheColumn()
    {
        var act = () => CsvTable.Save(Path.Combine(_dir, "t.csv"), [CsvColumn.Of("a", new[] { 1.0, 2 }), CsvColumn.Of("b", new[] { 1.0 })]);
        act.Should().Throw<ArgumentException>().WithMessage("Column 'b' has 1 rows; the first has 2.*").And.ParamName.Should().Be("columns");
    }
}
