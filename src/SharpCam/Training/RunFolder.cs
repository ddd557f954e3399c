using System.Globalization;
using System.Text.RegularExpressions;

namespace SharpCam.Training;

/// <summary>
/// One training run's folder, laid out as PyTorch Lightning's loggers do: `&lt;root&gt;/&lt;name&gt;/version_N/` with
/// `checkpoints/`, `metrics.csv`, `hparams.yaml` and the TensorBoard event file.
/// </summary>
public sealed partial class RunFolder
{
    private RunFolder(string path, int version)
    {
        Path = path;
        Version = version;
    }

    /// <summary>The run's own folder, `…/version_N`.</summary>
    public string Path { get; }
    public int Version { get; }
    public string CheckpointsDirectory => System.IO.Path.Combine(Path, "checkpoints");
    public string MetricsCsv => System.IO.Path.Combine(Path, "metrics.csv");
    public string HyperParametersYaml => System.IO.Path.Combine(Path, "hparams.yaml");

    /// <summary>
    /// Creates `<paramref name="root"/>/<paramref name="name"/>/version_N` with N one more than the highest existing
    /// version (0 for the first run), as Lightning numbers its versions.
    /// </summary>
    public static RunFolder CreateNext(string root, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
            throw new ArgumentException($"Invalid run name '{name}': use a plain folder name such as 'lenet-mnist'.", nameof(name));
        var parent = System.IO.Path.Combine(root, name);
        Directory.CreateDirectory(parent);
        int version = Directory.EnumerateDirectories(parent)
            .Select(dir => VersionPattern().Match(System.IO.Path.GetFileName(dir)))
            .Where(match => match.Success)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1)
            .DefaultIfEmpty(0).Max();
        var path = System.IO.Path.Combine(parent, $"version_{version}");
        Directory.CreateDirectory(path);
        return new RunFolder(path, version);
    }

    /// <summary>Lightning's checkpoint name: zero-based epoch and the number of optimizer steps taken so far.</summary>
    public string CheckpointPath(int epoch, long step) =>
        System.IO.Path.Combine(CheckpointsDirectory, $"epoch={epoch}-step={step}{Checkpoints.CheckpointStore.Extension}");

    public string LastCheckpointPath => System.IO.Path.Combine(CheckpointsDirectory, "last" + Checkpoints.CheckpointStore.Extension);

    [GeneratedRegex(@"^version_(\d+)$")]
    private static partial Regex VersionPattern();
}
