using System.Runtime.Intrinsics;
using FlorenceVL.Api.Options;
using FlorenceVL.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Tests;

/// <summary>DType auto: bf16 on a GPU and where this CPU's own flags (read here from /proc/cpuinfo) say bf16 is native; explicit settings as written.</summary>
public sealed class ModelDTypeTests
{
    [Theory]
    [InlineData("float32", "cpu", ScalarType.Float32)]
    [InlineData("bfloat16", "cpu", ScalarType.BFloat16)]
    [InlineData("float16", "cuda", ScalarType.Float16)]
    [InlineData("auto", "cuda", ScalarType.BFloat16)]
    [InlineData("auto", "cuda:1", ScalarType.BFloat16)]
    public void An_explicit_setting_or_a_gpu_resolves_without_looking_at_the_cpu(string setting, string device, ScalarType expected) =>
        Assert.Equal(expected, ModelDType.Resolve(setting, device));

    [Fact]
    public void Auto_on_the_cpu_is_bfloat16_exactly_when_the_cpu_flags_list_native_bf16_and_avx512_runs()
    {
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
        var native = (flags.Contains("avx512_bf16") || flags.Contains("amx_bf16")) && flags.Contains("avx512f") && Vector512.IsHardwareAccelerated;
        Assert.Equal(native ? ScalarType.BFloat16 : ScalarType.Float32, ModelDType.Resolve("auto", "cpu"));
    }

    [Fact]
    public void The_server_is_configured_for_auto_unless_told_otherwise()
    {
        using var factory = new ApiFactory();
        _ = factory.CreateClient();
        Assert.Equal("auto", factory.Services.GetRequiredService<IConfiguration>()["FlorenceVL:Model:DType"]);
        Assert.Equal("auto", new ModelOptions().DType);
    }
}
