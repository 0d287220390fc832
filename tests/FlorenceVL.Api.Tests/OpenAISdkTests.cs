// Seed is marked experimental in the SDK (OPENAI001); it is a stable part of the wire API.
#pragma warning disable OPENAI001
using System.ClientModel;
using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;
using OpenAI.Chat;

namespace FlorenceVL.Api.Tests;

/// <summary>The official OpenAI .NET SDK against the in-process server with the real engine and test model.</summary>
public sealed class OpenAISdkTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly ChatCompletionOptions Greedy = new() { Temperature = 0, MaxOutputTokenCount = 8 };

    [Fact]
    public async Task A_text_conversation_gets_an_OpenAI_completion_with_usage_and_fingerprint()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Describe a sunny day.")], Greedy);

        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal(ApiFactory.Model, completion.Model);
        Assert.StartsWith("fp_", completion.SystemFingerprint);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 8);
        Assert.True(completion.Usage.InputTokenCount > 5);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.InRange(completion.Usage.InputTokenDetails.CachedTokenCount, 0, completion.Usage.InputTokenCount);
    }

    [Fact]
    public async Task One_image_adds_its_visual_tokens_to_the_prompt()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var textOnly = await chat.CompleteChatAsync([new UserChatMessage("What is shown?")], Greedy);

        var withImage = await chat.CompleteChatAsync([new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("What is shown?"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TestImages.Png(1)), "image/png"))], Greedy);

        Assert.Equal(25, ImageTokens(withImage));
        Assert.True(withImage.Value.Usage.InputTokenCount >= textOnly.Value.Usage.InputTokenCount + 25);
        Assert.True(withImage.Value.Usage.OutputTokenCount >= 1);
    }

    [Fact]
    public async Task Two_images_of_different_formats_are_both_encoded()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        var completion = await chat.CompleteChatAsync([new UserChatMessage(
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TestImages.Png(2)), "image/png", ChatImageDetailLevel.Low),
            ChatMessageContentPart.CreateTextPart("Compare these."),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TestImages.Jpeg(3)), "image/jpeg", ChatImageDetailLevel.High))], Greedy);

        // High: the native 160 px, a 5x5 grid. Low: half that, rounded to the tower's 32-px stride, 96 px, a 3x3 grid.
        Assert.Equal(25 + 9, ImageTokens(completion));
    }

    [Fact]
    public async Task A_system_prompt_and_earlier_turns_reach_the_prompt()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var single = await chat.CompleteChatAsync([new UserChatMessage("And then?")], Greedy);

        // Longer than the template's default system prompt, which a conversation without one gets.
        const string system = "You are a terse assistant who answers every question in at most three plain words.";
        var withSystem = await chat.CompleteChatAsync([new SystemChatMessage(system), new UserChatMessage("And then?")], Greedy);
        var multiTurn = await chat.CompleteChatAsync([
            new SystemChatMessage(system),
            new UserChatMessage("Name a colour."),
            new AssistantChatMessage("Blue."),
            new UserChatMessage("And then?")], Greedy);

        var withDeveloper = await chat.CompleteChatAsync([new DeveloperChatMessage(system), new UserChatMessage("And then?")], Greedy);

        Assert.True(withSystem.Value.Usage.InputTokenCount > single.Value.Usage.InputTokenCount);
        Assert.Equal(withSystem.Value.Usage.InputTokenCount, withDeveloper.Value.Usage.InputTokenCount);
        Assert.True(multiTurn.Value.Usage.InputTokenCount > withSystem.Value.Usage.InputTokenCount);
        Assert.True(multiTurn.Value.Usage.OutputTokenCount >= 1);
    }

    [Fact]
    public async Task Streaming_yields_the_same_text_as_the_whole_response_and_ends_with_usage()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var messages = new ChatMessage[] { new UserChatMessage("Tell me a story."), };
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 10 };
        var whole = await chat.CompleteChatAsync(messages, options);

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options))
        {
            updates++;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.True(updates >= 3, $"expected a role chunk, content and a finish chunk; got {updates} updates");
        Assert.Equal(whole.Value.Content[0].Text, text.ToString());
        Assert.Equal(whole.Value.FinishReason, finish);
        Assert.NotNull(usage);
        Assert.Equal(whole.Value.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.Equal(whole.Value.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task Max_tokens_ends_the_completion_with_length()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        var completion = await chat.CompleteChatAsync([new UserChatMessage("Write a long essay.")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 3 });

        Assert.Equal(ChatFinishReason.Length, completion.Value.FinishReason);
        Assert.Equal(3, completion.Value.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task A_stop_sequence_cuts_the_text_before_it_and_finishes_with_stop()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var messages = new ChatMessage[] { new UserChatMessage("Spell the alphabet.") };
        var free = (await chat.CompleteChatAsync(messages, new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 })).Value.Content[0].Text;
        var stop = StopCandidate(free);

        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 };
        options.StopSequences.Add(stop);
        var stopped = await chat.CompleteChatAsync(messages, options);

        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], stopped.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.Value.FinishReason);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_sampled_text_and_other_seeds_differ()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        async Task<string> SampleAsync(long seed) => (await chat.CompleteChatAsync([new UserChatMessage("Invent a word.")],
            new ChatCompletionOptions { Temperature = 1, MaxOutputTokenCount = 12, Seed = seed })).Value.Content[0].Text;

        var first = await SampleAsync(42);
        var again = await SampleAsync(42);
        var others = new[] { await SampleAsync(1), await SampleAsync(2), await SampleAsync(3) };

        Assert.Equal(first, again);
        Assert.True(others.Append(first).Distinct().Count() > 1, "four seeds gave identical samples");
    }

    [Fact]
    public async Task N_of_two_returns_two_indexed_choices_and_counts_both_in_usage()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var options = new ChatCompletionOptions { Temperature = 1, MaxOutputTokenCount = 6, Seed = 7 };
