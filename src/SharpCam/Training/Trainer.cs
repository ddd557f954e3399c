using System.Diagnostics;
using SharpCam.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Training;

/// <summary>
/// The notebook's Lightning training loop: Adam, cross-entropy, batches shuffled every epoch, validation after every
/// epoch, and a Lightning-style run folder (checkpoints, metrics.csv, hparams.yaml, TensorBoard events).
/// </summary>
public sealed class Trainer
{
    /// <summary>How many images of the first training batch go into the TensorBoard picture.</summary>
    public const int GridImageCount = 16;

    public Trainer(TrainingOptions? options = null)
    {
        Options = options ?? new TrainingOptions();
        Options.Validate();
    }

    public TrainingOptions Options { get; }

    /// <summary>
    /// Seeds torch's global generator, as Lightning's seed_everything does before the model is built: a LeNet built
    /// right after SeedEverything(42) has the same initial weights as PyTorch's after torch.manual_seed(42).
    /// </summary>
    public static void SeedEverything(int seed) => torch.manual_seed(seed);

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="train"/> and validates it on <paramref name="validation"/>
    /// after every epoch, writing everything into <paramref name="run"/>. Each epoch's order is
    /// torch.randperm(N, generator) from one generator seeded with <see cref="TrainingOptions.Seed"/>, as PyTorch's
    /// DataLoader(shuffle=True, generator=torch.Generator().manual_seed(seed)); the last batch may be short.
    /// Checkpoints carry <paramref name="checkpointInfo"/> (architecture, number of classes, class names) plus the
    /// epoch, step and hyper-parameters. The model is left in eval mode with the last epoch's weights.
    /// Progress: one task per epoch ("Epoch 1/6"), one report per step with the running mean loss.
    /// libtorch runs with <see cref="TrainingOptions.IntraOpThreads"/> threads meanwhile; the setting is restored after.
    /// </summary>
    public TrainingSummary Fit(Module<Tensor, Tensor> model, LabelledImages train, LabelledImages validation, RunFolder run,
                               CheckpointMetadata? checkpointInfo = null, IProgress<ProgressUpdate>? progress = null,
                               CancellationToken cancellation = default)
    {
        using var threads = new IntraOpThreads(Options.IntraOpThreads);
        return Train(model, train, validation, run, checkpointInfo ?? new CheckpointMetadata(), progress, cancellation);
    }

