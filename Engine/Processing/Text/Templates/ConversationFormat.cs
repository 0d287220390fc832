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
    IReadOnlyList<string> RequiredTokens,
    ToolDialect Tools)
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
        RequiredTokens: ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"],
        Tools: ToolDialect.PhiJsonArray);

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
        RequiredTokens: ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        Tools: ToolDialect.Llama31Json);

    /// <summary>Llama 3.1's tool-result turn header (Meta's chat template calls the tool role "ipython").</summary>
    public const string LlamaToolHeader = "<|start_header_id|>ipython<|end_header_id|>\n\n";

    /// <summary>Llama 3.1 marks a conversation with tools by this line at the top of its system block.</summary>
    public const string LlamaToolEnvironment = "Environment: ipython\n";

    /// <summary>Llama 3.1's optional call opener and its "end of message, a tool result follows" token.</summary>
    public const string LlamaPythonTag = "<|python_tag|>";

    public const string LlamaEndOfMessage = "<|eom_id|>";
}

/// <summary>How a family sees tools: see <see cref="ToolCallFormat"/> and <see cref="ToolPrompts"/>.</summary>
internal enum ToolDialect
{
    /// <summary>Ours for Phi-3.5: definitions in the system block, calls as a JSON array, results as user turns.</summary>
    PhiJsonArray,

    /// <summary>Meta's Llama 3.1: definitions before the first user text, one JSON call object, "ipython" result turns.</summary>
    Llama31Json,
}
