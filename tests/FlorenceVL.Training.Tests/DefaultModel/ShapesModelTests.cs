using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Runtime;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Evaluation;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.DefaultModel;

/// <summary>
/// The committed default model (models/florence-vl-shapes) answers held-out questions: the first images of the eval
/// split that scripts/train-default-model.sh generates (same seed and size), regenerated here, never seen in training.
/// It counts reliably (96.7% on the whole eval split); the other question types are still below the gate (see
/// its README), so the count questions are the ones pinned here. A random or image-blind model gets about a quarter.
/// </summary>
public class ShapesModelTests
{
    // As in scripts/train-default-model.sh: the eval split depends only on the seed and the image size.
    private const int DatasetSeed = 1234;
    private const int ImageSize = 160;
    private const int NumImages = 16;

    [Fact]
    public void The_committed_model_counts_the_shapes_of_held_out_images_through_the_serving_path()
    {
        TorchRuntime.EnsureLoadable();
        using var data = new TempDirectory();
        ShapesDatasetWriter.Write(data.Path, new ShapesDatasetOptions(DatasetSeed, NumTrain: 0, NumEval: NumImages, ImageSize));
        var json = data.Combine("stage2_eval.json");
        var records = LlavaDatasetReader.ReadRecords(json).Select(r => r.Record!).Where(r => r.QuestionType == "count").ToList();

        var loaded = LoadedModel.Load(ModelDirectory, ModelPlacement.CpuFloat32);
        using var model = loaded.Model;
        using var generator = new AnswerGenerator(model, loaded.Template, loaded.Tokenizer, loaded.Preprocessor);
        var report = ExactMatchEvaluator.Evaluate(records, new DatasetSource(json, data.Combine(ShapesDatasetWriter.ImageFolder)),
            (prompt, image) => generator.Answer(prompt, image, maxNewTokens: 12));

        var wrong = report.Answers.Where(a => !a.IsCorrect).Select(a => $"{a.Id}: expected '{a.Expected}', got '{a.Actual}'").ToList();
        Assert.Equal(NumImages, report.Answers.Count);
        Assert.True(report.Overall.Accuracy >= 0.9, $"{report.Overall.NumCorrect}/{report.Overall.NumQuestions} correct:\n" + string.Join("\n", wrong));
    }

    private static string ModelDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "FlorenceVL.Api.sln"))) return Path.Combine(dir.FullName, "models", "florence-vl-shapes");
            throw new InvalidOperationException("FlorenceVL.Api.sln not found above the test output folder.");
        }
    }
}
