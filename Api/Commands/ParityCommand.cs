namespace FlorenceVL.Api.Commands;

/// <summary>`parity &lt;folder&gt;`: compares a checkpoint's forward pass with the reference tensors in expected.safetensors.</summary>
internal static class ParityCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length != 1)
        {
            output.WriteLine("usage: parity <checkpoint folder with expected.safetensors>");
            return 2;
        }
        output.WriteLine("parity: not yet wired to the model");
        return 1;
    }
}
