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
///   out/stage{1,2}_eval_ood.json   with --ood N: the out-of-distribution split (issue 18), images out/images/ood_00000.png:
///                                  N images drawn with SceneStyle.OutOfDistribution, one record per question as above
///                                  (held-out words as word_unseen), one "followup" record per image (a first question with
///                                  its true answer, then a second), and one "text_only" record per SceneText.TextOnlyEvalPrompts
///   out/stage{1,2}_letters.json    with --letters N: N training images drawn with SceneStyle.Letters (one to three large
///                                  capitals alone), out/images/letters_00000.png, conversations as the training split's
/// </code>
/// With --varied the training split (not the eval split, which stays the classic held-out split byte for byte) draws
/// <see cref="ShapesDatasetOptions.ClassicShare"/> of its images as before and the rest with SceneStyle.Training (word-only
/// images, sizes 96-512, words anywhere from the large vocabulary, other backgrounds and inks), and stage2_train.json gains
/// text-only conversations (no image) answered with SceneText.CapabilityAnswer.
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
    private const int StyleSeedSalt = 0x57A1E;
    private const int OodSeedSalt = 0x00D;
    private const int TextOnlySeedSalt = 0x7E47;
    private const int LettersSeedSalt = 0x1E77;

    /// <summary>The split name (and image prefix) of the letters split (--letters N): one to three large capitals alone.</summary>
    public const string LettersSplit = "letters";

    /// <summary>The split name (and image prefix) of the out-of-distribution eval split.</summary>
    public const string OodSplit = "eval_ood";

    /// <summary>The share of training conversations that also ask the json question.</summary>
    public const double JsonShare = 0.5;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DatasetSummary Write(string outputDirectory, ShapesDatasetOptions options)
    {
        options.Validate();
        Directory.CreateDirectory(Path.Combine(outputDirectory, ImageFolder));
        var train = WriteSplit(outputDirectory, "train", options.NumTrain, new Random(options.Seed), options, multiTurn: true);
        var eval = WriteSplit(outputDirectory, "eval", options.NumEval, new Random(options.Seed ^ EvalSeedSalt), options, multiTurn: false);
        var ood = options.NumOod > 0 ? WriteSplit(outputDirectory, OodSplit, options.NumOod, new Random(options.Seed ^ OodSeedSalt), options, multiTurn: false) : null;
        var letters = options.NumLetters > 0 ? WriteSplit(outputDirectory, LettersSplit, options.NumLetters, new Random(options.Seed ^ LettersSeedSalt), options, multiTurn: true) : null;
        return new DatasetSummary(train, eval) { Ood = ood, Letters = letters };
    }

    private static SplitSummary WriteSplit(string outputDirectory, string split, int numImages, Random random, ShapesDatasetOptions options, bool multiTurn)
    {
        var sampler = new SceneSampler(options.ImageSize, options.WordProbability, options.WordScale);
        var isOod = split == OodSplit;
        var isLetters = split == LettersSplit;
        var varied = isOod ? new VariedSceneSampler(SceneStyle.OutOfDistribution)
            : isLetters ? new VariedSceneSampler(SceneStyle.Letters)
            : split == "train" && options.Varied ? new VariedSceneSampler(SceneStyle.Training) : null;
        // Which sampler draws each image comes from its own stream, so a --varied split's classic images follow the scene stream as ever.
        var styleRandom = new Random(options.Seed ^ StyleSeedSalt);
        var captions = new List<LlavaRecord>(numImages);
        var questions = new List<LlavaRecord>(numImages * 6);
        var numQuestions = 0;
        for (var index = 0; index < numImages; index++)
        {
            var scene = varied is not null && (isOod || isLetters || styleRandom.NextDouble() >= options.ClassicShare) ? varied.Sample(random) : sampler.Sample(random);
            var imageName = $"{(isOod ? "ood" : split)}_{index:D5}.png";
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
            {
                foreach (var question in sceneQuestions)
                    questions.Add(Conversation($"{split}-{index:D5}-{question.Type}", imageName, question.Question, question.Answer, question.Type));
                if (isOod) questions.Add(FollowUp($"{split}-{index:D5}-followup", imageName, sceneQuestions, jsonRandom));
            }
        }
        if (split == "train" && options.Varied) questions.AddRange(TextOnlyTraining(options));
        if (isOod)
            questions.AddRange(SceneText.TextOnlyEvalPrompts.Select((prompt, i) => new LlavaRecord($"{split}-text-{i:D2}", null,
                [new(LlavaTurn.Human, prompt), new(LlavaTurn.Gpt, SceneText.CapabilityAnswer)], TextOnlyType)));
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

    /// <summary>The question_type of a prompt without an image (answered with SceneText.CapabilityAnswer).</summary>
    public const string TextOnlyType = "text_only";

    /// <summary>The question_type of a second question about the same image, asked after the first one's (true) answer.</summary>
    public const string FollowUpType = "followup";

    /// <summary>A first question (not the json one) with its answer as the prompt's history, then a second one to score.</summary>
    private static LlavaRecord FollowUp(string id, string image, IReadOnlyList<SceneQuestion> questions, Random random)
    {
        var pool = questions.Where(q => q.Type != "json").ToList();
        var first = pool[random.Next(pool.Count)];
        var second = pool.Where(q => q != first).ToList() is { Count: > 0 } rest ? rest[random.Next(rest.Count)] : first;
        return new(id, image,
        [
            new(LlavaTurn.Human, $"{LlavaTurn.ImagePlaceholder}\n{first.Question}"), new(LlavaTurn.Gpt, first.Answer),
            new(LlavaTurn.Human, second.Question), new(LlavaTurn.Gpt, second.Answer),
        ], FollowUpType);
    }

    /// <summary>
    /// <see cref="ShapesDatasetOptions.TextOnlyShare"/> of NumTrain conversations with no image, from their own stream: one
    /// of SceneText.TextOnlyTrainPrompts answered with the capability answer, and in a third of them a second prompt too.
    /// </summary>
    private static IEnumerable<LlavaRecord> TextOnlyTraining(ShapesDatasetOptions options)
    {
        var random = new Random(options.Seed ^ TextOnlySeedSalt);
        var prompts = SceneText.TextOnlyTrainPrompts;
        var count = (int)Math.Round(options.NumTrain * options.TextOnlyShare);
        for (var i = 0; i < count; i++)
        {
            var turns = new List<LlavaTurn> { new(LlavaTurn.Human, prompts[random.Next(prompts.Count)]), new(LlavaTurn.Gpt, SceneText.CapabilityAnswer) };
            if (random.NextDouble() < 1.0 / 3) turns.AddRange([new(LlavaTurn.Human, prompts[random.Next(prompts.Count)]), new(LlavaTurn.Gpt, SceneText.CapabilityAnswer)]);
            yield return new LlavaRecord($"train-text-{i:D5}", null, turns, TextOnlyType);
        }
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

public sealed record DatasetSummary(SplitSummary Train, SplitSummary Eval)
{
    /// <summary>The out-of-distribution split, when --ood asked for one.</summary>
    public SplitSummary? Ood { get; init; }

    /// <summary>The letters split, when --letters asked for one.</summary>
    public SplitSummary? Letters { get; init; }
}
