namespace SharpCam.Layers;

/// <summary>
/// A model that knows the layout of its layers' outputs (the zoo's transformers). Every CAM method asks it through
/// <see cref="ActivationLayouts.Of"/>; models without it are taken as channels-first.
/// </summary>
public interface IActivationLayouts
{
    /// <summary>The layout of the output of the layer at dotted name <paramref name="layer"/>.</summary>
    ActivationLayout LayoutOf(string layer);
}

public static class ActivationLayouts
{
    /// <summary>What <paramref name="model"/> declares for <paramref name="layer"/>, channels-first when it declares nothing.</summary>
    public static ActivationLayout Of(TorchSharp.torch.nn.Module model, string layer) =>
        (model as IActivationLayouts)?.LayoutOf(layer) ?? ActivationLayout.ChannelsFirst;
}
