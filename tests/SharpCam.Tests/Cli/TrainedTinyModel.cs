using SharpCam.Data;

namespace SharpCam.Tests.Cli;

/// <summary>One short real training on <see cref="TinyMnist"/>, shared by the CLI tests that need a checkpoint.</summary>
public sealed class TrainedTinyModel : IDisposable
{
    public TrainedTinyModel()
    {
        var (code, output) = CliRunner.Run("train", "--data", Data.Folder, "--epochs", "3", "--runs", Data.NewOutputPath("runs"));
        if (code != 0) throw new InvalidOperationException("training for the CLI tests failed:\n" + output);
        Checkpoint = Path.Combine(Data.NewOutputPath("runs"), "lenet", "version_0", "checkpoints", "last.dat");
        TrainOutput = output;
    }

    public TinyMnist Data { get; } = new();
    public string Checkpoint { get; }
    public string TrainOutput { get; }

    public void Dispose() => Data.Dispose();
}
