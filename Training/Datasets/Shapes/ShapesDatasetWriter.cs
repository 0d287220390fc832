using System.Text.Json;
using FlorenceVL.Training.Data;

namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>
/// Writes the synthetic shapes dataset:
/// <code>
///   out/images/{train,eval}_00000.png
///   out/stage1_{train,eval}.json   one caption conversation per image
///   out/stage2_{train,eval}.json   one question/answer conversation per question (5-6 per image)
/// </code>
/// The same options give byte-identical files.
/// </summary>
public static class ShapesDatasetWriter
{
    public const string ImageFolder = "images";
    private const int EvalSeedSalt = 0x5EED;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DatasetSummary Write(string outputDirectory, ShapesDatasetOptions options)
    {
        options.Validate();
        Directory.CreateDirectory(Path.Combine(outputDirectory, ImageFolder));
        var train = WriteSplit(outputDirectory, "train", options.NumTrain, new Random(options.Seed), options);
        var eval = WriteSplit(outputDirectory, "eval", options.NumEval, new Random(options.Seed ^ EvalSeedSalt), options);
        return new DatasetSummary(train, eval);
    }

    private static SplitSummary WriteSplit(string outputDirectory, string split, int numImages, Random random, ShapesDatasetOptions options)
    {
        var sampler = new SceneSampler(options.ImageSize, options.WordProbability);
        var captions = new List<LlavaRecord>(numImages);
        var questions = new List<LlavaRecord>(numImages * 6);
        for (var index = 0; index < numImages; index++)
        {
            var scene = sampler.Sample(random);
            var imageName = $"{split}_{index:D5}.png";
            File.WriteAllBytes(Path.Combine(outputDirectory, ImageFolder, imageName), SceneRenderer.RenderPng(scene));
            var prompt = SceneText.CaptionPrompts[random.Next(SceneText.CaptionPrompts.Count)];
            captions.Add(Conversation($"{split}-{index:D5}-caption", imageName, prompt, SceneText.Caption(scene), "caption"));
            foreach (var question in SceneText.Questions(scene, random))
                questions.Add(Conversation($"{split}-{index:D5}-{question.Type}", imageName, question.Question, question.Answer, question.Type));
        }
        File.WriteAllText(Path.Combine(outputDirectory, $"stage1_{split}.json"), JsonSerializer.Serialize(captions, Json));
        File.WriteAllText(Path.Combine(outputDirectory, $"stage2_{split}.json"), JsonSerializer.Serialize(questions, Json));
        return new SplitSummary(numImages, captions.Count, questions.Count);
    }

    private static LlavaRecord Conversation(string id, string image, string question, string answer, string type) => new(
        id,
        image,
        [new(LlavaTurn.Human, $"{LlavaTurn.ImagePlaceholder}\n{question}"), new(LlavaTurn.Gpt, answer)],
        type);
}

public sealed record SplitSummary(int NumImages, int NumCaptionRecords, int NumQuestionRecords);

public sealed record DatasetSummary(SplitSummary Train, SplitSummary Eval);
