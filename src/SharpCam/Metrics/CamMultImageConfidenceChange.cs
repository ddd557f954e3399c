using static TorchSharp.torch;

namespace SharpCam.Metrics;

/// <summary>
/// The change of the target score when the image is multiplied by its map (x ⊙ map, the map broadcast over the
/// channels): score(x ⊙ map) − score(x). Negative when the map hides evidence the model needs.
/// </summary>
public class CamMultImageConfidenceChange : PerturbationConfidenceMetric
{
    public override string Name => "cam-mult-image";

    protected override Tensor Perturb(Tensor image, Tensor map) => image * map.to(image.dtype, image.device);
}

/// <summary>Drop in confidence: max(−change, 0) of <see cref="CamMultImageConfidenceChange"/> (lower is better).</summary>
public sealed class DropInConfidence : CamMultImageConfidenceChange
{
    public override string Name => "drop-in-confidence";

    protected override float ValueOf(float change) => Math.Max(-change, 0);
}

/// <summary>Increase in confidence: 1 where the masked image scores higher than the original, else 0 (higher is better).</summary>
public sealed class IncreaseInConfidence : CamMultImageConfidenceChange
{
    public override string Name => "increase-in-confidence";

    protected override float ValueOf(float change) => change > 0 ? 1 : 0;
}
