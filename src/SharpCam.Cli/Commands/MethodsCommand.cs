using SharpCam.Cam;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam methods`: the CAM methods by name, with what each does.</summary>
public sealed class MethodsCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellation)
    {
        var table = new Table().AddColumns("method", "uses --layer", "what it does");
        foreach (var method in CamMethods.All)
            table.AddRow(new Text(method.Name), new Text(method.UsesTargetLayers ? "yes" : "no"), new Text(method.Description));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Formulas, costs and parity with pytorch-grad-cam: docs/METHODS.md");
        return 0;
    }
}
