using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Weights;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Commands;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Stages;

// The training host: `dotnet run --project Training -- <command> ...`. One line per command; each command parses its own options.
var commands = new Dictionary<string, Func<CommandArguments, int>>(StringComparer.Ordinal)
{
    ["make-dataset"] = MakeDatasetCommand.Run,
    ["init"] = InitCommand.Run,
    ["train"] = TrainCommand.Run,
    ["eval"] = EvalCommand.Run,
    ["precompute-features"] = PrecomputeFeaturesCommand.Run,
    ["probe-tower"] = ProbeTowerCommand.Run,
    ["pretrain-tower"] = PretrainTowerCommand.Run,
};
string[] usage = [MakeDatasetCommand.Usage, InitCommand.Usage, TrainCommand.Usage, EvalCommand.Usage, PrecomputeFeaturesCommand.Usage, ProbeTowerCommand.Usage, PretrainTowerCommand.Usage];

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage:\n  " + string.Join("\n  ", usage));
    return 2;
}
try
{
    return command(new CommandArguments(args.Skip(1)));
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}\nusage:\n  " + string.Join("\n  ", usage));
    return 2;
}
// Problems with what the user handed over (stage file, dataset, checkpoint folder) are reported, not thrown at them.
catch (Exception e) when (e is StageFileException or BadRecordException or CheckpointException or ModelConfigException
                              or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
