using System.ComponentModel;
using SharpCam.Layers;
using SharpCam.Models;
using SharpCam.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam layers`: a zoo model's named modules with output shapes, and its default target layer.</summary>
public sealed class LayersCommand : Command<LayersCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandOption("--model <NAME>")]
        [Description("Architecture: lenet (default), vgg16, resnet50, mobilenet_v3_large, … (all torchvision ImageNet classifiers SharpCam knows), or an ONNX file (FILE.onnx).")]
        [DefaultValue("lenet")]
        public string Model { get; init; } = "lenet";

        [CommandOption("--input-size <N>")]
        [Description("Side of the square input whose output shapes are listed (default: the model's, 224; inception_v3 299; lenet 28).")]
        public int? InputSize { get; init; }

        [CommandOption("--output <NAME>")] [Description("For an ONNX model: the graph output to trace (default: its first).")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            if (base.Validate() is { Successful: false } error) return error;
            if (OnnxModel.IsOnnxPath(Model)) return ValidationResult.Success();
            if (Output is not null) return ValidationResult.Error("--output is for ONNX models (--model FILE.onnx).");
            if (ModelSettings.UnknownModel(Model) is { } unknown) return unknown;
            var spec = ModelZoo.Get(Model);
            return InputSize < spec.MinInputSize
                ? ValidationResult.Error($"--input-size {InputSize}: {spec.Name} needs at least {spec.MinInputSize}.")
                : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var device = settings.ResolveDevice();
        if (OnnxModel.IsOnnxPath(settings.Model)) return ListOnnx(settings, device);
        var spec = ModelZoo.Get(settings.Model);
        var inputShape = spec.InputShape(size: settings.InputSize);
        using var model = spec.Create();
        model.to(device);
        WriteTable(model, inputShape, device, spec.DefaultLayer);
        return 0;
    }

    /// <summary>An ONNX file's rebuilt nodes at the input size its graph fixes (--input-size where it leaves it open).</summary>
    private static int ListOnnx(Settings settings, torch.Device device)
    {
        using var onnx = OnnxPhotoModel.Load(settings.Model, settings.Output, settings.InputSize, device);
        var graph = (OnnxModel)onnx.Model;
        AnsiConsole.MarkupLine($"ONNX opset {graph.Opset}, output [green]{graph.OutputName.EscapeMarkup()}[/]" +
            (graph.ChannelsLast ? " (the graph takes NHWC; SharpCam feeds it NCHW images and transposes)" : "") +
            (onnx.HasClassScores ? $", {onnx.NumClasses} class scores" : "; no class scores: explain it with eigencam or --like FILE"));
        WriteTable(onnx.Model, onnx.InputShape, device, onnx.DefaultLayer);
        return 0;
    }

    private static void WriteTable(torch.nn.Module model, long[] inputShape, torch.Device device, string defaultLayer)
    {
        var table = new Table().AddColumns("layer", "type", "output shape", "CAM grid", "parameters");
        foreach (var layer in LayerLocator.List(model, inputShape, device))
            table.AddRow(new Text(layer.Name), new Text(layer.Type),
                new Text(layer.OutputShape is null ? "-" : "[" + string.Join(", ", layer.OutputShape) + "]"),
                new Text(Grid(model, layer)), new Text(layer.Parameters.ToString("N0")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Input: [[{string.Join(", ", inputShape)}]]. Default target layer: [green]{defaultLayer.EscapeMarkup()}[/]");
    }

    /// <summary>"14×14" where a CAM can look (with how a transformer's tokens became that grid), "-" elsewhere.</summary>
    private static string Grid(torch.nn.Module model, LayerInfo layer)
    {
        if (layer.FeatureMapShape is not [_, _, var h, var w]) return "-";
        var layout = ActivationLayouts.Of(model, layer.Name);
        return layout == ActivationLayout.ChannelsFirst ? $"{h}×{w}" : $"{h}×{w} ({layout.Describe()})";
    }
}
