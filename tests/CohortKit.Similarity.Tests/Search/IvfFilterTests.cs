using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 8 §2: a rare filter must still return k peers whenever k learners pass it.</summary>
public class IvfFilterTests
{
    [Fact]
    public void RareFilter_ReturnsK_WheneverKQualify()
    {
        var rng = new Random(7);
        var m = new FeatureMatrix(20_000, 16);
        var s = m.AsSpan();
        for (var i = 0; i < s.Length; i++) { s[i] = (float)(rng.NextDouble() * 2 - 1); }
        var ids = Enumerable.Range(0, 20_000).Select(i => new LearnerId(i)).ToArray();
        var index = IvfIndex.Build(m, ids, SimilarityMetric.Cosine, new IvfIndexOptions { Probes = 4, Seed = 1 });
        var rare = Enumerable.Range(0, 20_000).OrderBy(_ => rng.Next()).Take(36).Select(i => (long)i).ToHashSet(); // 0.18 %
        for (var trial = 0; trial < 50; trial++)
        {
            var hits = index.Search(m.Row(rng.Next(20_000)), 10, id => rare.Contains(id.Value));
            hits.Should().HaveCount(10).And.OnlyContain(n => rare.Contains(n.Id.Value));
        }

        index.Search(m.Row(0), 10, id => id.Value < 3).Should().HaveCount(3, "only three learners qualify");
    }
}
