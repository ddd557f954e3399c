using System.Globalization;

namespace SharpCam.Training;

/// <summary>
/// How <see cref="Trainer"/> trains: the notebook's defaults (Adam with lr 1e-3 and PyTorch's other Adam defaults,
/// batch 32, seed 42, 6 epochs, cross-entropy loss), every one configurable.
/// </summary>
public sealed record TrainingOptions
{
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; }
    public int BatchSize { get; init; } = 32;
    public int Epochs { get; init; } = 6;
    /// <summary>Seeds the per-epoch shuffle (and <see cref="Trainer.SeedEverything"/> for the initial weights).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>
    /// libtorch intra-op threads while training (0 keeps the current setting). LeNet's ops on 32 digits are too small
    /// to gain from more than one: measured on 2 shared cores, one thread trains an epoch of 8,250 digits in 0.5–1.1 s,
    /// two threads take 16–55 s when other processes keep the cores busy (OpenMP's spinning workers wait on each other).
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;
    /// <summary>Batch size of the validation passes; it changes speed only, not the metrics.</summary>
    public int EvaluationBatchSize { get; init; } = Evaluator.DefaultBatchSize;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option and its valid range.</summary>
    public void Validate()
    {
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning rate (--lr)", LearningRate, "a positive number such as 0.001");
        Require(Beta1 is >= 0 and < 1, "Adam beta1", Beta1, "a number in [0, 1)");
        Require(Beta2 is >= 0 and < 1, "Adam beta2", Beta2, "a number in [0, 1)");
        Require(Epsilon > 0, "Adam epsilon", Epsilon, "a positive number such as 1e-8");
        Require(WeightDecay >= 0, "weight decay", WeightDecay, "0 or a positive number");
        Require(BatchSize >= 1, "batch size (--batch-size)", BatchSize, "a whole number ≥ 1 such as 32");
        Require(Epochs >= 1, "number of epochs (--epochs)", Epochs, "a whole number ≥ 1 such as 6");
        Require(IntraOpThreads >= 0, "number of threads", IntraOpThreads, "1, or 0 to keep libtorch's setting");
        Require(EvaluationBatchSize >= 1, "evaluation batch size", EvaluationBatchSize, "a whole number ≥ 1 such as 256");
    }

    /// <summary>The settings as the notebook's hyper_parameters (checkpoint metadata and hparams.yaml), in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> HyperParameters() =>
    [
        new("lr", LearningRate), new("batch_size", BatchSize), new("seed", Seed), new("epochs", Epochs),
        new("optimizer", "adam"), new("beta1", Beta1), new("beta2", Beta2), new("eps", Epsilon), new("weight_decay", WeightDecay),
    ];

    private static void Require(bool valid, string what, double value, string fix)
    {
        if (!valid)
            throw new ArgumentException($"Invalid {what}: {value.ToString(CultureInfo.InvariantCulture)}. Use {fix}.");
    }
}
