using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Modeling;

namespace FlorenceVL.Training.Commands;

/// <summary><c>init &lt;out&gt; --corpus a.json[,b.json] [--seed N]</c>: a random tiny Florence-VL checkpoint to train from.</summary>
public static class InitCommand
{
    public const string Usage = "init <out> --corpus stage1_train.json[,stage2_train.json] [--seed N] [--image-size PX] [--decoder-layers N] [--last-stride 1|2]";

    public static int Run(CommandArguments args)
    {
        var output = args.Required(0, "output folder");
        var corpus = (args.String("corpus") ?? throw new UsageException("--corpus is required (the dataset JSON files the tokenizer learns from)."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var seed = args.Int("seed") ?? 0;
        var layers = args.Int("decoder-layers") ?? 3;
        if (layers < 1) throw new UsageException("--decoder-layers must be at least 1.");
        var lastStride = args.Int("last-stride") ?? 2;
        if (lastStride is not (1 or 2)) throw new UsageException("--last-stride must be 1 or 2.");
        var spec = new TinyModelSpec(ImageSize: args.Int("image-size") ?? 160, NumLayers: layers, LastStride: lastStride);
        args.RejectUnknownOptions();
        var config = TinyModelFactory.Create(output, spec, TinyModelFactory.CorpusFrom(corpus), seed);
        var bytes = new FileInfo(Path.Combine(output, "model.safetensors")).Length;
        Console.WriteLine($"wrote {output}: vocab {config.Text.VocabSize}, {config.NumVisualTokens} visual tokens per image, " +
            $"model.safetensors {bytes / 1e6:F1} MB");
        return 0;
    }
}