#pragma warning disable SCME0001 // JsonPatch is how the SDK sends fields it does not model, like n.
        options.Patch.Set("$.n"u8, 2);
#pragma warning restore SCME0001

        var result = await chat.CompleteChatAsync([new UserChatMessage("Pick a number.")], options);

        using var body = JsonDocument.Parse(result.GetRawResponse().Content);
        var choices = body.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        var completionTokens = choices.Sum(c => c.GetProperty("finish_reason").GetString() == "length" ? 6 : 0);
        Assert.True(body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= completionTokens);
        Assert.All(choices, c => Assert.Equal("assistant", c.GetProperty("message").GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Logprobs_list_every_generated_token_with_its_top_alternatives()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        var completion = await chat.CompleteChatAsync([new UserChatMessage("Hello there.")],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 5, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 });

        var logprobs = completion.Value.ContentTokenLogProbabilities;
        Assert.Equal(completion.Value.Usage.OutputTokenCount, logprobs.Count);
        Assert.All(logprobs, token =>
        {
            Assert.Equal(3, token.TopLogProbabilities.Count);
            Assert.True(token.LogProbability <= 0);
            // Greedy picks the most likely token, so it is the first alternative.
            Assert.Equal(token.TopLogProbabilities[0].LogProbability, token.LogProbability, 4);
        });
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_model_not_found()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync(), model: "gpt-4o");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("Hi")], Greedy));

        Assert.Equal(404, error.Status);
        Assert.Contains("gpt-4o", error.Message);
        Assert.Contains("model_not_found", error.Message);
    }

    [Fact]
    public async Task The_model_list_and_model_lookup_describe_the_served_model()
    {
        var models = OpenAIClients.Client(await factory.ReadyClientAsync()).GetOpenAIModelClient();

        var list = await models.GetModelsAsync();
        var one = await models.GetModelAsync(ApiFactory.Model);
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("no-such-model"));

        Assert.Equal([ApiFactory.Model], list.Value.Select(m => m.Id));
        Assert.Equal("florencevl", one.Value.OwnedBy);
        Assert.Equal(404, missing.Status);
    }

    private static int ImageTokens(ClientResult<ChatCompletion> completion)
    {
        using var body = JsonDocument.Parse(completion.GetRawResponse().Content);
        return body.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("image_tokens").GetInt32();
    }

    /// <summary>An ASCII letter or digit that first appears after the start of the text (random weights choose the text).</summary>
    private static string StopCandidate(string text)
    {
        for (var i = 1; i < text.Length; i++)
            if (char.IsAsciiLetterOrDigit(text[i]) && text.IndexOf(text[i]) == i)
                return text[i].ToString();
        throw new InvalidOperationException($"No usable stop character in the greedy text '{text}'.");
    }
}
