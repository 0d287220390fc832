using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

internal static class ProbeBenchmark
{
    public static IReadOnlyList<BenchFigure> Run(BenchSettings settings)
    {
        var o = settings.Output;
        foreach (var threads in new[] { 1 })
        foreach (var dt in new[] { ScalarType.BFloat16, ScalarType.Float32 })
        {
            set_num_threads(threads); o.WriteLine($"threads {threads}");
            using var scope = NewDisposeScope();
            using var ng = no_grad();
            var x = randn(32, 512).to(dt);
            var wHead = randn(32064, 512).to(dt);
            var wUp = randn(3072, 512).to(dt);
            var q = randn(32, 8, 1, 64).to(dt);
            var k = randn(32, 8, 176, 64).to(dt);
            var mask = ones(32, 1, 1, 176, dtype: ScalarType.Bool);
            var cache = zeros(512, 16, 8, 64).to(dt);
            var ids = arange(32 * 11, dtype: ScalarType.Int64);
            void T(string name, Action a)
            {
                for (var i = 0; i < 5; i++) a();
                var times = Enumerable.Range(0, 20).Select(_ => BenchStats.Milliseconds(a)).ToList();
                o.WriteLine($"  {dt} {name}: median {BenchStats.Median(times):F3} ms");
            }
            T("lm_head 32x512x32064", () => nn.functional.linear(x, wHead).Dispose());
            T("gate_up 32x512x3072", () => nn.functional.linear(x, wUp).Dispose());
            T("sdpa decode 32x8x176 masked", () => nn.functional.scaled_dot_product_attention(q, k, k, attn_mask: mask).Dispose());
            var pq = randn(8, 512, 64).to(dt); var pk = randn(8, 1024, 64).to(dt);
            var pmask = (arange(1024).unsqueeze(0) <= arange(512, 1024).unsqueeze(1)).to(ScalarType.Bool);
            T("sdpa prefill causal 512", () => nn.functional.scaled_dot_product_attention(pq, pq, pq, is_casual: true).Dispose());
            T("sdpa prefill masked 512x1024", () => nn.functional.scaled_dot_product_attention(pq, pk, pk, attn_mask: pmask).Dispose());
            T("matmul prefill masked 512x1024", () => { using var s = NewDisposeScope(); var sc = pq.matmul(pk.transpose(-1, -2)) * 0.125; sc.masked_fill(pmask.logical_not(), float.NegativeInfinity).softmax(-1, ScalarType.Float32).to_type(dt).matmul(pk); });
            T("sdpa decode via fp32 casts", () => { using var s = NewDisposeScope(); nn.functional.scaled_dot_product_attention(q.to_type(ScalarType.Float32), k.to_type(ScalarType.Float32), k.to_type(ScalarType.Float32), attn_mask: mask).to_type(dt); });
            T("matmul softmax attention", () => { using var s = NewDisposeScope(); var sc = q.matmul(k.transpose(-1, -2)) * 0.125; sc = sc.masked_fill(mask.logical_not(), float.NegativeInfinity).softmax(-1); sc.matmul(k); });
            T("sdpa decode no mask", () => nn.functional.scaled_dot_product_attention(q, k, k).Dispose());
            T("sdpa decode float mask", () => { using var s = NewDisposeScope(); var fm = zeros(32, 1, 1, 176, dtype: dt); nn.functional.scaled_dot_product_attention(q, k, k, attn_mask: fm); });
            T("index_select cache 352 blocks", () => cache.index_select(0, ids).Dispose());
            T("rmsnorm-ish", () => { using var s = NewDisposeScope(); var f = x.to_type(ScalarType.Float32); (f * rsqrt(f.pow(2).mean([-1L], keepdim: true) + 1e-5)).to_type(dt); });
            T("small add", () => (x + x).Dispose());
        }
        return [];
    }
}
