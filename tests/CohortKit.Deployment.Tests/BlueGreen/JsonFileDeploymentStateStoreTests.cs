using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;

namespace CohortKit.Deployment.Tests.BlueGreen;

public sealed class JsonFileDeploymentStateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit_test_state_").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SaveThenLoad_RoundTripsEveryField_AndLeavesNoTemporaryFile()
    {
        var store = new JsonFileDeploymentStateStore(Path.Combine(_dir, "sub", "state.json"));
        var state = new DeploymentState
        {
            Id = "g-1", Blue = new("b", new Uri("http://127.0.0.1:1/")), Green = new("g", new Uri("http://127.0.0.1:2/")), Step = DeploymentStep.CanaryAnalysis,
            SwitchIntent = "g", Verdict = CanaryVerdict.Marginal, CanaryReasons = ["r1"], CommittedAt = DateTimeOffset.UnixEpoch,
            Timeline = [new(DeploymentStep.Idle, DateTimeOffset.UnixEpoch.AddSeconds(1), "start")],
        };
        (await store.LoadAsync(default)).Should().BeNull();
        await store.SaveAsync(state, default);
        var loaded = await store.LoadAsync(default);
        loaded.Should().BeEquivalentTo(state);
        File.ReadAllText(store.Path).Should().Contain("\"step\": \"CanaryAnalysis\"");
        Directory.GetFiles(Path.GetDirectoryName(store.Path)!).Should().ContainSingle();
    }

    [Fact]
    public async Task Load_CorruptFile_ThrowsInvalidData()
    {
        var path = Path.Combine(_dir, "state.json");
        await File.WriteAllTextAsync(path, "{ not json");
        var act = () => new JsonFileDeploymentStateStore(path).LoadAsync(default);
        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*is not a deployment state*");
    }
}
