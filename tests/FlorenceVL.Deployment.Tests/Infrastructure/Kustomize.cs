using k8s;
using k8s.Models;

namespace FlorenceVL.Deployment.Tests.Infrastructure;

/// <summary>One overlay rendered by `kubectl kustomize` and loaded into the official Kubernetes client models.</summary>
public sealed class RenderedOverlay(string name, IReadOnlyList<object> objects)
{
    public string Name { get; } = name;

    public IReadOnlyList<object> Objects { get; } = objects;

    public T Single<T>() => Assert.Single(Objects.OfType<T>());

    public V1Deployment Deployment => Single<V1Deployment>();

    public V1Container Server => Assert.Single(Deployment.Spec.Template.Spec.Containers, c => c.Name == "florencevl");

    public V1ConfigMap ConfigMap => Single<V1ConfigMap>();

    public V1Service Service => Single<V1Service>();

    public V2HorizontalPodAutoscaler Autoscaler => Single<V2HorizontalPodAutoscaler>();

    public V1PodDisruptionBudget DisruptionBudget => Single<V1PodDisruptionBudget>();

    /// <summary>Every environment variable the server container gets: ConfigMap entries and explicit env.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        ConfigMap.Data.Concat((Server.Env ?? []).Select(e => KeyValuePair.Create(e.Name, e.Value)))
            .ToDictionary(p => p.Key, p => p.Value);

    public int ContainerPort => Assert.Single(Server.Ports, p => p.Name == "http").ContainerPort;
}

public static class Kustomize
{
    public static readonly string[] Overlays = ["cpu", "gpu"];

    public static async Task<RenderedOverlay> RenderAsync(string folder)
    {
        var result = await Commands.RunAsync("kubectl", ["kustomize", Repository.Path(folder)], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {folder} failed:\n{result.Transcript}");
        return new RenderedOverlay(folder, KubernetesYaml.LoadAllFromString(result.StandardOutput));
    }

    public static Task<RenderedOverlay> OverlayAsync(string overlay) => RenderAsync($"k8s/overlays/{overlay}");
}
