using System.ComponentModel;
using SharpCam.Server;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>`sharpcam serve RUN_DIR`: the interactive explorer over a run folder, on loopback, until Ctrl-C.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : DeviceSettings
    {
        [CommandArgument(0, "<RUN_DIR>")]
        [Description("Run folder written by `sharpcam explain`, `failures` or `demo` (holds manifest.json); its model is loaded.")]
        public string RunDir { get; init; } = "";

        [CommandOption("--port <PORT>")] [Description("TCP port (default 8765; 0 picks a free one).")] [DefaultValue(8765)]
        public int Port { get; init; } = 8765;

        [CommandOption("--host <ADDRESS>")]
        [Description("Address to listen on (default 127.0.0.1, this machine only). Another address exposes the model and the run's images to the network.")]
        [DefaultValue(ServeOptions.Loopback)]
        public string Host { get; init; } = ServeOptions.Loopback;

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } error ? error
            : Port is < 0 or > 65535 ? ValidationResult.Error($"--port {Port}: use 0–65535.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var options = new ServeOptions { RunDir = settings.RunDir, Port = settings.Port, Host = settings.Host, Device = settings.ResolveDevice().ToString() };
        if (!options.IsLoopback)
            AnsiConsole.MarkupLine($"[yellow]warning:[/] listening on {Markup.Escape(options.Host)}: anyone who can reach this machine can use the model " +
                                   "and see the run's images. Use the default 127.0.0.1 unless you mean that.");
        await using var server = await ExplorerServer.StartAsync(options, cancellation);
        AnsiConsole.MarkupLine($"Serving [green]{Markup.Escape(Path.GetFullPath(settings.RunDir))}[/] " +
                               $"({server.Explorer.Index.Count:N0} items, {Markup.Escape(server.Explorer.Run.Architecture)}) at [link]{server.Url}[/]");
        AnsiConsole.MarkupLine("Press Ctrl-C to stop.");
        await server.RunUntilAsync(cancellation);
        AnsiConsole.MarkupLine("Stopped.");
        return 0;
    }
}
