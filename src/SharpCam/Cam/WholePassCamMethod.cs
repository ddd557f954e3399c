using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// The base of methods that are not a weighted sum of a layer's channels and so make the whole pass themselves
/// (FullGrad, Guided Backprop, Guided Grad-CAM): <see cref="Run"/> records what it needs with
/// <see cref="CamMethod.Record"/> (or calls other methods' <see cref="CamMethod.Pass"/>) and returns the maps.
/// </summary>
public abstract class WholePassCamMethod : CamMethod
{
    /// <param name="targetLayers">The layers the caller asked for (what a manifest records); empty for a method that uses
    /// none; null: the model's default layer, chosen on the first call.</param>
    /// <param name="recordedLayers">The layers whose outputs <see cref="CamMethod.Record"/> captures; null: <paramref name="targetLayers"/>.</param>
    protected WholePassCamMethod(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers, CamOptions? options,
                                 IReadOnlyList<string>? recordedLayers = null)
        : base(model, targetLayers, options, recordedLayers, layersRequired: false) { }

    /// <summary>One pass on one input batch; tensors it returns stay in the caller's dispose scope.</summary>
    protected abstract PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress);

    private protected sealed override PassResult ComputePass(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress) =>
        Run(input, targets, progress);
}
