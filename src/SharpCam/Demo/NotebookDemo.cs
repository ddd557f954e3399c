using SharpCam.Cam;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Loading;
using SharpCam.Models;
using SharpCam.Onnx;
using SharpCam.Rendering;
using SharpCam.Reports;
using PhotoSection = SharpCam.Explanation.PhotoSection;
using SharpCam.Runs;
using SharpCam.Training;
using static TorchSharp.torch;

namespace SharpCam.Demo;

/// <summary>What a front end shows while the demo runs; each stage's long work reports to the progress it is given.</summary>
public interface IDemoObserver
{
    /// <summary>Stage <paramref name="number"/> begins.</summary>
    void Stage(int number, string title);

    /// <summary>Runs one long step, showing its progress.</summary>
    T Track<T>(Func<IProgress<ProgressUpdate>, T> work);

    void Trained(LeNetTrainingRun training, string dataFolder);
    void Tested(RunManifest failures, IReadOnlyList<string> classNames);
    void Explained(RunManifest explained);
    void PhotosExplained(PhotoSection photos);
}

/// <summary>Where the demo's results are, once it has finished.</summary>
public sealed record DemoResult(string Folder, Evaluation Evaluation, int Failures)
{
    public string Report => Path.Combine(Folder, "report.html");
    public string TrainingRun => Path.Combine(Folder, "runs", "lenet", "version_0");
}

/// <summary>
/// The whole notebook on one data folder: train LeNet, test it and analyse every failure, explain 16 test digits with
/// Grad-CAM (faithfulness and the sanity check), explain the sample photos with the trained featurizer (Eigen-CAM and
/// one similarity map), and gather it all in one HTML report in <c>out</c>, replaced only when everything succeeded.
/// </summary>
public static class NotebookDemo
{
    private const string ExplainedDigits = "0-15";

    /// <summary>The similarity map: where in the astronaut photo is what makes it look like the rocket (the shuttle behind her).</summary>
    private const string SimilarPhoto = "astronaut.png", LikePhoto = "rocket.jpg";

    /// <param name="dataFolder">MNIST-format digits (train and test).</param>
    /// <param name="sourceData">What the output folder must not contain (the data it was made from), for the staging check.</param>
    public static DemoResult Run(string dataFolder, string? sourceData, string outDir, int epochs, Device device, IDemoObserver observer,
                                 CancellationToken cancellation = default)
    {
        using var staged = new StagedFolder(outDir, sourceData);

        observer.Stage(1, "Train the notebook's LeNet");
        var training = observer.Track(p => LeNetTraining.Train(dataFolder, new TrainingOptions { Epochs = epochs }, null,
            Path.Combine(staged.WorkPath, "runs"), LeNet.Architecture, device, p, cancellation));
        observer.Trained(training, dataFolder);
        var checkpoint = training.Summary.BestCheckpoint;

        observer.Stage(2, "Test it, and explain every failure for its predicted and true class");
        using var test = MnistDataset.Load(dataFolder, MnistSplit.Test);
        using var model = RunnableModel.Load(new ModelRequest.LeNetCheckpoint(checkpoint, test.ClassNames), device);
        // The checkpoint moves with the folder; its hash is not recorded, as before (the demo is not merged).
        var summary = model.Summary with { Checkpoint = staged.FinalPathOf(checkpoint), WeightsHash = null };
        var failures = observer.Track(p => new DataSetRun(new GradCam(model.Model, [model.DefaultLayer]), model.Names,
                new RunOptions { Kind = RunKind.Failures, TopK = model.TopK, Device = device })
            .RunInto(RunSource.FromMnist(test, Enumerable.Range(0, test.Count).ToList()), staged.WorkPath, summary, p, cancellation))
            ?? throw new OperationCanceledException();
        observer.Tested(failures, test.ClassNames);
        var evaluation = failures.Evaluation!;
        Figures.ConfusionMatrix(Path.Combine(staged.WorkPath, DataSetRun.FiguresFolder, "confusion_matrix.png"),
            ToMatrix(evaluation.Confusion!), test.ClassNames, $"Confusion matrix ({evaluation.N:N0} test images)");

        observer.Stage(3, "Explain 16 test digits with Grad-CAM; measure faithfulness; sanity-check");
        Func<TorchSharp.torch.nn.Module<Tensor, Tensor>, CamMethod> gradCam = m => new GradCam(m, [model.DefaultLayer]);
        var explained = observer.Track(p => new DataSetRun(gradCam(model.Model), model.Names, new RunOptions
            {
                TopK = model.TopK, Device = device, Metrics = true,
                Sanity = new SanityRequest(model.NewModel!, RunnableModel.SanityMethods(CamMethods.DefaultMethod, gradCam)),
            })
            .RunInto(RunSource.FromMnist(test, IndexSelection.Parse(ExplainedDigits, test.Count)), staged.WorkPath, summary, p, cancellation))
            ?? throw new OperationCanceledException();
        observer.Explained(explained);

        observer.Stage(4, "A trained photo model: the ResNet-18 featurizer on the sample photos");
        using var featurizer = OnnxPhotoModel.Featurizer(device);
        var samples = BundledData.SamplePhotos;
        var photos = observer.Track(p => FeaturizerShowcase.Run(featurizer, samples, Path.Combine(samples, SimilarPhoto),
                Path.Combine(samples, LikePhoto), staged.WorkPath, p, cancellation))
            ?? throw new OperationCanceledException();
        observer.PhotosExplained(photos);
        (explained with { Evaluation = evaluation, Failures = new FailureSection { Items = failures.Items }, Photos = photos })
            .Save(staged.WorkPath);

        observer.Stage(5, "Report");
        HtmlReport.Write(staged.WorkPath);
        staged.Commit();
        return new DemoResult(staged.Target, evaluation, failures.Items.Count);
    }

    private static int[,] ToMatrix(IReadOnlyList<IReadOnlyList<long>> rows)
    {
        var matrix = new int[rows.Count, rows.Count];
        for (int t = 0; t < rows.Count; t++)
            for (int p = 0; p < rows.Count; p++) matrix[t, p] = (int)rows[t][p];
        return matrix;
    }
}
