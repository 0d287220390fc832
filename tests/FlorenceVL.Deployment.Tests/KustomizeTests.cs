using FlorenceVL.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace FlorenceVL.Deployment.Tests;

/// <summary>k8s/overlays rendered by `kubectl kustomize` and read with the official Kubernetes models.</summary>
public sealed class KustomizeTests
{
    public static TheoryData<string> Overlays => new(Kustomize.Overlays);

    [Theory, MemberData(nameof(Overlays))]
    public async Task Every_overlay_renders_the_server_objects(string overlay)
    {
        var rendered = await Kustomize.OverlayAsync(overlay);

        Assert.Equal("florencevl", rendered.Deployment.Metadata.Name);
        Assert.Equal(rendered.ConfigMap.Metadata.Name, Assert.Single(rendered.Server.EnvFrom, e => e.ConfigMapRef is not null).ConfigMapRef.Name);
        Assert.Equal(rendered.Deployment.Metadata.Name, rendered.Autoscaler.Spec.ScaleTargetRef.Name);
        Assert.Equal("Deployment", rendered.Autoscaler.Spec.ScaleTargetRef.Kind);
        Assert.Equal(rendered.Deployment.Spec.Selector.MatchLabels, rendered.Service.Spec.Selector);
        Assert.Equal(rendered.Deployment.Spec.Selector.MatchLabels, rendered.DisruptionBudget.Spec.Selector.MatchLabels);
        Assert.All(rendered.Deployment.Spec.Selector.MatchLabels,
            label => Assert.Equal(label.Value, rendered.Deployment.Spec.Template.Metadata.Labels[label.Key]));
    }

    [Theory, MemberData(nameof(Overlays))]
    public async Task Every_setting_in_the_manifests_binds_to_a_server_option(string overlay)
    {
        var rendered = await Kustomize.OverlayAsync(overlay);
        var settings = rendered.Environment.Keys.Where(IsServerSetting).ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, name => Assert.True(SettingBinding.Resolve(name) is not null, $"{name} binds to no option property"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public async Task Service_probes_metrics_and_listen_address_use_the_container_port(string overlay)
    {
        var rendered = await Kustomize.OverlayAsync(overlay);
        var server = rendered.Server;

        Assert.Equal($"http://0.0.0.0:{rendered.ContainerPort}", rendered.Environment["Urls"]);
        Assert.Equal("http", Assert.Single(rendered.Service.Spec.Ports).TargetPort.Value);
        foreach (var probe in new[] { server.StartupProbe, server.ReadinessProbe, server.LivenessProbe })
            Assert.Equal("http", probe.HttpGet.Port.Value);
        var annotations = rendered.Deployment.Spec.Template.Metadata.Annotations;
        Assert.Equal(rendered.ContainerPort.ToString(), annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
    }

    [Theory, MemberData(nameof(Overlays))]
    public async Task Termination_grace_outlasts_the_prestop_delay_plus_the_drain_timeout(string overlay)
    {
        var rendered = await Kustomize.OverlayAsync(overlay);
        var preStop = rendered.Server.Lifecycle.PreStop.Exec.Command;
        var drain = double.Parse(rendered.Environment["FlorenceVL__Shutdown__DrainTimeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("sleep", preStop[0]);
        Assert.True(rendered.Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds > int.Parse(preStop[1]) + drain,
            $"grace {rendered.Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds} <= preStop {preStop[1]} + drain {drain}");
    }

    [Theory, MemberData(nameof(Overlays))]
    public async Task Pods_run_as_non_root_on_a_read_only_root_and_write_only_to_tmp(string overlay)
    {
        var rendered = await Kustomize.OverlayAsync(overlay);
        var pod = rendered.Deployment.Spec.Template.Spec;

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(rendered.Server.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(rendered.Server.SecurityContext.AllowPrivilegeEscalation);
        var tmp = Assert.Single(rendered.Server.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);
        Assert.StartsWith("/tmp/", rendered.Environment["FLORENCEVL_NATIVE_CACHE"]);
    }

    [Fact]
    public async Task Gpu_overlay_requests_a_gpu_on_gpu_nodes_and_serves_on_cuda()
    {
        var gpu = await Kustomize.OverlayAsync("gpu");

        Assert.Equal("1", gpu.Server.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Equal("1", gpu.Server.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Contains(gpu.Deployment.Spec.Template.Spec.Tolerations, t => t.Key == "nvidia.com/gpu");
        Assert.NotEmpty(gpu.Deployment.Spec.Template.Spec.NodeSelector);
        Assert.Equal("cuda", gpu.Environment["FlorenceVL__Model__Device"]);
        Assert.EndsWith(":cuda", gpu.Server.Image);
    }

    [Fact]
    public async Task Cpu_overlay_requests_no_gpu_and_serves_on_cpu()
    {
        var cpu = await Kustomize.OverlayAsync("cpu");

        Assert.DoesNotContain("nvidia.com/gpu", cpu.Server.Resources.Requests.Keys);
        Assert.DoesNotContain("nvidia.com/gpu", cpu.Server.Resources.Limits.Keys);
        Assert.Null(cpu.Deployment.Spec.Template.Spec.Tolerations);
        Assert.Equal("cpu", cpu.Environment["FlorenceVL__Model__Device"]);
    }

    [Fact]
    public async Task Autoscaler_scales_on_a_per_pod_metric()
    {
        var hpa = (await Kustomize.OverlayAsync("cpu")).Autoscaler;
        var metric = Assert.Single(hpa.Spec.Metrics);

        Assert.Equal("Pods", metric.Type);
        Assert.Equal("AverageValue", metric.Pods.Target.Type);
        Assert.True(hpa.Spec.MinReplicas < hpa.Spec.MaxReplicas);
    }

    internal static bool IsServerSetting(string name) =>
        name.StartsWith("FlorenceVL__", StringComparison.Ordinal) || name.StartsWith("FeatureStore__", StringComparison.Ordinal);
}
