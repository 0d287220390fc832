using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Datasets;

/// <summary>
/// Issue 18's generator options, on real generated files: <c>--varied</c> training (word-only images, sizes 96-512, words
/// anywhere from a large vocabulary less its held-out words, text-only conversations) and the <c>--ood</c> split.
/// </summary>
public class VariedShapesDatasetTests
{
    private static readonly ShapesDatasetOptions Varied = new(Seed: 21, NumTrain: 160, NumEval: 6, ImageSize: 160, Varied: true, NumOod: 40);

    private static List<LlavaRecord> Read(TempDirectory dir, string file) =>
        JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine(file)))!;

    [Fact]
    public void Word_only_images_hold_the_word_and_no_shape_colour()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Varied);
        var wordOnly = Read(dir, "stage1_train.json").Concat(Read(dir, "stage1_eval_ood.json"))
            .Where(r => r.Conversations[1].Value.StartsWith("There are no shapes.", StringComparison.Ordinal)).ToList();
        Assert.True(wordOnly.Count >= 30, $"{wordOnly.Count} word-only images");
        foreach (var record in wordOnly)
        {
            using var bitmap = SKBitmap.Decode(dir.Combine(ShapesDatasetWriter.ImageFolder, record.Image!));
            var pixels = bitmap.Pixels;
            // No pixel is any of the six shape colours (the inks are dark, the backgrounds light, and their blends neither).
            Assert.DoesNotContain(pixels, p => ShapeColor.All.Any(c => Math.Abs(p.Red - c.R) < 25 && Math.Abs(p.Green - c.G) < 25 && Math.Abs(p.Blue - c.B) < 25));
            // But there is ink: dark pixels.
            Assert.Contains(pixels, p => p.Red + p.Green + p.Blue < 250);
        }
        // Their questions: the word, a count of 0, an empty JSON list; nothing about objects.
        var ood = Read(dir, "stage2_eval_ood.json");
        var wordOnlyImages = wordOnly.Select(r => r.Image).ToHashSet();
        var onWordOnly = ood.Where(r => wordOnlyImages.Contains(r.Image) && r.QuestionType != ShapesDatasetWriter.FollowUpType).ToList();
        Assert.NotEmpty(onWordOnly);
        Assert.All(onWordOnly, r => Assert.Contains(r.QuestionType, new[] { "word", "word_unseen", "count", "json" }));
        Assert.All(onWordOnly.Where(r => r.QuestionType == "count"), r => Assert.Equal("0", r.Conversations[1].Value));
        Assert.All(onWordOnly.Where(r => r.QuestionType == "json"), r => Assert.Equal("""{"count": 0, "shapes": []}""", r.Conversations[1].Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Font_sizes_lie_within_the_style_s_bounds_and_the_word_stays_inside_and_clear_of_the_objects(bool outOfDistribution)
    {
        var style = outOfDistribution ? SceneStyle.OutOfDistribution : SceneStyle.Training;
        var sampler = new VariedSceneSampler(style);
        var random = new Random(9);
        var scales = new List<double>();
        for (var i = 0; i < 400; i++)
        {
            var scene = sampler.Sample(random);
            if (scene.Word is not { } word) continue;
            var size = scene.ImageSize;
            var (min, max) = scene.Objects.Count == 0 ? style.WordOnlyScale : style.WithShapesScale;
            Assert.InRange(word.FontSize, min * size - 1e-3, max * size + 1e-3);
            scales.Add(word.FontSize / size);
            var ink = SceneRenderer.WordInkBounds(word);
            Assert.True(ink.Left >= 0 && ink.Right <= size && ink.Top >= 0 && ink.Bottom <= size, $"'{word.Text}' at {word.FontSize:F1} px on {size}: ink {ink}");
            foreach (var item in scene.Objects)
            {
                var half = item.Size / 2;
                var box = new SKRect(item.CenterX - half, item.CenterY - half, item.CenterX + half, item.CenterY + half);
                Assert.False(box.IntersectsWith(ink), $"{item.Description} {box} overlaps '{word.Text}' {ink}");
                Assert.Equal(item.Column == Horizontal.Left, box.Right <= size / 2f);
                Assert.Equal(item.Row == Vertical.Top, box.Bottom <= size / 2f);
            }
        }
        // The sizes spread over the range, not one scale give or take 8% as the classic scenes.
        Assert.True(scales.Min() < 0.12 && scales.Max() > 0.18, $"font scales {scales.Min():F3} to {scales.Max():F3}");
    }

    [Fact]
    public void Held_out_words_never_appear_in_training_and_the_ood_split_scores_them_as_word_unseen()
    {
        Assert.True(WordVocabulary.Words.Count >= 500);
        Assert.True(WordVocabulary.HeldOutWords.Count >= 50);
        Assert.Empty(WordVocabulary.HeldOutWords.Intersect(WordVocabulary.TrainingWords));
        Assert.Empty(WordVocabulary.HeldOutWords.Intersect(SceneWords.All));

        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Varied with { NumTrain = 400 });
        var training = File.ReadAllText(dir.Combine("stage1_train.json")) + File.ReadAllText(dir.Combine("stage2_train.json"));
        var upperCase = Regex.Matches(training, "\\b[A-Z]{3,}\\b").Select(m => m.Value).ToHashSet();
        Assert.True(upperCase.Count > 100, $"{upperCase.Count} distinct words written");
        Assert.DoesNotContain(upperCase, WordVocabulary.IsHeldOut);
        Assert.Contains(upperCase, w => !WordVocabulary.Words.Contains(w) && !SceneWords.All.Contains(w));   // random strings too

        var ood = Read(dir, "stage2_eval_ood.json");
        var unseen = ood.Where(r => r.QuestionType == "word_unseen").ToList();
        Assert.True(unseen.Count >= 10, $"{unseen.Count} unseen-word questions");
        Assert.All(unseen, r => Assert.True(WordVocabulary.IsHeldOut(r.Conversations[1].Value) && !upperCase.Contains(r.Conversations[1].Value)));
        Assert.All(ood.Where(r => r.QuestionType == "word"), r => Assert.False(WordVocabulary.IsHeldOut(r.Conversations[1].Value)));
        Assert.All(ood.Where(r => r.QuestionType is "word" or "word_unseen"), r => Assert.Equal("<image>\n" + SceneText.WordQuestion, r.Conversations[0].Value));
    }

    [Fact]
    public void Image_sizes_vary_over_96_to_512_in_training_and_the_ood_split_uses_sizes_training_never_does()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Varied);
        static int Side(string path) { using var codec = SKCodec.Create(path); Assert.Equal(codec.Info.Width, codec.Info.Height); return codec.Info.Width; }
        var images = dir.Combine(ShapesDatasetWriter.ImageFolder);
        var train = Directory.GetFiles(images, "train_*.png").Select(Side).ToList();
        var ood = Directory.GetFiles(images, "ood_*.png").Select(Side).ToList();
        Assert.All(train, s => Assert.InRange(s, 96, 512));
        Assert.True(train.Distinct().Count() > 10, $"{train.Distinct().Count()} distinct training sizes");
        Assert.Contains(160, train);                                          // the classic share
        Assert.True(train.Count(s => s != 160) > train.Count / 3);
        Assert.True(ood.Distinct().Count() > 10);
        Assert.All(ood, s => Assert.True(s % 16 != 0 && !SceneStyle.Training.Sizes.Contains(s), $"ood size {s}"));
    }

    [Fact]
    public void Text_only_conversations_have_no_image_and_answer_what_the_model_can_do()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Varied);
        var train = Read(dir, "stage2_train.json");
        var textOnly = train.Where(r => r.QuestionType == ShapesDatasetWriter.TextOnlyType).ToList();
        Assert.Equal((int)Math.Round(Varied.NumTrain * Varied.TextOnlyShare), textOnly.Count);
        Assert.Equal(train.Count - textOnly.Count, train.Count(r => r.Image is not null));
        var ood = Read(dir, "stage2_eval_ood.json").Where(r => r.QuestionType == ShapesDatasetWriter.TextOnlyType).ToList();
        Assert.Equal(SceneText.TextOnlyEvalPrompts.Count, ood.Count);
        Assert.Empty(SceneText.TextOnlyEvalPrompts.Intersect(SceneText.TextOnlyTrainPrompts));
        Assert.Contains(ood, r => r.Conversations[0].Value == "Say hello.");
        foreach (var record in textOnly.Concat(ood))
        {
            Assert.Null(record.Image);
            Assert.DoesNotContain(record.Conversations, t => t.Value.Contains(LlavaTurn.ImagePlaceholder));
            Assert.All(record.Conversations.Where(t => t.From == LlavaTurn.Gpt), t => Assert.Equal(SceneText.CapabilityAnswer, t.Value));
        }
        // They encode for training without an image, with loss on the answer.
        var record0 = textOnly[0];
        using var tokenizerDir = new TempDirectory();
        var tokenizer = TinyTokenizer.Create(tokenizerDir.Path, record0.Conversations.Select(t => t.Value));
        var encoder = new ExampleEncoder(ChatTemplates.ForModelType("llava_phi", tokenizer), numVisualTokens: 4, maxLength: 512);
        var example = encoder.Encode(record0, null, problem => new BadRecordException("stage2_train.json", 0, record0.Id, problem));
        Assert.Empty(example.Images);
        Assert.Contains(SceneText.CapabilityAnswer, tokenizer.Decode(example.Ids.Where((_, i) => example.IsLossToken[i]), skipSpecialTokens: true));
    }

    [Fact]
    public void The_ood_split_asks_a_follow_up_after_a_first_answer_about_the_same_image()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Varied);
        var ood = Read(dir, "stage2_eval_ood.json");
        var followUps = ood.Where(r => r.QuestionType == ShapesDatasetWriter.FollowUpType).ToList();
        Assert.Equal(Varied.NumOod, followUps.Count);
        foreach (var record in followUps)
        {
            Assert.Equal([LlavaTurn.Human, LlavaTurn.Gpt, LlavaTurn.Human, LlavaTurn.Gpt], record.Conversations.Select(t => t.From));
            Assert.StartsWith("<image>\n", record.Conversations[0].Value);
            Assert.DoesNotContain(LlavaTurn.ImagePlaceholder, record.Conversations[2].Value);
            // Both turns are questions the split asks on their own about this image, with the same answers.
            var single = ood.Where(r => r.Image == record.Image && r.QuestionType != ShapesDatasetWriter.FollowUpType)
                .Select(r => (r.Conversations[0].Value["<image>\n".Length..], r.Conversations[1].Value)).ToList();
            Assert.Contains((record.Conversations[0].Value["<image>\n".Length..], record.Conversations[1].Value), single);
            Assert.Contains((record.Conversations[2].Value, record.Conversations[3].Value), single);
        }
    }

    [Fact]
    public void Varied_training_and_the_ood_split_leave_the_classic_held_out_split_byte_for_byte()
    {
        using var classic = new TempDirectory();
        using var varied = new TempDirectory();
        ShapesDatasetWriter.Write(classic.Path, Varied with { Varied = false, NumOod = 0 });
        ShapesDatasetWriter.Write(varied.Path, Varied);
        Assert.Equal(File.ReadAllText(classic.Combine("stage2_eval.json")), File.ReadAllText(varied.Combine("stage2_eval.json")));
        foreach (var image in Directory.GetFiles(classic.Combine(ShapesDatasetWriter.ImageFolder), "eval_*.png"))
            Assert.Equal(File.ReadAllBytes(image), File.ReadAllBytes(varied.Combine(ShapesDatasetWriter.ImageFolder, Path.GetFileName(image))));
        // And the varied files are themselves deterministic.
        using var again = new TempDirectory();
        ShapesDatasetWriter.Write(again.Path, Varied);
        foreach (var file in new[] { "stage2_train.json", "stage2_eval_ood.json", "stage1_train.json" })
            Assert.Equal(File.ReadAllText(varied.Combine(file)), File.ReadAllText(again.Combine(file)));
    }

    [Fact]
    public void Training_strings_run_from_one_letter_while_the_ood_split_keeps_three_or_more()
    {
        var random = new Random(4);
        var training = new VariedSceneSampler(SceneStyle.Training);
        var ood = new VariedSceneSampler(SceneStyle.OutOfDistribution);
        var trainingLengths = Enumerable.Range(0, 3000).Select(_ => training.SampleText(random)).Where(t => !WordVocabulary.TrainingWords.Contains(t)).Select(t => t.Length).ToList();
        var oodStrings = Enumerable.Range(0, 3000).Select(_ => ood.SampleText(random)).Where(t => !WordVocabulary.Words.Contains(t) && !SceneWords.All.Contains(t)).ToList();
        Assert.Contains(1, trainingLengths);
        Assert.Contains(2, trainingLengths);
        Assert.Equal(7, trainingLengths.Max());
        Assert.All(oodStrings, t => Assert.InRange(t.Length, 3, 7));
        Assert.All(oodStrings.Where(WordVocabulary.IsHeldOut), t => Assert.True(WordVocabulary.IsHeldOutString(t)));
    }

    [Fact]
    public void The_letters_split_holds_one_to_three_training_side_capitals_alone_and_leaves_the_other_splits_as_they_were()
    {
        using var plain = new TempDirectory();
        using var withLetters = new TempDirectory();
        ShapesDatasetWriter.Write(plain.Path, Varied);
        ShapesDatasetWriter.Write(withLetters.Path, Varied with { NumLetters = 30 });
        foreach (var file in new[] { "stage1_train.json", "stage2_train.json", "stage2_eval.json", "stage2_eval_ood.json" })
            Assert.Equal(File.ReadAllBytes(plain.Combine(file)), File.ReadAllBytes(withLetters.Combine(file)));

        var letters = Read(withLetters, $"stage2_{ShapesDatasetWriter.LettersSplit}.json");
        Assert.Equal(30, letters.Count);
        var words = letters.Select(r => r.Conversations.SkipWhile(t => !t.Value.EndsWith(SceneText.WordQuestion, StringComparison.Ordinal)).ElementAt(1).Value).ToList();
        Assert.All(words, w => Assert.Matches("^[A-Z]{1,3}$", w));
        Assert.All(words, w => Assert.False(WordVocabulary.IsHeldOut(w), w));
        Assert.Contains(words, w => w.Length == 1);
        foreach (var record in letters)
        {
            // Word-only: the count is 0 and the caption names no shape.
            Assert.Contains(record.Conversations, t => t.Value == "0");
            Assert.Contains(record.Conversations, t => t.Value.StartsWith("There are no shapes.", StringComparison.Ordinal));
            Assert.True(File.Exists(withLetters.Combine(ShapesDatasetWriter.ImageFolder, record.Image!)));
        }
    }
}
