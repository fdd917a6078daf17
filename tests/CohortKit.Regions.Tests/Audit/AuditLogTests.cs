using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Policy;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Regions.Tests.Audit;

/// <summary>The hash chain: intact files verify, a changed, deleted or reordered entry is named, and the hash is the stated
/// SHA-256 recomputed here from the raw line text.</summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(int entries)
    {
        var path = Path.Combine(_dir, "audit.jsonl");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));
        using var log = AuditLog.Open(path, time);
        for (var i = 0; i < entries; i++)
        {
            log.Append(new AuditRecord { Action = AuditAction.ReadRefused, DataClass = DataClass.Identity, SourceRegion = "eu", TargetRegion = "asia", Subject = $"p-{i:x32}" });
            time.Advance(TimeSpan.FromSeconds(1));
        }

        return path;
    }

    [Fact]
    public void VerifyFile_IntactChain_IsIntact_AndEachHashIsSha256OfPreviousAndLine()
    {
        var path = Write(5);
        var result = AuditVerifier.VerifyFile(path);
        result.Intact.Should().BeTrue();
        result.Entries.Should().Be(5);
        var previous = new string('0', 64);
        foreach (var line in File.ReadLines(path))
        {
            var hash = Regex.Match(line, "\"hash\":\"([0-9a-f]{64})\"}$").Groups[1].Value;
            var content = line[..line.LastIndexOf(",\"hash\":", StringComparison.Ordinal)] + ",\"hash\":null}";
            line.Should().Contain($"\"prev\":\"{previous}\"");
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + content))).Should().Be(hash);
            previous = hash;
        }

        result.HeadHash.Should().Be(previous);
    }

    [Fact]
    public void VerifyFile_ChangedEntry_NamesIt()
    {
        var path = Write(5);
        var lines = File.ReadAllLines(path);
        lines[2] = lines[2].Replace("\"target\":\"asia\"", "\"target\":\"eu\"", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var result = AuditVerifier.VerifyFile(path);
        result.Intact.Should().BeFalse();
        result.FirstBadLine.Should().Be(3);
        result.Problem.Should().Contain("entry 3").And.Contain("changed");
    }

    [Fact]
    public void VerifyFile_DeletedEntry_NamesTheLineAfterTheGap()
    {
        var path = Write(5);
        var lines = File.ReadAllLines(path).ToList();
        lines.RemoveAt(1);
        File.WriteAllLines(path, lines);
        var result = AuditVerifier.VerifyFile(path);
        result.FirstBadLine.Should().Be(2);
        result.Problem.Should().Be("line 2: the entry's seq is 3 where 2 was expected (an entry before it was deleted or inserted, or its seq was edited).");
    }

    [Fact]
    public void VerifyFile_EditedSeq_SaysWhichSeqWasFoundAndWhichWasExpected()
    {
        var path = Write(4);
        var lines = File.ReadAllLines(path);
        lines[2] = lines[2].Replace("\"seq\":3,", "\"seq\":7,", StringComparison.Ordinal);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        var result = AuditVerifier.VerifyFile(path);
        result.FirstBadLine.Should().Be(3);
        result.Problem.Should().Be("line 3: the entry's seq is 7 where 3 was expected (an entry before it was deleted or inserted, or its seq was edited).");
    }

    [Fact]
    public void VerifyFile_RehashedForgery_BreaksTheNextLink()
    {
        // A forger who changes entry 2 and recomputes its hash still breaks entry 3's previous-hash.
        var path = Write(4);
        var lines = File.ReadAllLines(path);
        var prev = Regex.Match(lines[1], "\"prev\":\"([0-9a-f]{64})\"").Groups[1].Value;
        var forged = lines[1].Replace("\"target\":\"asia\"", "\"target\":\"eu\"", StringComparison.Ordinal);
        var content = forged[..forged.LastIndexOf(",\"hash\":", StringComparison.Ordinal)] + ",\"hash\":null}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prev + "\n" + content)));
        lines[1] = content.Replace(",\"hash\":null}", $",\"hash\":\"{hash}\"}}", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var result = AuditVerifier.VerifyFile(path);
        result.FirstBadLine.Should().Be(3);
        result.Problem.Should().Contain("previous-hash");
    }

    [Theory]
    [InlineData("\"detail\":null,", "\"detail\":null,\"note\":\"x\",", "unknown field 'note'")]
    [InlineData("\"detail\":null,", "", "lacks the field 'detail'")]
    [InlineData("\"detail\":null,", "\"detail\":null,\"detail\":null,", "'detail' more than once")]
    [InlineData("\"target\":\"asia\",", "\"target\": \"asia\",", "canonical form")]
    [InlineData("\"action\":\"ReadRefused\"", "\"action\":0", "canonical form")]
    [InlineData("\"source\":\"eu\",\"target\":\"asia\",", "\"target\":\"asia\",\"source\":\"eu\",", "canonical form")]
    [InlineData("\"source\":\"eu\"", "\"source\":\"\\u0065u\"", "canonical form")]
    public void VerifyFile_AnyChangeOfAnEntrysFieldsOrBytes_NamesTheEntry(string from, string to, string problem)
    {
        // Each edit leaves the hash valid over the parsed known fields, so only a check of the exact bytes against the
        // canonical form of exactly the known fields sees it.
        var path = Write(4);
        var lines = File.ReadAllLines(path);
        lines[1].Should().Contain(from);
        lines[1] = lines[1].Replace(from, to, StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var result = AuditVerifier.VerifyFile(path);
        result.Intact.Should().BeFalse();
        result.FirstBadLine.Should().Be(2);
        result.Problem.Should().StartWith("line 2 ").And.Contain(problem);
    }

    [Fact]
    public void VerifyFile_CrlfLineEndOrMissingFinalLineEnd_IsAChange()
    {
        var path = Write(3);
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, lines[0] + "\n" + lines[1] + "\r\n" + lines[2] + "\n");
        AuditVerifier.VerifyFile(path).FirstBadLine.Should().Be(2);
        File.WriteAllText(path, string.Join("\n", lines));
        var result = AuditVerifier.VerifyFile(path);
        result.FirstBadLine.Should().Be(3);
        result.Problem.Should().Contain("no line end");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        AuditVerifier.VerifyFile(path).Intact.Should().BeTrue();
    }

    [Fact]
    public void VerifyFile_GarbageLine_NamesIt()
    {
        var path = Write(2);
        File.AppendAllText(path, "not json\n");
        AuditVerifier.VerifyFile(path).FirstBadLine.Should().Be(3);
    }

    [Fact]
    public void Open_ExistingFile_ContinuesTheChain()
    {
        var path = Write(3);
        using (var log = AuditLog.Open(path))
        {
            log.Count.Should().Be(3);
            log.Append(new AuditRecord { Action = AuditAction.Exported, SourceRegion = "eu" }).Sequence.Should().Be(4);
        }

        AuditVerifier.VerifyFile(path).Should().Match<AuditVerification>(v => v.Intact && v.Entries == 4);
        AuditVerifier.ReadFile(path)[3].Record.Action.Should().Be(AuditAction.Exported);
    }

    [Fact]
    public void Pseudonymizer_Token_IsTheFirst16BytesOfHmacSha256_Rfc4231Case1()
    {
        // RFC 4231 test case 1: key 0x0b × 20, data "Hi There" → b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7.
        new Pseudonymizer(Enumerable.Repeat((byte)0x0b, 20).ToArray()).Token("Hi There").Should().Be("p-b0344c61d8db38535ca8afceaf0bf12b");
        var act = () => new Pseudonymizer(new byte[8]);
        act.Should().Throw<ArgumentException>().WithParameterName("key");
    }
}
