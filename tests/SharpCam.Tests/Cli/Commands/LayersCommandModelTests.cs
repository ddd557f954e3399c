using SharpCam.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Tests.Cli.Commands;

/// <summary>`sharpcam layers --model X [--input-size N]`, run through Spectre.Console.Cli with the console captured.</summary>
[Collection("cli")]  // the console is process-wide: one CLI test at a time
public class LayersCommandModelTests
{
    private static (int Exit, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        AnsiConsole.Console.Profile.Width = 200;
        try
        {
            var app = new CommandApp();
            app.Configure(config =>
            {
                config.ConfigureConsole(AnsiConsole.Console);  // where Spectre writes its own error messages
                config.AddCommand<LayersCommand>("layers");
            });
            return (app.Run(args), writer.ToString());
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }

    private static List<string> LayerNames(string output) =>
        output.Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length > 2 && cells[1].Length > 0 && cells[1] != "layer").Select(cells => cells[1]).ToList();

    [Fact]
    public void ListsAZooModelDepthFirstWithOutputShapesAndItsDefaultLayer()
    {
        var (exit, output) = Run("layers", "--model", "resnet18");
        Assert.Equal(0, exit);
        var names = LayerNames(output);
        // PyTorch's named_modules() order: each module, then everything inside it, then the next.
        Assert.Equal(["conv1", "bn1", "relu", "maxpool", "layer1", "layer1.0", "layer1.0.conv1"], names.Take(7));
        Assert.True(names.IndexOf("layer1.1.conv2") < names.IndexOf("layer2"));
        Assert.Contains("│ layer4 ", output);
        Assert.Matches(@"│ layer4\s+│ Sequential\s+│ \[1, 512, 7, 7\]", output);
        Assert.Contains("Default target layer: layer4", output);
    }

    [Fact]
    public void TheInputSizeChangesTheShapes()
    {
        var (exit, output) = Run("layers", "--model", "vgg16", "--input-size", "64");
        Assert.Equal(0, exit);
        Assert.Matches(@"│ features\.29\s+│ ReLU\s+│ \[1, 512, 4, 4\]", output);
        Assert.Contains("Input: [1, 3, 64, 64]", output);
        Assert.Contains("Default target layer: features.29", output);
    }

    [Theory]
    [InlineData("--model", "resnet9000")]
    [InlineData("--model", "inception_v3", "--input-size", "64")]
    public void BadOptionsAreRefusedWithTheReason(params string[] options)
    {
        var (exit, output) = Run(["layers", .. options]);
        Assert.NotEqual(0, exit);
        Assert.Contains(options[1] == "resnet9000" ? "Known models:" : "needs at least 75", output);
    }
}
