using System.Text.Json;
using SkiaSharp;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Datasets;

public class ShapesDatasetTests
{
    private static readonly ShapesDatasetOptions Small = new(Seed: 7, NumTrain: 12, NumEval: 4, ImageSize: 96);
    private static readonly string[] QuestionTypes = ["color", "shape", "count", "left_right", "top_bottom", "word", "json"];

    [Fact]
    public void Same_seed_writes_byte_identical_files()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        ShapesDatasetWriter.Write(first.Path, Small);
        ShapesDatasetWriter.Write(second.Path, Small);
        var files = Directory.GetFiles(first.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first.Path, f)).Order().ToList();
        Assert.Equal(12 + 4 + 4, files.Count);
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(first.Combine(file)).AsSpan().SequenceEqual(File.ReadAllBytes(second.Combine(file))), $"{file} differs");
    }

    [Fact]
    public void Another_seed_gives_other_images()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        ShapesDatasetWriter.Write(first.Path, Small);
        ShapesDatasetWriter.Write(second.Path, Small with { Seed = 8 });
        Assert.NotEqual(File.ReadAllText(first.Combine("stage1_train.json")), File.ReadAllText(second.Combine("stage1_train.json")));
    }

    [Fact]
    public void The_eval_split_does_not_depend_on_the_train_size()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        ShapesDatasetWriter.Write(first.Path, Small);
        ShapesDatasetWriter.Write(second.Path, Small with { NumTrain = 3 });
        Assert.Equal(File.ReadAllText(first.Combine("stage2_eval.json")), File.ReadAllText(second.Combine("stage2_eval.json")));
    }

    [Fact]
    public void Eval_records_are_single_llava_questions_with_the_image_first_and_a_known_question_type()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Small);
        var records = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_eval.json")))!;
        Assert.All(records, r =>
        {
            Assert.True(File.Exists(dir.Combine(ShapesDatasetWriter.ImageFolder, r.Image!)));
            Assert.Equal([LlavaTurn.Human, LlavaTurn.Gpt], r.Conversations.Select(t => t.From));
            Assert.StartsWith("<image>\n", r.Conversations[0].Value);
            Assert.Contains(r.QuestionType, QuestionTypes);
        });
        Assert.Contains(records, r => r.QuestionType == "word");
    }

    [Fact]
    public void Train_records_ask_each_image_all_its_questions_in_one_conversation_with_the_image_in_the_first_turn()
    {
        using var dir = new TempDirectory();
        var summary = ShapesDatasetWriter.Write(dir.Path, Small);
        var records = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_train.json")))!;
        Assert.Equal(Small.NumTrain, records.Count);
        Assert.Equal(Small.NumTrain, records.Select(r => r.Image).Distinct().Count());
        Assert.All(records, r =>
        {
            Assert.Equal(ShapesDatasetWriter.MultiTurnType, r.QuestionType);
            Assert.InRange(r.Conversations.Count, 8, 16);                      // 3 to 6 questions, maybe the json one, and the caption, a human and a gpt turn each
            for (var t = 0; t < r.Conversations.Count; t++)
                Assert.Equal(t % 2 == 0 ? LlavaTurn.Human : LlavaTurn.Gpt, r.Conversations[t].From);
            Assert.StartsWith("<image>\n", r.Conversations[0].Value);
            Assert.DoesNotContain(r.Conversations.Skip(1), turn => turn.Value.Contains(LlavaTurn.ImagePlaceholder));
            Assert.Single(r.Conversations, turn => turn.Value.EndsWith("How many shapes are there?"));
            Assert.Single(r.Conversations, turn => turn.From == LlavaTurn.Gpt && turn.Value.StartsWith("A") && turn.Value.EndsWith("."));
        });
        Assert.Equal(summary.Train.NumQuestions, records.Sum(r => r.Conversations.Count / 2 - 1));
        // The caption turn is the image's stage-1 caption.
        var captions = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage1_train.json")))!.ToDictionary(c => c.Image!, c => c.Conversations[1].Value);
        Assert.All(records, r => Assert.Contains(r.Conversations, turn => turn.Value == captions[r.Image!]));
        // Turn order is shuffled per image: the count question is not always in the same place.
        Assert.True(records.Select(r => r.Conversations.ToList().FindIndex(t => t.Value.EndsWith("How many shapes are there?"))).Distinct().Count() > 1);
    }

    [Fact]
    public void Multi_turn_training_conversations_encode_with_loss_on_every_answer()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Small);
        var record = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_train.json")))![0];
        using var tokenizerDir = new TempDirectory();
        var tokenizer = TinyTokenizer.Create(tokenizerDir.Path, record.Conversations.Select(t => t.Value));
        var encoder = new ExampleEncoder(ChatTemplates.ForModelType("llava_phi", tokenizer), numVisualTokens: 4, maxLength: 512);
        var example = encoder.Encode(record, dir.Combine(ShapesDatasetWriter.ImageFolder, record.Image!), problem => new BadRecordException("stage2_train.json", 0, record.Id, problem));
        var answers = record.Conversations.Where(t => t.From == LlavaTurn.Gpt).Select(t => t.Value).ToList();
        var lossText = tokenizer.Decode(example.Ids.Where((_, i) => example.IsLossToken[i]), skipSpecialTokens: true);
        foreach (var answer in answers) Assert.Contains(answer, lossText);
        Assert.Single(example.Images);
    }

    [Fact]
    public void Answers_agree_with_the_scene()
    {
        var random = new Random(3);
        var sampler = new SceneSampler(128, wordProbability: 1.0);
        for (var i = 0; i < 50; i++)
        {
            var scene = sampler.Sample(random);
            foreach (var question in SceneText.Questions(scene, random))
            {
                switch (question.Type)
                {
                    case "count": Assert.Equal(scene.Objects.Count.ToString(), question.Answer); break;
                    case "word": Assert.Equal(scene.Word!.Text, question.Answer); break;
                    case "color":
                        Assert.Single(scene.Objects, o => question.Question.Contains($" {ShapeNames.Of(o.Shape)}?") && o.Color.Name == question.Answer);
                        break;
                    case "left_right":
                        var item = scene.Objects.Single(o => question.Question.Contains(o.Description));
                        Assert.Equal(item.CenterX < 64 ? "left" : "right", question.Answer);
                        break;
                    case "top_bottom":
                        var target = scene.Objects.Single(o => question.Question.Contains(o.Description));
                        Assert.Equal(target.CenterY < 64 ? "top" : "bottom", question.Answer);
                        break;
                }
            }
        }
    }

    [Theory]
    [InlineData(0.12)]
    [InlineData(0.18)]
    [InlineData(0.25)]
    public void The_word_stays_inside_the_image_and_clear_of_every_object(double wordScale)
    {
        const int size = 160;
        var random = new Random(11);
        var sampler = new SceneSampler(size, wordProbability: 1.0, wordScale);
        for (var i = 0; i < 200; i++)
        {
            var scene = sampler.Sample(random);
            var ink = SceneRenderer.WordInkBounds(scene.Word!);
            Assert.True(ink.Left >= 0 && ink.Right <= size && ink.Top >= 0 && ink.Bottom <= size, $"'{scene.Word!.Text}' at {scene.Word.FontSize:F1} px: ink {ink}");
            foreach (var item in scene.Objects)
            {
                var half = item.Size / 2;
                var box = new SKRect(item.CenterX - half, item.CenterY - half, item.CenterX + half, item.CenterY + half);
                Assert.False(box.IntersectsWith(ink), $"{item.Description} {box} overlaps '{scene.Word!.Text}' {ink}");
            }
        }
    }

    [Fact]
    public void The_word_scale_sets_the_font_size_and_only_long_words_shrink_to_fit()
    {
        const int size = 160;
        var random = new Random(5);
        var sampler = new SceneSampler(size, wordProbability: 1.0, wordScale: 0.18);
        var words = Enumerable.Range(0, 300).Select(_ => sampler.Sample(random).Word!).ToList();
        Assert.All(words, w => Assert.InRange(w.FontSize, 0, size * 0.18 * 1.08 + 1e-3));
        Assert.All(words.Where(w => w.Text.Length <= 4), w => Assert.InRange(w.FontSize, size * 0.18 * 0.92 - 1e-3, size * 0.18 * 1.08 + 1e-3));
        // At the largest scale the six-letter words no longer fit at full size.
        var large = new SceneSampler(size, wordProbability: 1.0, wordScale: 0.25);
        Assert.Contains(Enumerable.Range(0, 100).Select(_ => large.Sample(random).Word!), w => w.FontSize < size * 0.25 * 0.92);
    }

    [Fact]
    public void Two_objects_in_one_row_are_captioned_by_side()
    {
        var scene = new Scene(128, false,
        [
            new SceneObject(ShapeKind.Square, ShapeColor.All[2], 100, 30, 20, Horizontal.Right, Vertical.Top),
            new SceneObject(ShapeKind.Circle, ShapeColor.All[0], 30, 30, 20, Horizontal.Left, Vertical.Top),
        ], null);
        Assert.Equal("A red circle on the left and a blue square on the right.", SceneText.Caption(scene));
    }
    // Captions list circles, then squares, then triangles (each kind in reading order), so writing a caption means
    // finding objects by their shape: what the colour questions ask of the model.
    [Fact]
    public void Captions_group_objects_by_shape_then_read_each_group_top_row_first()
    {
        var scene = new Scene(128, false,
        [
            new SceneObject(ShapeKind.Triangle, ShapeColor.All[3], 30, 30, 20, Horizontal.Left, Vertical.Top),
            new SceneObject(ShapeKind.Square, ShapeColor.All[1], 100, 30, 20, Horizontal.Right, Vertical.Top),
            new SceneObject(ShapeKind.Circle, ShapeColor.All[4], 100, 100, 20, Horizontal.Right, Vertical.Bottom),
            new SceneObject(ShapeKind.Circle, ShapeColor.All[5], 30, 100, 20, Horizontal.Left, Vertical.Bottom),
        ], null);
        Assert.Equal(
            "An orange circle in the bottom left, a purple circle in the bottom right, a green square in the top right "
            + "and a yellow triangle in the top left.",
            SceneText.Caption(scene));
    }

    [Fact]
    public void The_json_answer_lists_every_object_in_caption_order_with_one_space_after_each_colon_and_comma()
    {
        var scene = new Scene(128, false,
        [
            new SceneObject(ShapeKind.Triangle, ShapeColor.All[3], 30, 30, 20, Horizontal.Left, Vertical.Top),
            new SceneObject(ShapeKind.Square, ShapeColor.All[1], 100, 30, 20, Horizontal.Right, Vertical.Top),
            new SceneObject(ShapeKind.Circle, ShapeColor.All[4], 100, 100, 20, Horizontal.Right, Vertical.Bottom),
            new SceneObject(ShapeKind.Circle, ShapeColor.All[5], 30, 100, 20, Horizontal.Left, Vertical.Bottom),
        ], new SceneWord("CAT", 64, 64, 20));
        Assert.Equal(
            """{"count": 4, "shapes": [{"color": "orange", "shape": "circle"}, {"color": "purple", "shape": "circle"}, """
            + """{"color": "green", "shape": "square"}, {"color": "yellow", "shape": "triangle"}]}""",
            SceneText.Json(scene));
        Assert.Equal("Describe the shapes as JSON.", SceneText.JsonPrompts[0]);
    }

    [Fact]
    public void Json_answers_parse_and_agree_with_the_scene()
    {
        var random = new Random(4);
        var sampler = new SceneSampler(128, wordProbability: 0.5);
        for (var i = 0; i < 100; i++)
        {
            var scene = sampler.Sample(random);
            var answer = SceneText.Json(scene);
            using var json = JsonDocument.Parse(answer);
            var root = json.RootElement;
            Assert.Equal(["count", "shapes"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(scene.Objects.Count, root.GetProperty("count").GetInt32());
            var entries = root.GetProperty("shapes").EnumerateArray()
                .Select(e => (Color: e.GetProperty("color").GetString()!, Shape: e.GetProperty("shape").GetString()!)).ToList();
            Assert.All(root.GetProperty("shapes").EnumerateArray(), e => Assert.Equal(["color", "shape"], e.EnumerateObject().Select(p => p.Name)));
            // One entry per object, in the caption's order (circles, squares, triangles; each top row first, left to right).
            var expected = scene.Objects.OrderBy(o => o.Shape).ThenBy(o => o.Row).ThenBy(o => o.Column)
                .Select(o => (Color: o.Color.Name, Shape: ShapeNames.Of(o.Shape))).ToList();
            Assert.Equal(expected, entries);
            var caption = SceneText.Caption(scene);
            var positions = entries.Select(e => caption.IndexOf($"{e.Color} {e.Shape}", StringComparison.Ordinal)).ToList();
            Assert.All(positions, p => Assert.True(p >= 0));
            Assert.Equal(positions.Order(), positions);
            // The word is not an entry, and the text is spaced as the structured-output grammar allows.
            if (scene.Word is { } word) Assert.DoesNotContain(word.Text, answer);
            Assert.DoesNotContain(":\"", answer);
            Assert.DoesNotContain(",\"", answer);
            Assert.DoesNotContain(",{", answer);
            Assert.DoesNotContain("  ", answer);
        }
    }

    [Fact]
    public void Every_eval_image_has_a_json_question_and_about_half_the_training_conversations_ask_it()
    {
        using var dir = new TempDirectory();
        var options = Small with { NumTrain = 40, ImageSize = 64 };
        ShapesDatasetWriter.Write(dir.Path, options);
        var eval = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_eval.json")))!;
        var evalJson = eval.Where(r => r.QuestionType == "json").ToList();
        Assert.Equal(options.NumEval, evalJson.Count);
        Assert.Equal(options.NumEval, evalJson.Select(r => r.Image).Distinct().Count());
        Assert.All(evalJson, r => Assert.Contains(r.Conversations[0].Value["<image>\n".Length..], SceneText.JsonPrompts));
        // The json answer's count is the count question's answer about the same image.
        Assert.All(evalJson, r => Assert.Equal(
            eval.Single(c => c.Image == r.Image && c.QuestionType == "count").Conversations[1].Value,
            JsonDocument.Parse(r.Conversations[1].Value).RootElement.GetProperty("count").GetInt32().ToString()));

        var train = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_train.json")))!;
        var withJson = train.Count(r => r.Conversations.Any(t => SceneText.JsonPrompts.Any(p => t.Value.EndsWith(p, StringComparison.Ordinal))));
        Assert.InRange(withJson, 10, 30);
        Assert.All(train.SelectMany(r => r.Conversations).Where(t => t.From == LlavaTurn.Gpt && t.Value.StartsWith('{')),
            t => JsonDocument.Parse(t.Value).Dispose());
    }

    [Fact]
    public void The_json_question_leaves_the_scenes_and_the_other_questions_as_they_were()
    {
        // Its randomness has its own stream, so the held-out split (and the shipped model's training data) keeps its images
        // and questions: eval image 0 is still the model README's example.png.
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, new ShapesDatasetOptions(1234, NumTrain: 0, NumEval: 1, ImageSize: 160, WordScale: 0.18));
        Assert.Equal(File.ReadAllBytes(Repository.Path("models", "florence-vl-shapes", "example.png")),
            File.ReadAllBytes(dir.Combine(ShapesDatasetWriter.ImageFolder, "eval_00000.png")));
        var eval = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_eval.json")))!;
        Assert.Equal("4", eval.Single(r => r.QuestionType == "count").Conversations[1].Value);
        Assert.Equal("STONE", eval.Single(r => r.QuestionType == "word").Conversations[1].Value);
    }
}
