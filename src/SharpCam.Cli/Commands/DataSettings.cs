using System.ComponentModel;
using SharpCam.Data;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>Options of commands that read MNIST-format data.</summary>
public class DataSettings : DeviceSettings
{
    [CommandOption("--data <DIR>")]
    [Description("Folder with the four MNIST-format IDX files (.gz or raw; MNIST or Fashion-MNIST). Default: the bundled 10,000-digit MNIST sample.")]
    public string? Data { get; init; }

    [CommandOption("--download")]
    [Description("Download the official MNIST files into the cache folder first (needs a network) and use them.")]
    public bool Download { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        base.Validate() is { Successful: false } error ? error
        : Download && Data is not null ? Spectre.Console.ValidationResult.Error("Use either --data DIR or --download, not both.")
        : Spectre.Console.ValidationResult.Success();

    /// <summary>The data folder to read: --data, the downloaded cache, or the bundled sample.</summary>
    public string ResolveDataFolder(IProgress<ProgressUpdate>? progress = null)
    {
        if (Download) return new MnistDownloader().DownloadAsync(progress).GetAwaiter().GetResult();
        return Data ?? BundledData.MnistSample;
    }
}
