namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// One LLaVA "MPT" separator-style conversation: system block, then per turn role header + content + separator.
/// The strings are those of Florence-VL's llava/conversation.py (conv_phi3_instruct, conv_llama3).
/// </summary>
internal sealed record ConversationFormat(
    string ModelType,
    string SystemPrefix,
    string DefaultSystemPrompt,
    string UserHeader,
    string AssistantHeader,
    string Separator,
    string EosFallbackToken,
    string? LeadingBosToken,
    IReadOnlyList<string> RequiredTokens)
{
    /// <summary>The text that stands for an image in <see cref="IChatTemplate.RenderText"/>, as in LLaVA.</summary>
    public const string ImageText = "<image>";

    public static readonly ConversationFormat Phi3 = new(
        ModelType: "llava_phi",
        SystemPrefix: "<|system|>\n",
        DefaultSystemPrompt: "You are a helpful AI assistant.",
        UserHeader: "\n<|user|>\n",
        AssistantHeader: "\n<|assistant|>\n",
        Separator: "<|end|>",
        EosFallbackToken: "<|endoftext|>",
        // Phi-3.5's tokenizer does not add BOS (add_bos_token false), so training saw none.
        LeadingBosToken: null,
        RequiredTokens: ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]);

    public static readonly ConversationFormat Llama3 = new(
        ModelType: "llava_llama",
        SystemPrefix: "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n",
        DefaultSystemPrompt: "A chat between a curious user and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the user's questions.",
        UserHeader: "<|start_header_id|>user<|end_header_id|>\n\n",
        AssistantHeader: "<|start_header_id|>assistant<|end_header_id|>\n\n",
        Separator: "<|eot_id|>",
        EosFallbackToken: "<|end_of_text|>",
        // Training tokenized the system string (which already starts with <|begin_of_text|>) with a tokenizer that
        // adds BOS itself, and LLaVA keeps that BOS: the 8B model saw two leading BOS ids. Decision kept here.
        LeadingBosToken: "<|begin_of_text|>",
        RequiredTokens: ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]);
}
