using System.Diagnostics;
using FlorenceVL.Engine.Modeling.Decoder;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// `bench projections`: the decoder's projections at one row (a single stream's decode step), in the bench dtype, the
/// kernel (<see cref="CpuBFloat16Gemv"/> or <see cref="CpuFloat32Gemm"/> through ProjectionForward) against libtorch's own linear on the same module and
/// input, interleaved call by call so both see the same machine. Reports medians, the weight-stream rate each reaches,
/// and the sum over one bench-cpu token (8 layers of q/k/v, o, gate/up, down, then the output head).
/// </summary>
internal static class ProjectionBenchmark
{
    private const int Layers = 8;
    private const int Iterations = 300;

    private static readonly (string Name, int Outputs, int Inputs, int PerToken)[] Shapes =
    [
        ("qkv_proj", 1536, 512, Layers), ("o_proj", 512, 512, Layers), ("gate_up_proj", 3072, 512, Layers),
        ("down_proj", 512, 1536, Layers), ("lm_head", 32064, 512, 1),
    ];

    public static IReadOnlyList<BenchFigure> Run(BenchSettings settings)
    {
        var output = settings.Output;
        using var noGrad = no_grad();
        double kernelToken = 0, libtorchToken = 0;
        foreach (var (name, outputs, inputs, perToken) in Shapes)
        {
            using var projection = nn.Linear(inputs, outputs, hasBias: false, dtype: settings.DType);
            using var x = randn(1, inputs).to(settings.DType);
            var kernel = new List<double>(Iterations);
            var libtorch = new List<double>(Iterations);
            for (var i = 0; i < Iterations + 20; i++)
            {
                var k = Time(() => ProjectionForward.Apply(projection, x));
                var l = Time(() => projection.forward(x));
                if (i < 20) continue; // warm-up: pages, caches, libtorch's first-call set-up
                kernel.Add(k);
                libtorch.Add(l);
            }
            var (km, lm) = (Median(kernel), Median(libtorch));
            var bytes = (settings.DType == ScalarType.BFloat16 ? 2.0 : 4.0) * outputs * inputs;
            output.WriteLine($"  {name,-13} [{outputs}x{inputs}] kernel {km * 1e6,8:F1} us ({bytes / km / 1e9,5:F1} GB/s), " +
                             $"libtorch {lm * 1e6,8:F1} us ({bytes / lm / 1e9,5:F1} GB/s), ratio {lm / km:F2}x");
            kernelToken += km * perToken;
            libtorchToken += lm * perToken;
        }
        output.WriteLine($"  one token's projections: kernel {kernelToken * 1e3:F2} ms, libtorch {libtorchToken * 1e3:F2} ms");
        return
        [
            new BenchFigure("projections", $"one token's projections at 1 row, kernel ({settings.DTypeName})", kernelToken * 1e3, "ms"),
            new BenchFigure("projections", $"one token's projections at 1 row, libtorch ({settings.DTypeName})", libtorchToken * 1e3, "ms"),
            new BenchFigure("projections", "libtorch over kernel", libtorchToken / kernelToken, "x"),
        ];
    }

    private static double Time(Func<Tensor> call)
    {
        var watch = Stopwatch.StartNew();
        using var result = call();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
