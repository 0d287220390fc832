using System.Text.Json;
using FlorenceVL.Training.Data;

namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>
/// Writes the synthetic shapes dataset:
/// <code>
///   out/images/{train,eval}_00000.png
///   out/stage1_{train,eval}.json   one caption conversation per image
///   out/stage2_train.json          one multi-turn conversation per image: its 3-6 questions and its caption, in a random order
///                                  (in half of them also the json question: the objects as a JSON object)
///   out/stage2_eval.json           one question/answer conversation per question, so each is scored on its own (every
///                                  image's json question included)
/// </code>
/// Training asks an image's questions in one conversation, as LLaVA's instruction data does: the image's visual tokens
/// are encoded once for all of them rather than once per question. Measured on this dataset, 800 steps of 16 such
/// conversations matched the held-out answers of 4,500 steps of 16 single questions, at under half the wall time.
/// The caption rides along as one more turn, as the paper's stage-2 mix keeps caption data (ShareGPT4V): a model tuned
/// on short answers alone answered "Describe the image." with one colour word.
/// The same options give byte-identical files.
/// </summary>
public static class ShapesDatasetWriter
{
    public const string ImageFolder = "images";
    private const int EvalSeedSalt = 0x5EED;
    private const int JsonSeedSalt = 0x15011;

    /// <summary>The share of training conversations that also ask the json question.</summary>
    public const double JsonShare = 0.5;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DatasetSummary Write(string outputDirectory, ShapesDatasetOptions options)
    {
        options.Validate();
        Directory.CreateDirectory(Path.Combine(outputDirectory, ImageFolder));
        var train = WriteSplit(outputDirectory, "train", options.NumTrain, new Random(options.Seed), options, multiTurn: true);
        var eval = WriteSplit(outputDirectory, "eval", options.NumEval, new Random(options.Seed ^ EvalSeedSalt), options, multiTurn: false);
        return new DatasetSummary(train, eval);
    }

    private static SplitSummary WriteSplit(string outputDirectory, string split, int numImages, Random random, ShapesDatasetOptions options, bool multiTurn)
    {
        var sampler = new SceneSampler(options.ImageSize, options.WordProbability, options.WordScale);
        var captions = new List<LlavaRecord>(numImages);
        var questions = new List<LlavaRecord>(numImages * 6);
        var numQuestions = 0;
        for (var index = 0; index < numImages; index++)
        {
            var scene = sampler.Sample(random);
            var imageName = $"{split}_{index:D5}.png";
            File.WriteAllBytes(Path.Combine(outputDirectory, ImageFolder, imageName), SceneRenderer.RenderPng(scene));
            var prompt = SceneText.CaptionPrompts[random.Next(SceneText.CaptionPrompts.Count)];
            captions.Add(Conversation($"{split}-{index:D5}-caption", imageName, prompt, SceneText.Caption(scene), "caption"));
            var sceneQuestions = SceneText.Questions(scene, random).ToList();
            // Whether (in training) and how the json question is asked comes from its own stream per image, so the scenes,
            // the other questions and the stage-1 captions are those of a dataset written before it existed.
            var jsonRandom = JsonRandom(split, options.Seed, index);
            var askJson = !multiTurn || jsonRandom.NextDouble() < JsonShare;
            var jsonWording = jsonRandom.Next(SceneText.JsonPrompts.Count);
            if (askJson) sceneQuestions.Add(SceneText.JsonQuestion(scene, jsonWording));
            numQuestions += sceneQuestions.Count;
            if (multiTurn)
                questions.Add(MultiTurn($"{split}-{index:D5}-questions", imageName,
                    Shuffled([.. sceneQuestions, new SceneQuestion("caption", prompt, SceneText.Caption(scene))], options.Seed, index)));
            else
                foreach (var question in sceneQuestions)
                    questions.Add(Conversation($"{split}-{index:D5}-{question.Type}", imageName, question.Question, question.Answer, question.Type));
        }
        File.WriteAllText(Path.Combine(outputDirectory, $"stage1_{split}.json"), JsonSerializer.Serialize(captions, Json));
        File.WriteAllText(Path.Combine(outputDirectory, $"stage2_{split}.json"), JsonSerializer.Serialize(questions, Json));
        return new SplitSummary(numImages, captions.Count, questions.Count, numQuestions);
    }

    // Its own stream per image (not the scene stream), so ordering the turns leaves the scenes and the stage-1 captions as
    // they were; HashCode is salted per process, hence the fixed mix.
    private static List<SceneQuestion> Shuffled(IReadOnlyList<SceneQuestion> questions, int seed, int index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        return questions.OrderBy(_ => random.Next()).ToList();
    }

    private static Random JsonRandom(string split, int seed, int index) =>
        new(unchecked((seed ^ JsonSeedSalt) * 1_000_003 + index * 2 + (split == "train" ? 0 : 1)));

    private static LlavaRecord MultiTurn(string id, string image, IReadOnlyList<SceneQuestion> questions) => new(
        id,
        image,
        questions.SelectMany((q, i) => new LlavaTurn[]
        {
            new(LlavaTurn.Human, i == 0 ? $"{LlavaTurn.ImagePlaceholder}\n{q.Question}" : q.Question),
            new(LlavaTurn.Gpt, q.Answer),
        }).ToList(),
        MultiTurnType);

    /// <summary>The question_type of a training conversation that asks several kinds of question.</summary>
    public const string MultiTurnType = "questions";

    private static LlavaRecord Conversation(string id, string image, string question, string answer, string type) => new(
        id,
        image,
        [new(LlavaTurn.Human, $"{LlavaTurn.ImagePlaceholder}\n{question}"), new(LlavaTurn.Gpt, answer)],
        type);
}

public sealed record SplitSummary(int NumImages, int NumCaptionRecords, int NumQuestionRecords, int NumQuestions);

public sealed record DatasetSummary(SplitSummary Train, SplitSummary Eval);
