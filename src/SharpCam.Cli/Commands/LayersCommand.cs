using System.ComponentModel;
using SharpCam.Layers;
using SharpCam.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam layers`: the model's named modules with output shapes, and the automatic target layer.</summary>
public sealed class LayersCommand : Command<LayersCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--model <NAME>")]
        [Description("Architecture: lenet (default) or a torchvision classifier name.")]
        [DefaultValue("lenet")]
        public string Model { get; init; } = "lenet";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        using var model = new LeNet();
        model.to(device).eval();
        var layers = LayerLocator.List(model, LeNet.InputShape, device);
        var table = new Table().AddColumns("layer", "type", "output shape", "parameters");
        foreach (var layer in layers)
            table.AddRow(new Text(layer.Name), new Text(layer.Type),
                new Text(layer.OutputShape is null ? "-" : "[" + string.Join(", ", layer.OutputShape) + "]"),
                new Text(layer.Parameters.ToString("N0")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Default target layer: [green]{LayerLocator.DefaultLayer(model, LeNet.InputShape, device)}[/]");
        return 0;
    }
}
