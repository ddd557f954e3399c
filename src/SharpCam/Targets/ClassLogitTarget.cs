using static TorchSharp.torch;

namespace SharpCam.Targets;

/// <summary>The raw logit of one class: the notebook's and pytorch-grad-cam's default (ClassifierOutputTarget).</summary>
public sealed record ClassLogitTarget(int Class) : ICamTarget
{
    public Tensor Score(Tensor output) => output[Class];
    public int? ClassIndex => Class;
    public string Describe() => $"logit of class {Class}";
}
