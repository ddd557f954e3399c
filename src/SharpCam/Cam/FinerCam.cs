using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Finer-CAM (Zhang et al., 2025), as pytorch-grad-cam computes it: a base method (Grad-CAM by default; any method of
/// the registry) explaining <see cref="FinerTarget"/> — each image's class against its 3 classes of closest logit —
/// instead of the class's logit. Class targets given by the caller keep their class; without targets (or for targets
/// that name no class) the predicted class is used, which costs one extra forward.
/// </summary>
[CamRegistration("finercam", "Finer-CAM: the class against its nearest classes (Grad-CAM on a weighted logit difference)", Order = 18)]
public sealed class FinerCam : WholePassCamMethod
{
    private readonly string _baseMethod;
    private readonly int _comparisons;
    private readonly float _alpha;
    private CamMethod? _base;

    public FinerCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
        : this(model, targetLayers, options, CamMethods.DefaultMethod) { }

    /// <param name="baseMethod">The registry name of the method that explains the Finer target.</param>
    /// <param name="comparisons">How many nearest classes the class is compared with (pytorch-grad-cam: 3).</param>
    /// <param name="alpha">The weight α of the compared logits (1: their full difference).</param>
    public FinerCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers, CamOptions? options,
                    string baseMethod, int comparisons = 3, float alpha = 1)
        : base(model, targetLayers, options)
    {
        _baseMethod = CamMethods.Find(baseMethod).Name;
        _comparisons = comparisons;
        _alpha = alpha;
    }

    protected override PassResult Run(Tensor input, IReadOnlyList<ICamTarget>? targets, IProgress<ProgressUpdate>? progress)
    {
        _base ??= CamMethods.Create(_baseMethod, Model, TargetLayers, Options);
        IReadOnlyList<ICamTarget>? predicted = null;
        if (targets is null || targets.Any(t => t.ClassIndex is null))
            using (no_grad()) predicted = PredictedClassTargets(Model.call(input));
        var finer = Enumerable.Range(0, (int)input.shape[0])
            .Select(i => (ICamTarget)new FinerTarget(targets?[i].ClassIndex ?? predicted![i].ClassIndex!.Value, _comparisons, _alpha))
            .ToList();
        return _base.Pass(input, finer, progress);
    }
}
