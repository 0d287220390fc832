// The training host: `dotnet run --project Training -- <command> ...`.
Console.Error.WriteLine("usage: train <stage-file> | make-dataset shapes <folder> | eval <checkpoint> <dataset>");
return 2;
