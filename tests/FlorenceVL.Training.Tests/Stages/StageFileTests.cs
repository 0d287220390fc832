using FlorenceVL.Training.Stages;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Stages;

public class StageFileTests
{
    [Fact]
    public void Pretraining_trains_the_whole_model_by_default_as_the_paper_does()
    {
        var config = Load("""{ "stage": "pretraining", "model": "m", "output": "o", "train": { "json": "d.json", "images": "img" } }""");
        Assert.Equal(ModelParts.All.Order(), config.TrainableParts.Order());
        Assert.All(config.Optimization.LearningRates.Values, r => Assert.Equal(1e-5, r));
        Assert.Equal(0.03, config.Optimization.WarmupRatio);
        Assert.Equal(0.0, config.Optimization.WeightDecay);
    }

    [Fact]
    public void Instruction_tuning_freezes_the_vision_tower_by_default()
    {
        var config = Load("""{ "stage": "instruction_tuning", "model": "m", "output": "o", "train": { "json": "d.json", "images": "img" } }""");
        Assert.False(config.Trains(ModelPart.VisionTower));
        Assert.True(config.Trains(ModelPart.Projector) && config.Trains(ModelPart.Llm));
        Assert.Equal(9e-5, config.Optimization.LearningRates[ModelPart.Llm]);
    }

    [Fact]
    public void Learning_rates_are_set_per_part_and_paths_are_relative_to_the_file()
    {
        using var dir = new TempDirectory();
        var config = Load("""
            { "stage": "pretraining", "model": "m", "output": "o", "train": { "json": "d.json", "images": "img" },
              "trainable": ["projector", "llm"], "learning_rate": 1e-3, "learning_rates": { "projector": 2e-3 } }
            """, dir);
        Assert.Equal(2e-3, config.Optimization.LearningRates[ModelPart.Projector]);
        Assert.Equal(1e-3, config.Optimization.LearningRates[ModelPart.Llm]);
        Assert.False(config.Trains(ModelPart.VisionTower));
        Assert.Equal(dir.Combine("d.json"), config.Train.JsonPath);
    }

    [Fact]
    public void Batches_group_by_length_unless_the_stage_file_turns_it_off()
    {
        const string Base = """{ "stage": "pretraining", "model": "m", "output": "o", "train": { "json": "d.json", "images": "img" } """;
        Assert.True(Load(Base + "}").Optimization.GroupByLength);
        Assert.False(Load(Base + """, "group_by_length": false }""").Optimization.GroupByLength);
    }

    [Theory]
    [InlineData("""{ "stage": "pretraining", "output": "o", "train": { "json": "d", "images": "i" } }""", "\"model\" is required")]
    [InlineData("""{ "stage": "finetune", "model": "m", "output": "o", "train": { "json": "d", "images": "i" } }""", "\"stage\" must be")]
    [InlineData("""{ "stage": "pretraining", "model": "m", "output": "o", "train": { "json": "d", "images": "i" }, "trainable": ["llm"], "learning_rates": { "projector": 1 } }""", "projector")]
    [InlineData("""{ "stage": "pretraining", "model": "m", "output": "o", "train": { "json": "d", "images": "i" }, "lr": 1 }""", "lr")]
    [InlineData("""{ "stage": "pretraining", "model": "m", "output": "o", "train": { "json": "d", "images": "i" }, "dtype": "float16" }""", "dtype")]
    public void A_bad_stage_file_is_refused_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<StageFileException>(() => Load(json));
        Assert.Contains(expected, error.Message);
    }

    private static StageConfig Load(string json, TempDirectory? dir = null)
    {
        using var own = dir is null ? new TempDirectory() : null;
        var path = Path.Combine((dir ?? own)!.Path, "stage.json");
        File.WriteAllText(path, json);
        return StageFile.Load(path);
    }
}
