using CohortKit.Churn.Tabular;

namespace CohortKit.Churn.Tests.Tabular;

public sealed class TabularDatasetTests
{
    private static TabularDataset Load(string content, string label = "label", string positive = "yes", string[]? exclude = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cohortkit-tabular-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        try { return TabularDataset.Load(path, label, positive, exclude); }
        finally { File.Delete(path); }
    }

    private static float[] Column(TabularDataset data, string name)
    {
        var j = data.Features.FeatureNames.ToList().IndexOf(name);
        j.Should().BeGreaterThanOrEqualTo(0, $"column {name} should exist");
        return Enumerable.Range(0, data.Features.Rows).Select(r => data.Features[r, j]).ToArray();
    }

    [Fact]
    public void Load_NumericColumnWithMissingCells_ImputesTheMedianAndAddsAnIndicator()
    {
        // x's non-missing cells are 1, 5 and 3: the median is 3. Every spelling of "missing" is taken as missing.
        var data = Load("id,x,label\n1,1.0,yes\n2,,no\n3,NA,yes\n4,5,no\n5,nan,no\n6,3,yes\n7,?,no\n8,null,yes\n9,N/A,no\n", exclude: ["id"]);
        data.Features.FeatureNames.Should().Equal("x", "x=missing");
        Column(data, "x").Should().Equal(1f, 3f, 3f, 5f, 3f, 3f, 3f, 3f, 3f);
        Column(data, "x=missing").Should().Equal(0f, 1f, 1f, 0f, 1f, 0f, 1f, 1f, 1f);
    }

    [Fact]
    public void Load_NumericColumnWithoutMissingCells_HasNoIndicator()
    {
        var data = Load("x,label\n2,yes\n4,no\n", label: "label");
        data.Features.FeatureNames.Should().Equal("x");
        Column(data, "x").Should().Equal(2f, 4f);
    }

    [Fact]
    public void Load_SemicolonFileWithDecimalCommas_ReadsNumbers()
    {
        var data = Load("id;x;label\n1;1,5;yes\n2;-0,25;no\n3;2;yes\n4;1e1;no\n", exclude: ["id"]);
        data.Separator.Should().Be(';');
        Column(data, "x").Should().Equal(1.5f, -0.25f, 2f, 10f);
    }

    [Fact]
    public void Load_BlankLabelCell_ThrowsNamingTheLineAndColumn()
    {
        FluentActions.Invoking(() => Load("x,label\n1,yes\n2,\n3,no\n"))
            .Should().Throw<InvalidDataException>().WithMessage("*line 3*label column 'label' is blank*");
        FluentActions.Invoking(() => Load("x,label\n1,yes\n2,no\n3,NA\n"))
            .Should().Throw<InvalidDataException>().WithMessage("*line 4*'NA' (missing)*");
    }

    [Fact]
    public void Load_QuotedFieldSpanningLines_CountsLinesOfTheFile()
    {
        FluentActions.Invoking(() => Load("note,label\n\"a\nb\",yes\nc,\n"))
            .Should().Throw<InvalidDataException>().WithMessage("*line 4*");
    }

    [Fact]
    public void Load_TextColumnWithMissingCells_SharesOneCodeForMissing()
    {
        var data = Load("plan,label\nfree,yes\n,no\npro,yes\nNA,no\n");
        Column(data, "plan").Should().Equal(0f, 1f, 2f, 1f);
    }
}
