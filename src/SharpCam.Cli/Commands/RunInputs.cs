using SharpCam.Cli.Terminal;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Loading;
using SharpCam.Onnx;
using SharpCam.Runs;
using static TorchSharp.torch;

namespace SharpCam.Cli.Commands;

/// <summary>
/// What explain and failures run on, from the command line: the model the options name (a LeNet checkpoint with
/// MNIST-format test digits, a torchvision classifier or an ONNX file with photos, or with --images alone the trained
/// featurizer), loaded by the library (<see cref="RunnableModel"/>), and the item source.
/// </summary>
public sealed class RunInputs : IDisposable
{
    private readonly IDisposable? _data;

    private RunInputs(RunnableModel model, RunSource source, IDisposable? data) => (Model, Source, _data) = (model, source, data);

    public RunnableModel Model { get; }
    public RunSource Source { get; }

    /// <summary>Loads the model and lists the items (photos are read later, as the run streams them).</summary>
    /// <param name="indices">--indices, or null for the default: <paramref name="defaultDigits"/> of the test digits, all photos.</param>
    public static RunInputs Load(RunSettings settings, Device device, string? indices, string? defaultDigits, CancellationToken cancellation)
    {
        if (!settings.IsPhotos)
        {
            if (string.IsNullOrWhiteSpace(settings.Checkpoint))
                throw new ArgumentException(RunSettings.CheckpointRequired);   // Validate says so first on the command line
            var test = MnistDataset.Load(settings.ResolveDataFolder(), MnistSplit.Test);
            try
            {
                var model = RunnableModel.Load(new ModelRequest.LeNetCheckpoint(settings.Checkpoint, test.ClassNames), device);
                var chosen = indices ?? defaultDigits;
                var source = RunSource.FromMnist(test, chosen is null ? Enumerable.Range(0, test.Count).ToList() : IndexSelection.Parse(chosen, test.Count))
                    .Sharded(settings.ShardSpec);
                return new RunInputs(model, source, test);
            }
            catch
            {
                test.Dispose();
                throw;
            }
        }
        // ModelSettings.Validate: --model and --images come together
        ModelRequest request = settings.Model is null ? new ModelRequest.Featurizer(settings.Labels)
            : OnnxModel.IsOnnxPath(settings.Model) ? new ModelRequest.OnnxFile(settings.Model, settings.Output, settings.InputSize, settings.Labels)
            : new ModelRequest.Zoo(settings.Model, settings.Weights, settings.NumClasses, settings.Labels, settings.InputSize,
                settings.PreprocessingMode);
        var loaded = ProgressBars.Run(p => RunnableModel.Load(request, device, p, cancellation));
        try
        {
            return new RunInputs(loaded, Photos(settings, loaded, indices), null);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>The photos of --images (a file, a folder, an ImageFolder tree, a glob), --indices of them, this --shard.</summary>
    private static RunSource Photos(RunSettings settings, RunnableModel model, string? indices)
    {
        var found = ImageInputs.Expand([settings.Images!]);
        return RunSource.FromImages(found, model.Preprocessing, model.Names, settings.MaxPixels, Path.GetFullPath(settings.Images!),
            indices is null ? null : IndexSelection.Parse(indices, found.Count), settings.Decoding).Sharded(settings.ShardSpec);
    }

    public void Dispose()
    {
        Model.Dispose();
        _data?.Dispose();
    }
}
