using FlorenceVL.Training.Stages;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Stages;

/// <summary>
/// The committed stage files of scripts/train-default-model.sh load, chain (each stage starts from the previous one's
/// final checkpoint and reads the dataset make-dataset wrote) and train what the model README says, so a typo in one
/// fails here rather than 15 minutes into a run.
/// </summary>
public class DefaultModelStageFilesTests
{
    private static StageConfig Stage(int number) =>
        StageFile.Load(Repository.Path("Training", "StageFiles", $"shapes-stage{number}.json"));

    private static string Work(params string[] parts) => Repository.Path(["artifacts", "shapes", .. parts]);

    [Fact]
    public void The_four_stages_chain_from_the_pretrained_tower_to_the_model_the_script_copies()
    {
        var (stage1, stage2, stage3, stage4) = (Stage(1), Stage(2), Stage(3), Stage(4));
        var script = File.ReadAllText(Repository.Path("scripts", "train-default-model.sh"));

        // init, then pretrain-tower writes the model stage 1 starts from.
        Assert.Contains("train pretrain-tower \"$work/init\" --out \"$work/tower\"", script);
        Assert.Equal(Work("tower"), stage1.ModelDirectory);
        Assert.Equal(Path.Combine(stage1.Output.Directory, "final"), stage2.ModelDirectory);
        Assert.Equal(Path.Combine(stage2.Output.Directory, "final"), stage3.ModelDirectory);
        Assert.Equal(Path.Combine(stage3.Output.Directory, "final"), stage4.ModelDirectory);
        Assert.Equal(Work("stage4"), stage4.Output.Directory);
        Assert.Equal(Work("data", "stage1_train.json"), stage1.Train.JsonPath);
        Assert.All(new[] { stage2, stage3, stage4 }, s => Assert.Equal(Work("data", "stage2_train.json"), s.Train.JsonPath));
        Assert.All(new[] { stage1, stage2, stage3, stage4 }, s => Assert.Equal(Work("data", "images"), s.Train.ImageFolder));
        // The script evaluates and copies the last stage's final checkpoint.
        Assert.Contains("train eval \"$work/stage4/final\"", script);
        Assert.Contains("cp \"$work/stage4/final/model.safetensors\"", script);
    }

    [Fact]
    public void Stage_1_trains_everything_stages_2_and_4_freeze_the_tower_stage_3_trains_it_slower_than_the_llm()
    {
        var (stage1, stage2, stage3, stage4) = (Stage(1), Stage(2), Stage(3), Stage(4));

        Assert.Equal(ModelParts.All.Order(), stage1.TrainableParts.Order());
        Assert.False(stage2.Trains(ModelPart.VisionTower));
        var rates = stage3.Optimization.LearningRates;
        Assert.True(rates[ModelPart.VisionTower] < rates[ModelPart.Llm], "the tower must train slower than the LLM in stage 3");
        // Stage 4 (the json answers) keeps the tower stage 3 trained for the word, and is short.
        Assert.False(stage4.Trains(ModelPart.VisionTower));
        Assert.True(stage4.Trains(ModelPart.Llm) && stage4.Trains(ModelPart.Projector));
        Assert.True(stage4.Optimization.MaxSteps < stage3.Optimization.MaxSteps);
        Assert.Equal("bfloat16", stage4.Output.SaveDType);                     // the committed model is bf16 (20 MB budget)
    }

    [Fact]
    public void The_script_generates_the_eval_split_the_model_test_regenerates()
    {
        // ShapesModelTests regenerates the held-out images from these settings; if the script's drifted, that test would
        // score the model on images unlike its training data.
        var script = File.ReadAllLines(Repository.Path("scripts", "train-default-model.sh"));
        var makeDataset = Assert.Single(script, line => line.Contains(" make-dataset shapes ", StringComparison.Ordinal));
        Assert.Contains("--seed 1234 ", makeDataset);
        Assert.Contains("--size 160 ", makeDataset);
        Assert.EndsWith("--word-scale 0.18", makeDataset.TrimEnd());
    }

    [Fact]
    public void The_script_trains_on_the_varied_data_writes_the_out_of_distribution_split_and_evaluates_both_splits()
    {
        var script = File.ReadAllLines(Repository.Path("scripts", "train-default-model.sh"));
        var makeDataset = Assert.Single(script, line => line.Contains(" make-dataset shapes ", StringComparison.Ordinal));
        Assert.Contains("--ood 300 ", makeDataset);
        Assert.Contains("--varied ", makeDataset);                            // issue 18: the classic scenes alone taught memorising
        var eval = Assert.Single(script, line => line.Contains(" train eval ", StringComparison.Ordinal));
        Assert.Contains("\"$work/data/stage2_eval.json,$work/data/stage2_eval_ood.json\"", eval);
        Assert.Contains(" --gate ", eval + " ");                              // a candidate that misses a gate is not shipped
        var copy = Array.FindIndex(script, line => line.StartsWith("cp ", StringComparison.Ordinal));
        Assert.True(Array.IndexOf(script, eval) < copy, "the gate runs before the copy into models/");
    }
}
