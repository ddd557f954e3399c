using static TorchSharp.torch;

namespace SharpCam.Targets;

/// <summary>The soft-max probability of one class (ClassifierOutputSoftmaxTarget): explains the class against the others.</summary>
public sealed record ClassProbabilityTarget(int Class) : ICamTarget
{
    public Tensor Score(Tensor output) => output.softmax(-1)[Class];
    public int? ClassIndex => Class;
    public string Describe() => $"probability of class {Class}";
}
