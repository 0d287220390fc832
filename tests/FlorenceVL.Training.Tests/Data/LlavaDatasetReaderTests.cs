using System.Text.Json;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Data;

public sealed class LlavaDatasetReaderTests : IDisposable
{
    private const int VisualTokens = 9;
    private readonly TempDirectory _dir = new();
    private readonly ITextTokenizer _tokenizer;
    private readonly ExampleEncoder _encoder;

    public LlavaDatasetReaderTests()
    {
        _tokenizer = TinyTokenizer.Create(_dir.Combine("tokenizer"));
        _encoder = new ExampleEncoder(ChatTemplates.ForModelType("llava_phi", _tokenizer), VisualTokens, maxLength: 256);
        Directory.CreateDirectory(_dir.Combine("images"));
        File.WriteAllBytes(_dir.Combine("images", "a.png"), [1, 2, 3]);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Only_assistant_tokens_and_their_end_token_carry_loss()
    {
        var example = Load(Record("r1", "a.png", "<image>\nWhat colour is the circle?", "red")).Examples.Single();
        var lossIds = example.Ids.Where((_, i) => example.IsLossToken[i]).ToList();
        Assert.Equal("red<|end|>", _tokenizer.Decode(lossIds));
        var lastLoss = example.IsLossToken.ToList().LastIndexOf(true);
        Assert.Equal(example.Length - 1, lastLoss);
    }

    [Fact]
    public void The_prompt_is_the_serving_template_with_the_image_expanded()
    {
        var example = Load(Record("r1", "a.png", "<image>\nWhat colour is the circle?", "red")).Examples.Single();
        var template = ChatTemplates.ForModelType("llava_phi", _tokenizer);
        var serving = template.RenderPrompt([new ChatMessage(ChatRole.User, [new ImagePart(0), new TextPart("What colour is the circle?")])])
            .ExpandImages(VisualTokens);
        Assert.Equal(serving.Ids, example.Ids.Take(serving.Ids.Count));
        Assert.Equal(serving.Images, example.Images);
        Assert.All(Enumerable.Range(0, serving.Ids.Count), i => Assert.False(example.IsLossToken[i]));
    }

    [Fact]
    public void Every_assistant_turn_of_a_multi_turn_conversation_is_learned()
    {
        var record = new LlavaRecord("multi", "a.png",
        [
            new(LlavaTurn.Human, "<image>\nHow many shapes are there?"), new(LlavaTurn.Gpt, "2"),
            new(LlavaTurn.Human, "What colour is the circle?"), new(LlavaTurn.Gpt, "red"),
        ]);
        var example = Load(record).Examples.Single();
        Assert.Equal("2<|end|>red<|end|>", _tokenizer.Decode(example.Ids.Where((_, i) => example.IsLossToken[i])));
    }

    [Fact]
    public void A_missing_image_names_the_record()
    {
        var error = Assert.Throws<BadRecordException>(() => Load(Record("good", "a.png", "<image>\nQ?", "A"), Record("lost", "nowhere.png", "<image>\nQ?", "A")));
        Assert.Equal("lost", error.RecordId);
        Assert.Equal(1, error.Index);
        Assert.Contains("nowhere.png", error.Message);
        Assert.Contains("'lost'", error.Message);
    }

    [Theory]
    [InlineData("gpt-first")]
    [InlineData("no-placeholder")]
    [InlineData("two-placeholders")]
    [InlineData("ends-with-human")]
    public void A_malformed_conversation_is_a_bad_record(string id)
    {
        var record = id switch
        {
            "gpt-first" => new LlavaRecord(id, "a.png", [new(LlavaTurn.Gpt, "<image>\nQ"), new(LlavaTurn.Human, "A")]),
            "no-placeholder" => Record(id, "a.png", "Q?", "A"),
            "two-placeholders" => Record(id, "a.png", "<image>\n<image>\nQ?", "A"),
            _ => new LlavaRecord(id, "a.png", [new(LlavaTurn.Human, "<image>\nQ"), new(LlavaTurn.Gpt, "A"), new(LlavaTurn.Human, "Q2")]),
        };
        var error = Assert.Throws<BadRecordException>(() => Load(record));
        Assert.Equal(id, error.RecordId);
    }

    [Fact]
    public void An_entry_that_is_not_a_record_is_reported_with_its_position()
    {
        var path = _dir.Combine("bad.json");
        File.WriteAllText(path, """[{"id": "x", "image": "a.png", "conversations": [{"from": "human", "value": "<image>\nQ"}, {"from": "gpt", "value": "A"}]}, {"id": "broken", "conversations": 5}]""");
        var error = Assert.Throws<BadRecordException>(() => LlavaDatasetReader.Load(new DatasetSource(path, _dir.Combine("images")), _encoder, skipBad: false));
        Assert.Equal(1, error.Index);
        Assert.Equal("broken", error.RecordId);
    }

    [Fact]
    public void Skip_bad_counts_bad_records_and_keeps_the_good_ones()
    {
        var loaded = Load(skipBad: true,
            Record("good", "a.png", "<image>\nQ?", "A"),
            Record("lost", "nowhere.png", "<image>\nQ?", "A"),
            Record("no-placeholder", "a.png", "Q?", "A"),
            Record("good-too", "a.png", "<image>\nQ?", "B"));
        Assert.Equal(["good", "good-too"], loaded.Examples.Select(e => e.Id));
        Assert.Equal(["lost", "no-placeholder"], loaded.Skipped.Select(e => e.RecordId));
    }

    [Fact]
    public void A_record_longer_than_the_maximum_is_a_bad_record()
    {
        var encoder = new ExampleEncoder(ChatTemplates.ForModelType("llava_phi", _tokenizer), VisualTokens, maxLength: 20);
        var path = WriteJson(Record("long", "a.png", "<image>\nWhat colour is the circle?", "red"));
        var error = Assert.Throws<BadRecordException>(() => LlavaDatasetReader.Load(new DatasetSource(path, _dir.Combine("images")), encoder, skipBad: false));
        Assert.Contains("maximum length 20", error.Message);
    }

    private LoadedDataset Load(params LlavaRecord[] records) => Load(false, records);

    private LoadedDataset Load(bool skipBad, params LlavaRecord[] records) =>
        LlavaDatasetReader.Load(new DatasetSource(WriteJson(records), _dir.Combine("images")), _encoder, skipBad);

    private string WriteJson(params LlavaRecord[] records)
    {
        var path = _dir.Combine($"data-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(records));
        return path;
    }

    private static LlavaRecord Record(string id, string image, string question, string answer) =>
        new(id, image, [new(LlavaTurn.Human, question), new(LlavaTurn.Gpt, answer)]);
}
