using System.Diagnostics;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Commands;

/// <summary>
/// <c>probe-tower</c>: how fast a random vision tower of the given sizes learns to read, before a recipe run spends an
/// hour on it. The tower (with its DBFusion projection, exactly the features the projector sees) and a linear head on its
/// flattened visual tokens learn which of the 26 capitals a SceneStyle.Letters image (one to three capitals anywhere)
/// shows; the score is the share of images, drawn from a separate stream, whose set of letters is named exactly. A set
/// rather than a spelling: a linear head can add up per-token evidence of a letter, but ordering letters that may sit
/// anywhere is beyond it (spelling targets stayed at chance, 0-2.6%, for every tower tried), and the order is the
/// LLM's to read from the tokens' positions. The LLM is not involved, so two towers compare on reading alone, in minutes.
/// </summary>
public static class ProbeTowerCommand
{
    public const string Usage = "probe-tower [--dims 32,48,64,96] [--depths 1,1,1,1] [--heads 2,3,4,6] [--last-stride 1|2] [--image-size PX] [--steps N] [--batch N] [--lr F] [--eval N] [--seed N]";

    private const int NumLetters = 26;

    public static int Run(CommandArguments args)
    {
        var spec = InitCommand.TowerSpec(args);
        var steps = args.Int("steps") ?? 400;
        var batchSize = args.Int("batch") ?? 32;
        var learningRate = args.Double("lr") ?? 1e-3;
        var numEval = args.Int("eval") ?? 400;
        var seed = args.Int("seed") ?? 0;
        args.RejectUnknownOptions();

        var directory = Directory.CreateTempSubdirectory("probe-tower-").FullName;
        try
        {
            TinyModelFactory.Create(directory, spec, ["A B C"], seed, maxMerges: 10);
            // Loaded back as a recipe run would start: the factory's initialisation, not TorchSharp's defaults.
            using var model = LoadedModel.Load(directory, ModelPlacement.CpuFloat32).Model;
            return Probe(model, spec, steps, batchSize, learningRate, numEval, seed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int Probe(FlorenceVLModel model, TinyModelSpec spec, int steps, int batchSize, double learningRate, int numEval, int seed)
    {
        var preprocessor = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = spec.ImageSize });
        var sampler = new VariedSceneSampler(SceneStyle.Letters);
        var tokens = model.Config.NumVisualTokens;
        var fusedDim = (1 + model.VisionTower.NumPrompts) * model.Config.Projector.MmHiddenSize; // DBFusion: V and each prompt's output
        torch.manual_seed(seed);
        using var head = nn.Linear(tokens * fusedDim, NumLetters);
        var parameters = model.VisionTower.parameters().Concat(head.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, learningRate);
        var trainRandom = new Random(seed);
        // Held-out images from their own streams, apart from the training stream (new Random(seed)).
        var evalSet = Enumerable.Range(0, (numEval + batchSize - 1) / batchSize)
            .Select(batch => Batch(new Random(seed ^ 0x0E7A1 ^ (batch << 8)), preprocessor, sampler, batchSize, spec.ImageSize)).ToList();
        Console.WriteLine($"tower dims [{string.Join(",", spec.Dims)}] depths [{string.Join(",", spec.Depths)}] heads [{string.Join(",", spec.Heads)}] " +
            $"last stride {spec.LastStride}: {tokens} visual tokens of {fusedDim}, {parameters.Sum(p => p.numel())} trained parameters");
        Console.WriteLine($"at start: {Spread(model, evalSet[0].Pixels)}");
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var (pixels, labels, _) = Batch(trainRandom, preprocessor, sampler, batchSize, spec.ImageSize);
            using var disposePixels = pixels; // Batch detaches its tensors (the eval set outlives scopes); these die with the step
            using var disposeLabels = labels;
            var logits = head.forward(model.FusedFeatures(pixels).flatten(1));                // [B, 26]
            var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step % 50 == 0 || step == steps)
                Console.WriteLine($"step {step}: loss {loss.item<float>():F3}, held out {100 * Score(model, head, evalSet):F1}% letter sets exact ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        Console.WriteLine($"at the end: {Spread(model, evalSet[0].Pixels)}");
        foreach (var (pixels, labels, _) in evalSet) { pixels.Dispose(); labels.Dispose(); }
        return 0;
    }

    /// <summary>
    /// How much the features differ between images against their whole spread: near 0, every image reaches the projector
    /// as nearly the same tokens (position and prompt terms swamp the picture), and no head can read it.
    /// </summary>
    private static string Spread(FlorenceVLModel model, Tensor pixels)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = model.FusedFeatures(pixels);                                         // [B, N, D]
        var betweenImages = features.std(0).mean().item<float>();
        var overall = features.std().item<float>();
        // The DaViT output before position and temporal terms are added: whether the picture is small from the start.
        var davit = model.VisionTower.DaViTFeatures(pixels);                                // [B, C, h, w]
        return $"feature spread between images {betweenImages:F4} of {overall:F4} overall ({betweenImages / overall:F3}); " +
            $"DaViT output between images {davit.std(0).mean().item<float>():F4}, overall {davit.std().item<float>():F4}";
    }

    private static double Score(FlorenceVLModel model, nn.Module<Tensor, Tensor> head, IReadOnlyList<(Tensor Pixels, Tensor Labels, int Count)> evalSet)
    {
        using var noGrad = no_grad();
        var (right, total) = (0L, 0L);
        foreach (var (pixels, labels, count) in evalSet)
        {
            using var scope = NewDisposeScope();
            var predicted = head.forward(model.FusedFeatures(pixels).flatten(1)).gt(0);
            right += predicted.eq(labels.gt(0.5)).all(1).sum().item<long>();
            total += count;
        }
        return (double)right / total;
    }

    private static (Tensor Pixels, Tensor Labels, int Count) Batch(Random random, ImagePreprocessor preprocessor, VariedSceneSampler sampler, int count, int side)
    {
        var pixels = new float[count * 3 * side * side];
        var labels = new float[count * NumLetters];
        for (var i = 0; i < count; i++)
        {
            var scene = sampler.Sample(random);
            preprocessor.Preprocess(SceneRenderer.RenderPng(scene)).PixelValues.CopyTo(pixels, i * 3 * side * side);
            foreach (var letter in scene.Word!.Text) labels[i * NumLetters + letter - 'A'] = 1;
        }
        return (tensor(pixels, [count, 3, side, side]).DetachFromDisposeScope(), tensor(labels, [count, NumLetters]).DetachFromDisposeScope(), count);
    }

}
