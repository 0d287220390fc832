using System.Text.Json;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Datasets;

public class ShapesDatasetTests
{
    private static readonly ShapesDatasetOptions Small = new(Seed: 7, NumTrain: 12, NumEval: 4, ImageSize: 96);

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
    public void Records_are_llava_conversations_with_the_image_first_and_a_known_question_type()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Path, Small);
        var records = JsonSerializer.Deserialize<List<LlavaRecord>>(File.ReadAllText(dir.Combine("stage2_train.json")))!;
        Assert.All(records, r =>
        {
            Assert.True(File.Exists(dir.Combine(ShapesDatasetWriter.ImageFolder, r.Image!)));
            Assert.Equal([LlavaTurn.Human, LlavaTurn.Gpt], r.Conversations.Select(t => t.From));
            Assert.StartsWith("<image>\n", r.Conversations[0].Value);
            Assert.Contains(r.QuestionType, new[] { "color", "shape", "count", "left_right", "top_bottom", "word" });
        });
        Assert.Contains(records, r => r.QuestionType == "word");
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
}
