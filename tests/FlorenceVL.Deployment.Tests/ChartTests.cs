using System.Text.RegularExpressions;
using FlorenceVL.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace FlorenceVL.Deployment.Tests;

/// <summary>helm/florencevl checked without a helm binary: its files, its value paths, and its defaults against k8s/.</summary>
public sealed partial class ChartTests
{
    private static readonly string[] Templates = Directory.GetFiles(Repository.Path(ChartValues.ChartFolder, "templates"));

    [Fact]
    public void Chart_yaml_is_a_valid_application_chart()
    {
        var chart = ChartValues.Parse(Repository.Read(ChartValues.ChartFolder, "Chart.yaml"));

        Assert.Equal("v2", chart["apiVersion"]);
        Assert.Equal("florencevl", chart["name"]);
        Assert.Equal("application", chart["type"]);
        Assert.Matches(SemVer(), (string)chart["version"]!);
        Assert.False(string.IsNullOrWhiteSpace(chart["appVersion"] as string));
        Assert.False(string.IsNullOrWhiteSpace(chart["description"] as string));
    }

    [Fact]
    public void Every_values_path_a_template_reads_exists_in_values_yaml()
    {
        var values = ChartValues.Load();
        var paths = Templates.SelectMany(t => ValuesPath().Matches(File.ReadAllText(t)).Select(m => (Template: Path.GetFileName(t), Path: m.Groups[1].Value)))
            .Distinct().ToList();

        Assert.True(paths.Count > 40, $"only {paths.Count} value paths found: the pattern no longer matches the templates");
        Assert.All(paths, p => Assert.True(values.TryGet(p.Path, out _), $"{p.Template} reads .Values.{p.Path}, which values.yaml lacks"));
    }

    [Fact]
    public void Every_setting_name_the_templates_write_binds_to_a_server_option()
    {
        // Literal names in the templates (a printf index reads as 0), then the ones built from config.* and featureStore.*.
        var names = Templates.SelectMany(t => SettingName().Matches(File.ReadAllText(t)).Select(m => m.Value.Replace("__%d", "__0"))).Distinct().ToList();
        names.AddRange(ChartValues.Load().SettingsEnvironment().Keys);

        Assert.Contains("FeatureStore__Redis", names);
        Assert.Contains("FlorenceVL__Auth__ApiKeys__0", names);
        Assert.All(names, name => Assert.True(SettingBinding.Resolve(name) is not null, $"{name} binds to no option property"));
    }

    [Fact]
    public async Task Chart_settings_equal_the_kustomize_base_config_map()
    {
        var cpu = await Kustomize.OverlayAsync("cpu");

        Assert.Equal(Sorted(ChartValues.Load().SettingsEnvironment()), Sorted(cpu.ConfigMap.Data));
    }

    [Fact]
    public async Task Gpu_values_equal_the_gpu_overlay()
    {
        var gpu = await Kustomize.OverlayAsync("gpu");
        var values = ChartValues.Load("values-gpu.yaml");

        Assert.Equal(Sorted(values.SettingsEnvironment()), Sorted(gpu.ConfigMap.Data));
        AssertDeploymentMatches(values, gpu);
    }

    [Fact]
    public async Task Chart_defaults_equal_the_kustomize_base_deployment_service_budget_and_autoscaler()
    {
        var cpu = await Kustomize.OverlayAsync("cpu");
        var values = ChartValues.Load();

        AssertDeploymentMatches(values, cpu);
        var port = Assert.Single(cpu.Service.Spec.Ports);
        Assert.Equal(values.Int("service.port"), port.Port);
        Assert.Equal(values.Text("service.type"), cpu.Service.Spec.Type);
        Assert.Equal(values.Text("podDisruptionBudget.maxUnavailable"), cpu.DisruptionBudget.Spec.MaxUnavailable.Value);

        var hpa = cpu.Autoscaler.Spec;
        Assert.Equal(values.Int("autoscaling.minReplicas"), hpa.MinReplicas);
        Assert.Equal(values.Int("autoscaling.maxReplicas"), hpa.MaxReplicas);
        var metric = Assert.Single(hpa.Metrics).Pods;
        Assert.Equal(values.Text("autoscaling.metricName"), metric.Metric.Name);
        Assert.Equal(values.Text("autoscaling.targetAverageValue"), metric.Target.AverageValue.ToString());
        Assert.Equal(values.Int("autoscaling.scaleUpStabilizationSeconds"), hpa.Behavior.ScaleUp.StabilizationWindowSeconds);
        Assert.Equal(values.Int("autoscaling.scaleDownStabilizationSeconds"), hpa.Behavior.ScaleDown.StabilizationWindowSeconds);
    }

