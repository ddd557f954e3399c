namespace SharpCam.Training;

/// <summary>
/// One epoch's results. <paramref name="Epoch"/> is zero-based and <paramref name="Step"/> counts optimizer steps
/// taken so far, as in Lightning's checkpoint names; losses and accuracies are means over the epoch's images.
/// <paramref name="Seconds"/> is the epoch's wall time, training and validation together.
/// </summary>
public sealed record EpochMetrics(int Epoch, long Step, double TrainLoss, double TrainAccuracy, double ValLoss,
                                  double ValAccuracy, double Seconds);

/// <summary>What <see cref="Trainer.Fit"/> produced: per-epoch metrics and the checkpoints it kept.</summary>
/// <param name="BestCheckpoint">`checkpoints/epoch=E-step=S.dat` of the epoch with the lowest validation loss.</param>
/// <param name="LastCheckpoint">`checkpoints/last.dat`, the weights after the final epoch.</param>
public sealed record TrainingSummary(RunFolder Run, IReadOnlyList<EpochMetrics> Epochs, string BestCheckpoint,
                                     string LastCheckpoint, string EventFile)
{
    public EpochMetrics Best => Epochs.MinBy(e => e.ValLoss)!;
}
