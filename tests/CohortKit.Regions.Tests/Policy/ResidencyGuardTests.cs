using CohortKit.Regions.Audit;
using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Tests.Policy;

/// <summary>The guard: allowed operations pass silently, refused ones are audited before the exception.</summary>
public sealed class ResidencyGuardTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Ensure_CrossBorderRead_IsRefusedAndAuditedByToken()
    {
        using var audit = AuditLog.InMemory();
        var guard = new ResidencyGuard(ResidencyPolicy.Default, audit, new Pseudonymizer(Key));
        var p = guard.Policy;
        var act = () => guard.Ensure(ResidencyOperation.Read, DataClass.Identity, "learner-7", p.GetRegion("eu"), p.GetRegion("americas"));
        var ex = act.Should().Throw<ResidencyViolationException>().Which;
        ex.Should().BeAssignableTo<CohortKit.Errors.CohortKitException>();
        ex.Message.Should().NotContain("learner-7");
        ex.HomeRegion.Should().Be("eu");
        ex.TargetRegion.Should().Be("americas");
        var entry = audit.Snapshot().Should().ContainSingle().Which;
        entry.Sequence.Should().Be(ex.AuditSequence);
        entry.Record.Should().BeEquivalentTo(new AuditRecord
        {
            Action = AuditAction.ReadRefused, DataClass = DataClass.Identity, SourceRegion = "eu", TargetRegion = "americas",
            Subject = new Pseudonymizer(Key).Token("learner-7"),
        });
    }

    [Fact]
    public void Ensure_AllowedOperations_WriteNothing()
    {
        using var audit = AuditLog.InMemory();
        var guard = new ResidencyGuard(ResidencyPolicy.Default, audit, new Pseudonymizer(Key));
        var eu = guard.Policy.GetRegion("eu");
        guard.Ensure(ResidencyOperation.Read, DataClass.Identity, "x", eu, eu);
        guard.Ensure(ResidencyOperation.Copy, DataClass.Aggregates, "x", eu, guard.Policy.GetRegion("asia"));
        audit.Count.Should().Be(0);
    }

    [Fact]
    public void Ensure_CopyOfEvents_IsAuditedAsCopyRefused()
    {
        using var audit = AuditLog.InMemory();
        var guard = new ResidencyGuard(ResidencyPolicy.Default, audit, new Pseudonymizer(Key));
        var act = () => guard.Ensure(ResidencyOperation.Copy, DataClass.ActivityEvents, "x", guard.Policy.GetRegion("asia"), guard.Policy.GetRegion("eu"));
        act.Should().Throw<ResidencyViolationException>().Which.Operation.Should().Be(ResidencyOperation.Copy);
        audit.Snapshot().Single().Record.Action.Should().Be(AuditAction.CopyRefused);
    }
}
