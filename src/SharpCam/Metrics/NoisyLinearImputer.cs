using static TorchSharp.torch;

namespace SharpCam.Metrics;

/// <summary>
/// ROAD's noisy linear imputation (pytorch-grad-cam's NoisyLinearImputer): each removed pixel becomes the weighted
/// mean of its 8 neighbours (see <see cref="ImputationSystem"/>), solved per channel in float64 and rounded to float32,
/// plus <see cref="Noise"/> × a standard normal draw. Kept pixels are unchanged.
/// </summary>
/// <remarks>
/// Noise: 0 is deterministic and draws nothing. Otherwise a float32 N(0, 1) tensor [C, k] (k = imputed pixels) is
/// drawn per image, as the library does: from a private generator when <paramref name="seed"/> is given (the same
/// seed and the same sequence of calls give the same images), from torch's global generator otherwise (so
/// <c>torch.manual_seed</c> seeds it, as in pytorch-grad-cam).
/// </remarks>
public sealed class NoisyLinearImputer(double noise = 0.01, long? seed = null) : IDisposable
{
    /// <summary>The library's default noise, 0.01 (in the input's units).</summary>
    public const double DefaultNoise = 0.01;

    /// <summary>Standard deviation of the noise added to imputed pixels; 0 = deterministic.</summary>
    public double Noise { get; } = noise >= 0 && double.IsFinite(noise)
        ? noise
        : throw new ArgumentOutOfRangeException(nameof(noise), noise, "The imputation noise must be a finite number ≥ 0 (0 = deterministic).");

    /// <summary>The seed of the private generator, or null for torch's global generator.</summary>
    public long? Seed { get; } = seed;

    // Declared after Noise, whose initializer validates it first.
    private readonly Generator? _generator = seed is { } s && noise != 0 ? new Generator((ulong)s) : null;

    /// <summary>
    /// Imputes the pixels of <paramref name="image"/> [C, H, W] where <paramref name="keep"/> (row-major H·W) is false.
    /// Returns a new float32 CPU tensor [C, H, W].
    /// </summary>
    public Tensor Impute(Tensor image, bool[] keep)
    {
        if (image.dim() != 3) throw new ArgumentException($"Expected one image [C, H, W]; got shape [{string.Join(", ", image.shape)}].", nameof(image));
        int channels = (int)image.shape[0], height = (int)image.shape[1], width = (int)image.shape[2];
        var system = new ImputationSystem(height, width, keep);
        using var source = image.detach().to(ScalarType.Float32).cpu().contiguous();
        var pixels = source.data<float>().ToArray();
        if (system.UnknownCount == 0) return tensor(pixels, image.shape);

        var imputed = new float[channels * system.UnknownCount];
        for (int c = 0; c < channels; c++)
            system.Solve(pixels.AsSpan(c * height * width, height * width)).CopyTo(imputed, c * system.UnknownCount);
        if (Noise != 0)
        {
            using var draw = randn(new long[] { channels, system.UnknownCount }, ScalarType.Float32, generator: _generator);
            using var noisy = tensor(imputed, draw.shape) + draw * Noise;   // float32, as the library's res + noise·randn
            imputed = noisy.data<float>().ToArray();
        }

        for (int c = 0, k = 0; c < channels; c++)
        for (int i = 0; i < height * width; i++)
            if (!keep[i]) pixels[c * height * width + i] = imputed[k++];
        return tensor(pixels, image.shape);
    }

    public void Dispose() => _generator?.Dispose();
}
