namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// Renders a <see cref="ConversationFormat"/> to ids the way LLaVA's tokenizer_image_token does: the prompt is cut
/// at each image and every chunk between images is tokenized on its own (so SentencePiece gives each chunk its
/// dummy prefix); each image keeps one placeholder position.
/// </summary>
internal sealed class MptChatTemplate : IChatTemplate
{
    private readonly ConversationFormat _format;
    private readonly ITextTokenizer _tokenizer;
    private readonly int? _leadingBosId;

    public MptChatTemplate(ConversationFormat format, ITextTokenizer tokenizer)
    {
        _format = format;
        _tokenizer = tokenizer;
        foreach (var token in format.RequiredTokens) RequireSingleToken(token);
        _leadingBosId = format.LeadingBosToken is null ? null : RequireSingleToken(format.LeadingBosToken);
        var eos = tokenizer.EosTokenId ?? tokenizer.TokenToId(format.EosFallbackToken);
        // Llama 3.1 ends a turn that expects a tool result with <|eom_id|>: it stops generation like <|eot_id|>.
        var endOfMessage = format.Tools == ToolDialect.Llama31Json ? OptionalSingleToken(ConversationFormat.LlamaEndOfMessage) : null;
        StopTokenIds = new[] { RequireSingleToken(format.Separator), eos, endOfMessage }.OfType<int>().Distinct().ToList();
        ToolCallFormat = ConversationLayout.CallFormat(format.Tools,
            format.Tools == ToolDialect.Llama31Json ? OptionalSingleToken(ConversationFormat.LlamaPythonTag) : null);
    }

    public ToolCallFormat ToolCallFormat { get; }

    public string ModelType => _format.ModelType;

    public string DefaultSystemPrompt => _format.DefaultSystemPrompt;

    public IReadOnlyList<int> StopTokenIds { get; }

    public string RenderText(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, IReadOnlyList<ToolSpec>? tools = null) =>
        string.Concat(ConversationLayout.Build(_format, messages, addGenerationPrompt, tools).Select(piece => piece switch
        {
            TemplateText text => text.Text,
            _ => ConversationFormat.ImageText,
        }));

    public PromptTokens RenderPrompt(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, IReadOnlyList<ToolSpec>? tools = null) =>
        Tokenize(ConversationLayout.Build(_format, messages, addGenerationPrompt, tools)).Tokens;

    public TrainingTokens RenderTraining(IReadOnlyList<ChatMessage> messages)
    {
        ConversationValidator.ValidateForTraining(messages);
        return Tokenize(ConversationLayout.Build(_format, messages, addGenerationPrompt: false));
    }

    private TrainingTokens Tokenize(IReadOnlyList<TemplatePiece> pieces)
    {
        var ids = new List<int>();
        var isLoss = new List<bool>();
        var markers = new List<ImageMarker>();
        if (_leadingBosId is int bos) Add([bos], loss: false);
        var atChunkStart = true;
        foreach (var piece in MergeTextRuns(pieces))
        {
            if (piece is TemplateImage image)
            {
                markers.Add(new ImageMarker(ids.Count, image.ImageIndex));
                Add([ImageExpansion.VisualFillId], loss: false);
                atChunkStart = true;
                continue;
            }
            var text = (TemplateText)piece;
            Add(atChunkStart ? _tokenizer.Encode(text.Text) : _tokenizer.EncodeContinuation(text.Text), text.IsLoss);
            atChunkStart = false;
        }
        return new TrainingTokens(new PromptTokens(ids, markers), isLoss);

        void Add(IReadOnlyList<int> tokens, bool loss)
        {
            ids.AddRange(tokens);
            isLoss.AddRange(Enumerable.Repeat(loss, tokens.Count));
        }
    }

    /// <summary>Joins neighbouring text with the same loss flag, so inference tokenizes each chunk in one call.</summary>
    private static IEnumerable<TemplatePiece> MergeTextRuns(IReadOnlyList<TemplatePiece> pieces)
    {
        TemplateText? run = null;
        foreach (var piece in pieces)
        {
            if (piece is TemplateText text && run is not null && run.IsLoss == text.IsLoss)
            {
                run = run with { Text = run.Text + text.Text };
                continue;
            }
            if (run is not null) yield return run;
            run = piece as TemplateText;
            if (run is null) yield return piece;
        }
        if (run is not null) yield return run;
    }

    /// <summary>The id of a token some checkpoints of the family declare (Llama 3.1 has &lt;|python_tag|&gt;, 3.0 not).</summary>
    private int? OptionalSingleToken(string token) =>
        _tokenizer.TokenToId(token) is int id && _tokenizer.Encode(token) is [var encoded] && encoded == id ? id : null;

    private int RequireSingleToken(string token)
    {
        var id = _tokenizer.TokenToId(token);
        if (id is null || _tokenizer.Encode(token) is not [var encoded] || encoded != id)
            throw new ChatTemplateException(
                $"The {_format.ModelType} chat template needs '{token}' as one added token, but the tokenizer does not declare it.");
        return id.Value;
    }
}
