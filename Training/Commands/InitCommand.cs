using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Modeling;

namespace FlorenceVL.Training.Commands;

/// <summary><c>init &lt;out&gt; --corpus a.json[,b.json] [--seed N]</c>: a random tiny Florence-VL checkpoint to train from.</summary>
public static class InitCommand
{
    public const string Usage = "init <out> --corpus stage1_train.json[,stage2_train.json] [--seed N] [--image-size PX] [--decoder-layers N] [--last-stride 1|2] [--dims 32,48,64,96] [--depths 1,1,1,1] [--heads 2,3,4,6] [--tower-init florence|fan-in]";

    public static int Run(CommandArguments args)
    {
        var output = args.Required(0, "output folder");
        var corpus = (args.String("corpus") ?? throw new UsageException("--corpus is required (the dataset JSON files the tokenizer learns from)."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var seed = args.Int("seed") ?? 0;
        var layers = args.Int("decoder-layers") ?? 3;
        if (layers < 1) throw new UsageException("--decoder-layers must be at least 1.");
        var spec = TowerSpec(args) with { NumLayers = layers };
        args.RejectUnknownOptions();
        var config = TinyModelFactory.Create(output, spec, TinyModelFactory.CorpusFrom(corpus), seed);
        var bytes = new FileInfo(Path.Combine(output, "model.safetensors")).Length;
        Console.WriteLine($"wrote {output}: vocab {config.Text.VocabSize}, {config.NumVisualTokens} visual tokens per image, " +
            $"model.safetensors {bytes / 1e6:F1} MB");
        return 0;
    }

    /// <summary>
    /// The default sizes with the tower options applied (--image-size, --last-stride, --dims, --depths, --heads; shared
    /// with probe-tower, so a probed tower is the one init builds). Heads default to one per 16 channels of a given width.
    /// </summary>
    public static TinyModelSpec TowerSpec(CommandArguments args)
    {
        var lastStride = args.Int("last-stride") ?? 2;
        if (lastStride is not (1 or 2)) throw new UsageException("--last-stride must be 1 or 2.");
        var dims = args.PositiveInts("dims");
        var depths = args.PositiveInts("depths");
        var heads = args.PositiveInts("heads") ?? dims?.Select(d => Math.Max(1, d / 16)).ToArray();
        foreach (var (name, list) in new[] { ("dims", dims), ("depths", depths), ("heads", heads) })
            if (list is { Length: not 4 }) throw new UsageException($"--{name} takes one value per DaViT stage (4).");
        if (dims is not null && heads is not null && dims.Zip(heads).Any(p => p.First % p.Second != 0))
            throw new UsageException("each --dims width must divide evenly into its --heads.");
        var towerInit = args.String("tower-init") ?? "florence";
        if (towerInit is not ("florence" or "fan-in")) throw new UsageException("--tower-init must be florence or fan-in.");
        return new TinyModelSpec(ImageSize: args.Int("image-size") ?? 160, DaViTDims: dims, DaViTHeads: heads, DaViTDepths: depths, LastStride: lastStride,
            TowerFanInInit: towerInit == "fan-in");
    }
}
