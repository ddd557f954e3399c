using static TorchSharp.torch;

namespace SharpCam.Targets;

/// <summary>
/// What one image's explanation is about: a scalar computed from that image's model output.
/// One target per image, so a batch may explain different classes (pytorch-grad-cam's model_targets idea).
/// </summary>
public interface ICamTarget
{
    /// <summary>
    /// The scalar to explain, from one image's row of what the target reads (the model output, shape [K], or the
    /// output of <see cref="ScoredLayer"/>); must stay in the autograd graph.
    /// </summary>
    Tensor Score(Tensor output);

    /// <summary>
    /// The dotted name of the layer whose output <see cref="Score"/> reads instead of the model output (null: the
    /// model output). It must come after every target layer.
    /// </summary>
    string? ScoredLayer => null;

    /// <summary>The class this target is about, when it is about a class; recorded in manifests.</summary>
    int? ClassIndex { get; }

    /// <summary>A short human-readable description, e.g. "logit of class 3".</summary>
    string Describe();
}
