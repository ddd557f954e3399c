using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>One method of the registry: its name, a one-line description and whether it uses the target layers.</summary>
public sealed record CamMethodInfo(string Name, string Description, bool UsesTargetLayers);

/// <summary>Every CAM method by its registry name (the CLI's --method values).</summary>
public static class CamMethods
{
    private delegate CamMethod Factory(Module<Tensor, Tensor> model, IReadOnlyList<string> layers, CamOptions? options);

    private static readonly (CamMethodInfo Info, Factory Create)[] Registry =
    {
        (new("gradcam", "Grad-CAM: channels weighted by their mean gradient", true), (m, l, o) => new GradCam(m, l, o)),
        (new("hirescam", "HiResCAM: gradients × activations element-wise, summed over channels", true), (m, l, o) => new HiResCam(m, l, o)),
        (new("gradcam-elementwise", "Grad-CAM element-wise: ReLU(gradients × activations), summed over channels", true), (m, l, o) => new GradCamElementWise(m, l, o)),
        (new("gradcam++", "Grad-CAM++: channels weighted by positive gradients with second-order coefficients", true), (m, l, o) => new GradCamPlusPlus(m, l, o)),
        (new("xgradcam", "XGrad-CAM: channels weighted by activation-normalised gradient sums", true), (m, l, o) => new XGradCam(m, l, o)),
        (new("layercam", "LayerCAM: activations weighted element-wise by positive gradients", true), (m, l, o) => new LayerCam(m, l, o)),
        (new("eigencam", "Eigen-CAM: first principal component of the activations (gradient-free, ignores the target)", true), (m, l, o) => new EigenCam(m, l, o)),
        (new("eigengradcam", "EigenGrad-CAM: first principal component of gradients × activations", true), (m, l, o) => new EigenGradCam(m, l, o)),
        (new("scorecam", "Score-CAM: channels weighted by the softmax of the scores of channel-masked inputs (one forward per channel)", true), (m, l, o) => new ScoreCam(m, l, o)),
        (new("ablationcam", "Ablation-CAM: channels weighted by the relative score drop when each is zeroed (gradient-free)", true), (m, l, o) => new AblationCam(m, l, o)),
        (new("fullgrad", "FullGrad: input-gradient and bias-gradient terms of every conv/batch-norm layer (ignores target layers)", false), (m, _, o) => new FullGrad(m, o)),
        (new("guided-backprop", "Guided Backprop: input gradient through ReLUs that pass only positive gradients (ignores target layers)", false), (m, _, o) => new GuidedBackprop(m, o)),
        (new("guided-gradcam", "Guided Grad-CAM: Guided Backprop gradients times the Grad-CAM map", true), (m, l, o) => new GuidedGradCam(m, l, o)),
    };

    /// <summary>Every method, in the order above.</summary>
    public static IReadOnlyList<CamMethodInfo> All { get; } = Registry.Select(r => r.Info).ToList();

    /// <summary>The method called <paramref name="name"/> (case-insensitive); unknown names fail with the list of names.</summary>
    public static CamMethodInfo Find(string name) => Registry[IndexOf(name)].Info;

    /// <summary>
    /// Creates the method called <paramref name="name"/> on <paramref name="model"/>. Methods that ignore target layers
    /// (<see cref="CamMethodInfo.UsesTargetLayers"/> false) accept any list, as pytorch-grad-cam does.
    /// </summary>
    public static CamMethod Create(string name, Module<Tensor, Tensor> model, IReadOnlyList<string> targetLayers, CamOptions? options = null) =>
        Registry[IndexOf(name)].Create(model, targetLayers, options);

    private static int IndexOf(string name)
    {
        var index = Array.FindIndex(Registry, r => string.Equals(r.Info.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new UnknownCamMethodException(name ?? "", All.Select(m => m.Name).ToList());
    }
}

/// <summary>A method name that the registry does not have; the message lists the names it has.</summary>
public sealed class UnknownCamMethodException(string name, IReadOnlyList<string> available)
    : ArgumentException($"Unknown CAM method '{name}'. Methods: {string.Join(", ", available)}.")
{
    public string MethodName { get; } = name;
    public IReadOnlyList<string> Available { get; } = available;
}
