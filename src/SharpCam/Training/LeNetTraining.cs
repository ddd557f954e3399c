using SharpCam.Checkpoints;
using SharpCam.Data;
using SharpCam.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Training;

/// <summary>A finished LeNet training: the trainer's summary and how many digits it trained and validated on.</summary>
public sealed record LeNetTrainingRun(TrainingSummary Summary, int TrainCount, int ValidationCount);

/// <summary>The notebook's whole training of its LeNet on an MNIST-format folder, as `train` and the demo run it.</summary>
public static class LeNetTraining
{
    /// <summary>
    /// Splits the training digits into training and validation with <see cref="TrainingOptions.Seed"/> (<paramref name="validationSize"/>
    /// digits, or the default proportion), seeds the initial weights (<see cref="Trainer.SeedEverything"/>) and trains
    /// into the next run folder <paramref name="runsRoot"/>/<paramref name="name"/>/version_N.
    /// </summary>
    public static LeNetTrainingRun Train(string dataFolder, TrainingOptions options, int? validationSize, string runsRoot, string name,
                                         Device device, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        using var full = MnistDataset.Load(dataFolder, MnistSplit.Train);
        var (train, validation) = full.SplitForValidation(validationSize, (ulong)options.Seed);
        using var _t = train;
        using var _v = validation;
        Trainer.SeedEverything(options.Seed);
        using var model = new LeNet(full.ClassNames.Count);
        model.to(device);
        var run = RunFolder.CreateNext(runsRoot, name);
        var metadata = new CheckpointMetadata { Architecture = "lenet", NumClasses = full.ClassNames.Count, ClassNames = full.ClassNames };
        var summary = new Trainer(options).Fit(model,
            new LabelledImages(train.Images.to(device), train.Labels.to(device)),
            new LabelledImages(validation.Images.to(device), validation.Labels.to(device)),
            run, metadata, progress, cancellation);
        return new LeNetTrainingRun(summary, train.Count, validation.Count);
    }
}
