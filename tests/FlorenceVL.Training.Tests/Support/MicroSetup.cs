using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Runtime;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Stages;

namespace FlorenceVL.Training.Tests.Support;

/// <summary>
/// Built once per test class: a micro shapes dataset (64 px, 6 images) and a micro Florence-VL initialised from it
/// (4 visual tokens, 2 decoder layers). Tests only read these; each writes its runs to its own folder.
/// </summary>
public sealed class MicroSetup : IDisposable
{
    public static readonly TinyModelSpec Spec = new(
        ImageSize: 64, DaViTDims: [16, 16, 32, 32], DaViTHeads: [1, 1, 2, 2], DaViTDepths: [1, 1, 1, 1], WindowSize: 2,
        EncoderDim: 16, EncoderLayers: 1, EncoderHeads: 2, EncoderFfnDim: 32, HiddenSize: 64, NumLayers: 2, NumHeads: 4,
        IntermediateSize: 128, MaxPositions: 256);

    private readonly TempDirectory _root = new();

    public MicroSetup()
    {
        TorchRuntime.EnsureLoadable();
        ShapesDatasetWriter.Write(DataDirectory, new ShapesDatasetOptions(Seed: 3, NumTrain: 6, NumEval: 2, ImageSize: 64));
        TinyModelFactory.Create(ModelDirectory, Spec,
            TinyModelFactory.CorpusFrom([Path.Combine(DataDirectory, "stage1_train.json"), Path.Combine(DataDirectory, "stage2_train.json")]), seed: 11);
    }

    public string DataDirectory => _root.Combine("data");
    public string ModelDirectory => _root.Combine("model");

    public DatasetSource Stage2 => new(Path.Combine(DataDirectory, "stage2_train.json"), Path.Combine(DataDirectory, ShapesDatasetWriter.ImageFolder));

    public StageConfig Stage(string output, StageKind kind, int maxSteps, int? saveEvery = null, double learningRate = 3e-3) => new(
        "micro", kind, ModelDirectory, Stage2, null,
        new OptimizationSettings(
            StageDefaults.Trainable(kind).ToDictionary(p => p, _ => learningRate),
            Epochs: 1, MaxSteps: maxSteps, BatchSize: 4, GradAccumulation: 2, WarmupRatio: 0.1, WeightDecay: 0.01, MaxGradNorm: 1.0),
        new OutputSettings(output, saveEvery, LogEvery: 1000, SaveDType: null),
        Seed: 5, DType: "float32", Device: "cpu", MaxLength: 256, SkipBad: false);

    /// <summary>Loads a model folder and the stage-2 examples tokenized for it.</summary>
    public (FlorenceVLTrainingModel Model, IReadOnlyList<TrainingExample> Examples, BatchCollator Collator) Load(string? directory = null,
        FlorenceVL.Engine.FeatureStore.IFeatureStore? featureStore = null)
    {
        var loaded = LoadedModel.Load(directory ?? ModelDirectory, ModelPlacement.CpuFloat32);
        var encoder = new ExampleEncoder(loaded.Template, loaded.Model.Config.NumVisualTokens, 256);
        var examples = LlavaDatasetReader.Load(Stage2, encoder, skipBad: false).Examples;
        return (new FlorenceVLTrainingModel(loaded.Model, featureStore), examples, new BatchCollator(loaded.Preprocessor));
    }

    public void Dispose() => _root.Dispose();
}