    private TrainingSummary Train(Module<Tensor, Tensor> model, LabelledImages train, LabelledImages validation, RunFolder run,
                                  CheckpointMetadata checkpointInfo, IProgress<ProgressUpdate>? progress, CancellationToken cancellation)
    {
        foreach (var (set, name) in new[] { (train, "training"), (validation, "validation") })
        {
            set.Validate(name);
            set.ValidateLabels(name, checkpointInfo.NumClasses);
        }
        int outputs = OutputCount(model, train);
        if (outputs != checkpointInfo.NumClasses)
            throw new ArgumentException($"The model has {outputs} outputs but the checkpoint metadata says {checkpointInfo.NumClasses} classes; " +
                                        "build the model with the number of classes of the data.");
        var hyperParameters = Options.HyperParameters();
        checkpointInfo = checkpointInfo with { HyperParameters = hyperParameters.ToDictionary(kv => kv.Key, kv => (object?)kv.Value) };
        RunFiles.WriteHyperParameters(run.HyperParametersYaml,
            [new("architecture", checkpointInfo.Architecture), new("num_classes", checkpointInfo.NumClasses), .. hyperParameters]);
        Directory.CreateDirectory(run.CheckpointsDirectory);

        using var events = new TensorBoardWriter(run.Path);
        using var optimizer = optim.Adam(model.parameters(), Options.LearningRate, Options.Beta1, Options.Beta2, Options.Epsilon, Options.WeightDecay);
        using var shuffle = new Generator((ulong)Options.Seed);
        var epochs = new List<EpochMetrics>();
        string? best = null;
        long step = 0;
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var task = $"Epoch {epoch + 1}/{Options.Epochs}";
            var (trainLoss, trainAccuracy) = TrainEpoch(model, optimizer, train, shuffle, events, ref step, task, progress, cancellation);
            var val = Evaluator.Evaluate(model, validation, Options.EvaluationBatchSize, intraOpThreads: 0, cancellation: cancellation);
            var metrics = new EpochMetrics(epoch, step, trainLoss, trainAccuracy, val.Loss, val.Accuracy, clock.Elapsed.TotalSeconds);
            epochs.Add(metrics);
            Record(metrics, events, epochs, run);
            bool improved = best is null || metrics.ValLoss < epochs.SkipLast(1).Min(e => e.ValLoss);
            best = SaveCheckpoints(model, run, checkpointInfo with { Epoch = epoch, Step = step }, improved, best);
            progress?.Report(new ProgressUpdate(task, 1, 1,
                $"loss {trainLoss:F4}, acc {trainAccuracy:F4}, val_loss {val.Loss:F4}, val_acc {val.Accuracy:F4}"));
        }
        model.eval();
        return new TrainingSummary(run, epochs, best!, run.LastCheckpointPath, events.FilePath);
    }

    /// <summary>The model's output width, from one image in eval mode (so no BatchNorm statistics move).</summary>
    private static int OutputCount(Module<Tensor, Tensor> model, LabelledImages data)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (int)model.call(data.Images.narrow(0, 0, 1).to(Evaluator.ModelDevice(model))).shape[1];
    }

    /// <summary>One pass over the shuffled training set; returns the epoch's mean loss and accuracy over its images.</summary>
    private (double Loss, double Accuracy) TrainEpoch(Module<Tensor, Tensor> model, optim.Optimizer optimizer, LabelledImages train,
                                                      Generator shuffle, TensorBoardWriter events, ref long step, string task,
                                                      IProgress<ProgressUpdate>? progress, CancellationToken cancellation)
    {
        model.train();
        var device = Evaluator.ModelDevice(model);
        long count = train.Count, steps = (count + Options.BatchSize - 1) / Options.BatchSize;
        using var order = randperm(count, generator: shuffle);
        double lossSum = 0;
        long correct = 0;
        for (long b = 0; b < steps; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long start = b * Options.BatchSize, length = Math.Min(Options.BatchSize, count - start);
            var index = order.narrow(0, start, length);
            var images = train.Images.index_select(0, index).to(device);
            var labels = train.Labels.index_select(0, index).to(device);
            if (step == 0) events.AddImage("train_images", ImageGrid.Make(images.narrow(0, 0, Math.Min(GridImageCount, length))), step);

            optimizer.zero_grad();
            var logits = model.call(images);
            var loss = functional.cross_entropy(logits, labels);
            loss.backward();
            optimizer.step();

            double batchLoss = loss.item<float>();
            lossSum += batchLoss * length;
            correct += logits.argmax(1).eq(labels).sum().item<long>();
            events.AddScalar("train_loss_step", batchLoss, step++);
            progress?.Report(new ProgressUpdate(task, b + 1, steps, $"loss {lossSum / (start + length):F4}"));
        }
        return (lossSum / count, (double)correct / count);
    }

    /// <summary>TensorBoard scalars at the epoch's last step, and metrics.csv rewritten with every finished epoch.</summary>
    private static void Record(EpochMetrics metrics, TensorBoardWriter events, IReadOnlyList<EpochMetrics> epochs, RunFolder run)
    {
        long at = metrics.Step - 1;
        events.AddScalar("train_loss", metrics.TrainLoss, at);
        events.AddScalar("train_acc", metrics.TrainAccuracy, at);
        events.AddScalar("val_loss", metrics.ValLoss, at);
        events.AddScalar("val_acc", metrics.ValAccuracy, at);
        events.AddScalar("epoch", metrics.Epoch, at);
        RunFiles.WriteMetrics(run.MetricsCsv, epochs);
    }

    /// <summary>
    /// Writes `last.dat` every epoch and `epoch=E-step=S.dat` when the validation loss is the lowest so far
    /// (Lightning's ModelCheckpoint(monitor="val_loss", save_top_k=1, save_last=True)); returns the best path.
    /// The new best is written before the old one is deleted, so a best checkpoint always exists.
    /// </summary>
    private static string? SaveCheckpoints(Module model, RunFolder run, CheckpointMetadata metadata, bool improved, string? best)
    {
        CheckpointStore.Save(model, run.LastCheckpointPath, metadata);
        if (!improved) return best;
        var path = run.CheckpointPath(metadata.Epoch!.Value, metadata.Step!.Value);
        CheckpointStore.Save(model, path, metadata);
        if (best is not null)
        {
            File.Delete(best);
            File.Delete(CheckpointStore.MetadataPath(best));
        }
        return path;
    }
}
