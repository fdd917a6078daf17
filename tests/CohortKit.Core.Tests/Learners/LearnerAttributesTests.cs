using CohortKit.Learners;

namespace CohortKit.Core.Tests.Learners;

public class LearnerAttributesTests
{
    [Fact]
    public void Encode_AssignsCodesInOrderOfFirstAppearance()
    {
        var c = CategoricalColumn.Encode("plan", ["pro", "free", "pro", "team"]);
        c.Categories.Should().Equal("pro", "free", "team");
        c.Codes.ToArray().Should().Equal(0, 1, 0, 2);
        c[3].Should().Be("team");
        c.TryGetCode("free", out var code).Should().BeTrue();
        code.Should().Be(1);
    }

    [Fact]
    public void Constructor_DuplicateId_ThrowsNamingIt()
    {
        var act = () => new LearnerAttributes([new(1), new(2), new(1)], new DateOnly[3], []);
        act.Should().Throw<ArgumentException>().WithMessage("*id 1 appears twice*");
    }

    [Fact]
    public void Constructor_ColumnLengthMismatch_Throws()
    {
        var act = () => new LearnerAttributes([new(1), new(2)], new DateOnly[2], [CategoricalColumn.Encode("x", ["a"])]);
        act.Should().Throw<ArgumentException>().WithMessage("*'x' has 1 rows*");
    }

    [Fact]
    public void Indexer_UnknownColumn_ListsKnownOnes()
    {
        var t = new LearnerAttributes([new(5)], new DateOnly[1], [CategoricalColumn.Encode("plan", ["pro"])]);
        t.Invoking(x => x["region"]).Should().Throw<KeyNotFoundException>().WithMessage("*Attributes: plan*");
        t.TryGetRow(new LearnerId(5), out var row).Should().BeTrue();
        row.Should().Be(0);
    }

    [Fact]
    public void CategoricalColumn_CodeOutOfRange_Throws()
    {
        var act = () => new CategoricalColumn("x", ["a"], [0, 1]);
        act.Should().Throw<ArgumentException>().WithMessage("*Code 1 at row 1*");
    }
}
