using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Tokenization;

namespace FlorenceVL.Training.Tests.Support;

/// <summary>A real byte-level BPE trained on a few sentences, written as tokenizer files and loaded by the Engine.</summary>
public static class TinyTokenizer
{
    public static IReadOnlyList<string> SpecialTokens { get; } = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"];

    public static ITextTokenizer Create(string directory, IEnumerable<string>? corpus = null)
    {
        var text = corpus ?? ["You are a helpful AI assistant.", "What colour is the circle?", "red", "A red circle on the left."];
        var model = BpeTrainer.Train(text, maxMerges: 200);
        TokenizerFilesWriter.Write(directory, model, SpecialTokens, "<|endoftext|>");
        return TokenizerLoader.FromModelDirectory(directory);
    }
}
