using SharpCam.Layers;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Bench;

/// <summary>A target layer's output channel count, measured with one forward.</summary>
internal sealed class LayerShape(Module<Tensor, Tensor> model, string layer)
{
    public long Channels(Tensor image)
    {
        long channels = -1;
        var remove = LayerLocator.Find(model, layer).register_forward_hook((_, _, output) =>
        {
            channels = output.shape[1];
            return null!;
        }).remove;
        try { model.call(image); }
        finally { remove(); }
        return channels;
    }
}