    [Fact]
    public void Prometheus_adapter_rule_and_keda_query_serve_the_autoscaler_metric()
    {
        var metric = ChartValues.Load().Text("autoscaling.metricName");
        var rules = ChartValues.Parse(Repository.Read(ChartValues.ChartFolder, "prometheus-adapter-rules.yaml"));
        var rule = Assert.Single((List<object?>)((Dictionary<object, object?>)rules["rules"]!)["custom"]!) as Dictionary<object, object?>;
        var name = (Dictionary<object, object?>)rule!["name"]!;
        var resources = (Dictionary<object, object?>)((Dictionary<object, object?>)rule["resources"]!)["overrides"]!;

        Assert.StartsWith(metric + "{", (string)rule["seriesQuery"]!);
        Assert.Equal(metric, name["as"]);
        Assert.Contains("pod", resources.Keys);
        Assert.Contains(".Values.autoscaling.metricName", File.ReadAllText(Templates.Single(t => t.EndsWith("keda-scaledobject.yaml"))));
    }

    private static void AssertDeploymentMatches(ChartValues values, RenderedOverlay rendered)
    {
        var server = rendered.Server;
        var pod = rendered.Deployment.Spec.Template.Spec;
        Assert.Equal($"{values.Text("image.repository")}:{values.Text("image.tag")}", server.Image);
        Assert.Equal(values.Text("image.pullPolicy"), server.ImagePullPolicy);
        Assert.Equal(values.Int("containerPort"), rendered.ContainerPort);
        Assert.Equal(values.Int("terminationGracePeriodSeconds"), pod.TerminationGracePeriodSeconds);
        Assert.Equal(["sleep", values.Text("preStopSleepSeconds")], server.Lifecycle.PreStop.Exec.Command);
        AssertProbe(values, "startup", server.StartupProbe);
        AssertProbe(values, "readiness", server.ReadinessProbe);
        AssertProbe(values, "liveness", server.LivenessProbe);
        Assert.Equal(Quantities(values.Map("resources.requests")), Quantities(server.Resources.Requests));
        Assert.Equal(Quantities(values.Map("resources.limits")), Quantities(server.Resources.Limits));
        Assert.Equal(Strings(values.Map("nodeSelector")), Sorted(pod.NodeSelector ?? new Dictionary<string, string>()));
        Assert.Equal(((List<object?>?)values.Get("tolerations"))?.Count ?? 0, pod.Tolerations?.Count ?? 0);
        Assert.Equal(Strings(values.Map("podAnnotations")), Sorted(rendered.Deployment.Spec.Template.Metadata.Annotations));
        Assert.Equal(values.Text("podSecurityContext.runAsUser"), pod.SecurityContext.RunAsUser.ToString());
        Assert.Equal(values.Text("securityContext.readOnlyRootFilesystem"), server.SecurityContext.ReadOnlyRootFilesystem.ToString()!.ToLowerInvariant());
        Assert.Equal(values.Text("tmpSizeLimit"), pod.Volumes.Single(v => v.Name == "tmp").EmptyDir.SizeLimit.ToString());
    }

    private static void AssertProbe(ChartValues values, string name, V1Probe probe)
    {
        Assert.Equal(values.Text($"probes.{name}.path"), probe.HttpGet.Path);
        Assert.Equal(values.Int($"probes.{name}.periodSeconds"), probe.PeriodSeconds);
        Assert.Equal(values.Int($"probes.{name}.failureThreshold"), probe.FailureThreshold);
        Assert.Equal(values.Int($"probes.{name}.timeoutSeconds"), probe.TimeoutSeconds);
    }

    private static SortedDictionary<string, string> Sorted(IDictionary<string, string> map) => new(map, StringComparer.Ordinal);

    private static SortedDictionary<string, string> Strings(Dictionary<object, object?> map) =>
        new(map.ToDictionary(p => (string)p.Key, p => (string)p.Value!), StringComparer.Ordinal);

    private static SortedDictionary<string, string> Quantities(Dictionary<object, object?> map) =>
        new(map.ToDictionary(p => (string)p.Key, p => new ResourceQuantity((string)p.Value!).ToString()), StringComparer.Ordinal);

    private static SortedDictionary<string, string> Quantities(IDictionary<string, ResourceQuantity>? map) =>
        new((map ?? new Dictionary<string, ResourceQuantity>()).ToDictionary(p => p.Key, p => p.Value.ToString()), StringComparer.Ordinal);

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesPath();

    [GeneratedRegex(@"\bFlorenceVL__[A-Za-z]+__[A-Za-z]+(?:__%d)?|\bFeatureStore__[A-Za-z]+")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
