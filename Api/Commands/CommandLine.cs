namespace FlorenceVL.Api.Commands;

/// <summary>Sub-commands run instead of the server when the first argument names one.</summary>
internal static class CommandLine
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0) return false;
        switch (args[0])
        {
            case "parity":
                exitCode = ParityCommand.Run(args[1..], Console.Out);
                return true;
            case "inspect":
                exitCode = InspectCommand.Run(args[1..], Console.Out);
                return true;
            case "random-checkpoint":
                exitCode = RandomCheckpointCommand.Run(args[1..], Console.Out);
                return true;
            case "bench":
                exitCode = BenchCommand.Run(args[1..], Console.Out);
                return true;
            case "bench-feature-store":
                exitCode = FeatureStoreBenchCommand.Run(args[1..], Console.Out);
                return true;
            default:
                return false;
        }
    }
}
