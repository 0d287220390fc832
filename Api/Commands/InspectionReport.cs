using System.Globalization;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Commands;

/// <summary>The text `inspect` prints: one fact per line, then each kind of problem with the tensors it names.</summary>
internal static class InspectionReport
{
    public static void Write(CheckpointInspection inspection, string device, ScalarType dtype, int sequences, TextWriter output, int listed)
    {
        var config = inspection.Config;
        var text = config.Text;
        var plan = inspection.Plan;
        output.WriteLine($"folder       {Path.GetFullPath(inspection.Directory)}");
        output.WriteLine($"model type   {config.ModelType} ({Describe(text)})");
        output.WriteLine($"vision       Florence-2 tower: DaViT [{string.Join(", ", config.Vision.DaViT.DimEmbed)}], encoder {config.Vision.Encoder.EncoderLayers} layers x {config.Vision.Encoder.DModel}; {config.ImageSize}x{config.ImageSize} images, {config.NumVisualTokens} visual tokens each");
        output.WriteLine($"layout       released Florence-VL names, {inspection.Files.Count} file(s): {string.Join(", ", inspection.Files.Select(Path.GetFileName))}");
        output.WriteLine($"tower from   {inspection.TowerSource}");
        output.WriteLine($"stored       {string.Join(", ", inspection.StoredDTypes.Select(d => $"{d.Value} {d.Key} tensors"))}; {Count(inspection.StoredElements)} elements");
        output.WriteLine($"parameters   {Count(inspection.ModelParameters)} used for serving ({plan.Ignored.Count} stored tensors Florence-VL never runs are skipped)");
        output.WriteLine($"tokenizer    {inspection.Tokenizer ?? "MISSING (the folder needs tokenizer.model or tokenizer.json)"}");
        output.WriteLine($"tensors      {plan.Bindings.Count} mapped, {plan.Tied.Count} tied, {plan.Missing.Count} missing, {plan.Mismatched.Count} wrong shape, {plan.IncompletePacks.Count} incomplete packs, {plan.Unexpected.Count} unexpected");
        var memory = inspection.Memory;
        output.WriteLine($"memory       on {device} in {dtype.ToString().ToLowerInvariant()}, {memory.KvPoolBytes / Math.Max(1, memory.KvBytesPerToken) / sequences} tokens of context x {sequences} sequence(s):");
        output.WriteLine($"  weights      {GiB(memory.WeightBytes)}");
        output.WriteLine($"  KV pool      {GiB(memory.KvPoolBytes)} ({memory.KvBytesPerToken:N0} bytes per token)");
        output.WriteLine($"  activations  {GiB(memory.ActivationBytes)} (rough peak)");
        output.WriteLine($"  total        {GiB(memory.TotalBytes)}");
        if (dtype == ScalarType.Float16 && device == "cpu")
            output.WriteLine("note         float16 is served on CUDA only (half-precision matmuls on CPU are unusably slow)");
        List("missing", plan.Missing, output, listed);
        List("wrong shape", plan.Mismatched.Select(m => m.ToString()).ToList(), output, listed);
        List("incomplete packs", plan.IncompletePacks, output, listed);
        List("unexpected (not loaded; harmless extras are common in community exports)", plan.Unexpected, output, listed);
        output.WriteLine(inspection.CanServe
            ? $"verdict      servable: dotnet run -c Release --project Api -- --model {inspection.Directory}"
            : "verdict      NOT servable: see the problems above");
    }

    private static string Describe(TextConfig text) =>
        $"{text.Kind} decoder: {text.NumHiddenLayers} layers, hidden {text.HiddenSize}, {text.NumAttentionHeads} query / {text.NumKeyValueHeads} KV heads of {text.HeadDim}, FFN {text.IntermediateSize}, vocabulary {text.VocabSize}";

    private static void List(string title, IReadOnlyList<string> items, TextWriter output, int listed)
    {
        if (items.Count == 0) return;
        output.WriteLine($"{title}: {items.Count}");
        foreach (var item in items.Take(listed)) output.WriteLine($"  {item}");
        if (items.Count > listed) output.WriteLine($"  ... and {items.Count - listed} more");
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string GiB(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
