namespace SharpCam.Cam;

/// <summary>Settings shared by every CAM method.</summary>
public sealed record CamOptions
{
    /// <summary>How maps are scaled to [0, 1]; the notebook's divide-by-max unless pytorch-grad-cam parity is wanted.</summary>
    public MapNormalization Normalization { get; init; } = MapNormalization.DivideByMax;

    /// <summary>Replace the channel sum by the first principal component of the weighted activations (pytorch-grad-cam's eigen_smooth).</summary>
    public bool EigenSmooth { get; init; }

    /// <summary>Average over horizontal flip × brightness 0.9/1.0/1.1, each undone (pytorch-grad-cam's aug_smooth).</summary>
    public bool AugSmooth { get; init; }

    /// <summary>Images per extra forward pass, for methods that run many (Score-CAM, Ablation-CAM).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Score-CAM only (Faster Score-CAM): score just the k channels of largest mean absolute activation per image
    /// instead of all of them; null (the default) scores every channel, as pytorch-grad-cam does.
    /// </summary>
    public int? TopChannels { get; init; }
}
