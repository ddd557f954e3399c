using System.Globalization;
using SharpCam.Checkpoints;
using SharpCam.Models;
using SharpCam.Tests.Support;
using SharpCam.Training;
using static SharpCam.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace SharpCam.Tests.Training;

/// <summary>The training loop against the same loop run by PyTorch 1.13 (make_training_fixtures.py).</summary>
[Collection(GlobalTorchRandom.Name)]
[Trait(TestCategory.Name, TestCategory.Parity)]
public class TrainerTests
{
    [Fact]
    public void SeedEverythingGivesPyTorchsInitialWeights()
    {
        using var scope = NewDisposeScope();
        Trainer.SeedEverything(42);
        using var model = new LeNet();
        var expected = Load("lenet_seed42_init.npz");
        // Same generator (mt19937), same draws r in the same order; the kernel turns each into from + r·(to − from), with
        // or without an FMA depending on the CPU capability: two roundings of terms up to 3 × the bound (max |w|).
        foreach (var (key, value) in model.state_dict())
            TensorAssert.Close(expected[key], value, Float32Error.BetweenRuns(2, 3 * expected[key].abs().max().item<float>()), key);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AdamStepsMatchPyTorch(int steps)
    {
        using var scope = NewDisposeScope();
        using var root = new TempFolder();
        using var model = InitialLeNet();
        var digits = Digits("train");
        var batch = new LabelledImages(digits.Images.narrow(0, 0, 32), digits.Labels.narrow(0, 0, 32));
        // One batch of 32 images per epoch, so every epoch is exactly one Adam step on the fixture's batch.
        var summary = new Trainer(new TrainingOptions { Epochs = steps })
            .Fit(model, batch, batch, RunFolder.CreateNext(root.Path, "adam"));

        var expected = Load("adam_steps.npz");
        var losses = expected["losses"].data<float>().ToArray();
        // Losses (≈ 2.29, a mean of 32 cross-entropies over 10 logits) carry the forward's rounding: 1e-6 is 4 ulp.
        for (int i = 0; i < steps; i++) Assert.Equal(losses[i], summary.Epochs[i].TrainLoss, 1e-6);
        // Weights: Adam's early updates are nearly sign(g)·lr (step 1 is exactly lr·g/(|g|+ε)), so a weight whose gradient
        // is near zero can move by anything in [-lr, lr] when the two libraries' gradients differ in the last bits (kernel
        // sets add in other orders: measured 1.1e-6 under ATEN_CPU_CAPABILITY=default). The bound that rounding cannot
        // break is each run's whole movement, lr per step, twice. An optimizer that is wrong (lr, β, bias correction,
        // weight decay) shows in the losses of steps 2 and 3 and moves every weight, mostly by far more than this.
        double lr = new TrainingOptions().LearningRate;
        foreach (var (key, value) in model.state_dict())
            TensorAssert.Close(expected[$"after{steps}.{key}"], value, 2 * steps * lr, key);
        // Most weights have gradients far from zero, and their steps agree to float32 rounding of the update.
        var total = 0L;
        var close = 0L;
        foreach (var (key, value) in model.state_dict())
        {
            total += value.numel();
            close += (expected[$"after{steps}.{key}"] - value).abs().le(1e-6).sum().item<long>();
        }
        Assert.True(close >= total * 0.99, $"{total - close} of {total} weights differ by more than 1e-6");
    }

    [Fact]
    public void ShortTrainingMatchesPyTorchAndWritesTheRunFolder()
    {
        using var scope = NewDisposeScope();
        using var root = new TempFolder();
        using var model = InitialLeNet();
        var options = new TrainingOptions { Epochs = 2 };
        var summary = new Trainer(options).Fit(model, Digits("train"), Digits("val"), RunFolder.CreateNext(root.Path, "short"));

        var expected = Load("short_training.npz");
        double[] Values(string key) => expected[key].to(ScalarType.Float64).data<double>().ToArray();
        // 16 Adam steps from the same weights in the same shuffled order. Measured: losses within 7e-8 (the fixture
        // stores them as float32, ±1.2e-7 at 2.3), weights within 6.4e-7. Tolerances: 1e-6 and 5e-6.
        Assert.Equal(Values("train_loss"), summary.Epochs.Select(e => e.TrainLoss), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(Values("val_loss"), summary.Epochs.Select(e => e.ValLoss), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(Values("train_acc"), summary.Epochs.Select(e => e.TrainAccuracy));
        Assert.Equal(Values("val_acc"), summary.Epochs.Select(e => e.ValAccuracy));
        Assert.True(summary.Epochs[1].TrainLoss < summary.Epochs[0].TrainLoss && summary.Epochs[1].ValLoss < summary.Epochs[0].ValLoss);
        foreach (var (key, value) in model.state_dict())
            TensorAssert.Close(expected["final." + key], value, 5e-6, key);

        var run = summary.Run;
        Assert.Equal(Path.Combine(root.Path, "short", "version_0"), run.Path);
        Assert.Equal(new[] { "epoch=1-step=16.dat", "epoch=1-step=16.dat.json", "last.dat", "last.dat.json" },
            Directory.GetFiles(run.CheckpointsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(run.CheckpointPath(1, 16), summary.BestCheckpoint);
        Assert.Equal(run.LastCheckpointPath, summary.LastCheckpoint);
        Assert.Equal(new[] { "checkpoints" }, Directory.GetDirectories(run.Path).Select(Path.GetFileName));
        Assert.Equal(new[] { Path.GetFileName(summary.EventFile), "hparams.yaml", "metrics.csv" },
            Directory.GetFiles(run.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(summary.EventFile));

        var metadata = CheckpointStore.ReadMetadata(summary.BestCheckpoint)!;
        Assert.Equal(("lenet", 10, 1, 16L), (metadata.Architecture, metadata.NumClasses, metadata.Epoch!.Value, metadata.Step!.Value));
        Assert.Equal(new[] { "lr", "batch_size", "seed", "epochs", "optimizer", "beta1", "beta2", "eps", "weight_decay" },
            metadata.HyperParameters.Keys);
        Assert.Equal("0.001", metadata.HyperParameters["lr"]!.ToString());

        var rows = File.ReadAllLines(run.MetricsCsv);
        Assert.Equal(RunFiles.MetricsHeader, rows[0]);
        Assert.Equal(3, rows.Length);
        var last = rows[2].Split(',');
        Assert.Equal(("1", "16"), (last[0], last[1]));
        Assert.Equal(summary.Epochs[1].ValLoss, double.Parse(last[4], CultureInfo.InvariantCulture));

        var stepLosses = EventFileReader.Read(summary.EventFile).Where(e => e.Tag == "train_loss_step").ToList();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), stepLosses.Select(e => e.Step));
        var expectedSteps = expected["step_losses"].data<float>().ToArray();
        for (int i = 0; i < 16; i++) Assert.Equal(expectedSteps[i], stepLosses[i].SimpleValue!.Value, 1e-6);

        using var secondModel = InitialLeNet();
        var second = new Trainer(new TrainingOptions { Epochs = 1 }).Fit(secondModel, Digits("val"), Digits("val"), RunFolder.CreateNext(root.Path, "short"));
        Assert.Equal((1, Path.Combine(root.Path, "short", "version_1")), (second.Run.Version, second.Run.Path));
        Assert.Equal(3, File.ReadAllLines(run.MetricsCsv).Length); // the first run's files are left alone
    }

    [Fact]
    public void SavedCheckpointsLoadBackIntoAFreshLeNet()
    {
        using var scope = NewDisposeScope();
        using var root = new TempFolder();
        using var model = InitialLeNet();
        var summary = new Trainer(new TrainingOptions { Epochs = 1 }).Fit(model, Digits("val"), Digits("val"), RunFolder.CreateNext(root.Path, "load"));
        var images = Digits("test").Images;
        using var noGrad = no_grad();
        var expected = model.call(images);
        foreach (var path in new[] { summary.BestCheckpoint, summary.LastCheckpoint })
        {
            using var fresh = new LeNet();
            fresh.load(path);
            fresh.eval();
            // Same weights: the same logits up to kernel choice (oneDNN picks by shape and threads); a wrong weight is far
            // outside the bound.
            TensorAssert.LogitsClose(expected, fresh.call(images), fresh, path);
        }
    }

    [Fact]
    public void CancellingKeepsEveryFinishedEpochOnDisk()
    {
        using var scope = NewDisposeScope();
        using var root = new TempFolder();
        using var model = InitialLeNet();
        using var cancel = new CancellationTokenSource();
        var progress = new ProgressLog(update =>
        {
            if (update.Task == "Epoch 2/3" && update.Done == 1) cancel.Cancel();
        });
        var run = RunFolder.CreateNext(root.Path, "cancel");
        Assert.Throws<OperationCanceledException>(() =>
            new Trainer(new TrainingOptions { Epochs = 3 }).Fit(model, Digits("val"), Digits("val"), run, progress: progress, cancellation: cancel.Token));
        Assert.Equal(2, File.ReadAllLines(run.MetricsCsv).Length);
        Assert.True(File.Exists(run.CheckpointPath(0, 2)));
        Assert.Empty(Directory.GetFiles(run.Path, "*.tmp", SearchOption.AllDirectories));
        // Epoch 1: steps 1 and 2 of 2 with the running loss, then the epoch summary.
        Assert.Equal(new[] { (1L, 2L), (2L, 2L), (1L, 1L) }, progress.Reports.Where(r => r.Task == "Epoch 1/3").Select(r => (r.Done, r.Total)));
        Assert.StartsWith("loss ", progress.Reports[0].Status);
        Assert.Contains("val_acc", progress.Reports[2].Status);
    }

    [Fact]
    public void BadInputIsRejectedBeforeAnythingIsWritten()
    {
        using var scope = NewDisposeScope();
        using var root = new TempFolder();
        using var model = new LeNet();
        var run = RunFolder.CreateNext(root.Path, "bad");
        var val = Digits("val");
        var wrongLabels = new LabelledImages(val.Images, val.Labels + 5);
        var error = Assert.Throws<ArgumentException>(() => new Trainer().Fit(model, wrongLabels, val, run));
        Assert.Contains("training labels must lie in [0, 9]", error.Message);
        var tooFewLabels = new LabelledImages(val.Images, val.Labels.narrow(0, 0, 10));
        error = Assert.Throws<ArgumentException>(() => new Trainer().Fit(model, val, tooFewLabels, run));
        Assert.Contains("validation set has 64 images but 10 labels", error.Message);
        using var fiveClasses = new LeNet(numClasses: 5);
        error = Assert.Throws<ArgumentException>(() => new Trainer().Fit(fiveClasses, val, val, run));
        Assert.Contains("The model has 5 outputs but the checkpoint metadata says 10 classes", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(run.Path));
    }
}
