using SharpCam.Cam;
using SharpCam.Checkpoints;
using SharpCam.IO;
using SharpCam.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Cam;

/// <summary>Ablation-CAM's fallback for models that cannot run the layers after the target on a wider batch.</summary>
[Trait(TestCategory.Name, TestCategory.Parity)]
public class AblationCamTests
{
    /// <summary>The fixture's LeNet, but its flatten reads the batch size from the input, as some models do.</summary>
    private sealed class BatchTiedLeNet : Module<Tensor, Tensor>
    {
        private readonly Sequential conv = Sequential(Conv2d(1, 6, 5), ReLU(), MaxPool2d(2), Conv2d(6, 16, 5), ReLU(), MaxPool2d(2));
        private readonly Sequential fc = Sequential(Linear(256, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10));

        public BatchTiedLeNet() : base(nameof(BatchTiedLeNet)) => RegisterComponents();

        public override Tensor forward(Tensor input) => fc.call(conv.call(input).view(input.shape[0], -1));
    }

    [SharedDataFact]
    public void AModelTiedToTheInputBatchSizeFallsBackAndStillMatches()
    {
        using var scope = NewDisposeScope();
        var f = LeNetFixture.Misclassified();
        using var model = new BatchTiedLeNet();
        StateDict.Load(model, Npy.LoadArchive(SharedData.PathOf("fixtures/lenet-fmnist/lenet_fmnist_weights.npz")), "fixture");
        model.eval();
        var cam = new AblationCam(model, new[] { "conv.4" }, CamFixtures.Parity);
        foreach (var (suffix, classes) in new[] { ("pred", f["pred"]), ("true", f["labels"]) })
        {
            using var result = cam.Explain(f["images"], CamFixtures.ClassTargets(classes));
            TensorAssert.Close(f["AblationCAM_" + suffix], result.Maps, CamFixtures.LeNetMapTolerance("ablationcam"), "AblationCAM_" + suffix + " (input repeated)");
        }
    }
}
