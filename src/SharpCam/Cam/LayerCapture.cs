using static TorchSharp.torch;

namespace SharpCam.Cam;

/// <summary>What a forward (and backward) pass recorded at one target layer.</summary>
/// <param name="Name">The layer's dotted name.</param>
/// <param name="Activations">The layer's output A as a feature map [N, C, h, w] (tokens and channels-last outputs rearranged as the model declares, <see cref="Layers.ActivationLayout"/>).</param>
/// <param name="Gradients">d(target score)/dA, [N, C, h, w], rearranged the same way; null for gradient-free methods.</param>
public sealed record LayerCapture(string Name, Tensor Activations, Tensor? Gradients)
{
    /// <summary>The gradients, or a clear error for a method that asked for none.</summary>
    public Tensor RequireGradients() =>
        Gradients ?? throw new InvalidOperationException($"No gradients were recorded at layer '{Name}'.");
}
