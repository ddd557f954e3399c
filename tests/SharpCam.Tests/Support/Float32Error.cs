using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Tests.Support;

/// <summary>
/// The float32 rounding bounds every parity tolerance is derived from (never the largest difference seen on one CPU).
/// <para>
/// A reduction of n terms (a dot product, a convolution, a mean) computed in any order — any blocking, vector width or
/// FMA use, which is what differs between libtorch's default, AVX2 and AVX-512 kernels, and between our run and the
/// one that stored a fixture — is within γ_n ≈ n·u of the exact value, relative to the sum of the terms' magnitudes
/// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1): the worst case, every rounding error of the same
/// sign. Modelling the rounding errors as independent and of mean zero, Higham and Mary (SIAM J. Sci. Comput. 41(5),
/// 2019, Theorem 3.1) bound the same error by λ·√n·u with probability at least 1 − 2·exp(−λ²/2); with λ = 8 that is
/// 1 − 2.5e-14 per compared value, so the bound holds on every element of every test on any CPU. The tolerance uses the
/// smaller of the two. Through a chain of reductions the first-order relative errors add, so n is the sum of the
/// reduction lengths along the chain. Two results each within the bound (ours and the fixture's) differ by at most
/// twice it.
/// </para>
/// <para>
/// The magnitude M these relative bounds multiply is the size of the terms; the tolerances use the size of the
/// compared values instead, which is the same where the values are sums of terms of one sign (post-ReLU activations,
/// logits dominated by one class, maps whose maximum is the sum of positive channel contributions) — each site says.
/// </para>
/// </summary>
public static class Float32Error
{
    /// <summary>Unit roundoff of float32, 2^-24 ≈ 5.96e-8.</summary>
    public const double U = 1.0 / (1 << 24);

    /// <summary>λ of the probabilistic bound: it fails with probability at most 2·exp(−32) ≈ 2.5e-14 per value.</summary>
    public const double Lambda = 8;

    /// <summary>Relative error bound of a chain of reductions of total length n: min(n, λ√n)·u.</summary>
    public static double Relative(int n) => Math.Min(n, Lambda * Math.Sqrt(n)) * U;

    /// <summary>Largest difference of two float32 evaluations of a chain of length n whose terms are of size <paramref name="magnitude"/>.</summary>
    public static double BetweenRuns(int n, double magnitude = 1) => 2 * Relative(n) * magnitude;

    /// <summary>
    /// A map normalised by its range, m = (r − min r) / R, compared in [0, 1]: |Δm| ≤ (|Δr| + |Δmin r|)/R +
    /// m·(|Δmax r| + |Δmin r|)/R ≤ 4·ε·S/R, where ε·S bounds the raw map's error (S: the sum of the magnitudes of its
    /// terms, e.g. Σ_c |w_c A_c|). κ = S/R is how much the normalisation amplifies rounding: a property of the model
    /// and images (tests/fixtures/cams/cam_conditioning.py prints it for the LeNet fixtures). Divide-by-max is the same
    /// with max r ≥ R in place of R.
    /// </summary>
    public static double NormalisedMap(int n, double kappa) => 4 * BetweenRuns(n) * kappa;

    /// <summary>
    /// Eigen-CAM's projection p = X v₁ of each image's centred [h·w, C] matrix X on its first right singular vector,
    /// and the min-max map of its ReLU. X's entries carry a relative error ε (their chain) and the SVD adds a backward
    /// error of a small multiple of u (LAPACK; taken as h·w·C·u, generous), so ‖ΔX‖ ≤ (ε + h·w·C·u)·‖X‖_F; Wedin's
    /// theorem moves v₁ by at most √2‖ΔX‖/(σ₁ − σ₂), so |Δp| ≤ ‖ΔX‖·(1 + √2·σ₁/(σ₁ − σ₂)) — the singular gap is the
    /// conditioning. Computed per image from the reference's own <paramref name="contributions"/> [N, C, h, w]; both
    /// bounds are the largest over the images, the map's divided by the range R of ReLU(p) (×4, as NormalisedMap; R for
    /// whichever sign has the smaller positive part, since the reference's sign is arbitrary).
    /// </summary>
    public static (double Projection, double Map) Projection(Tensor contributions, int chain)
    {
        double projection = 0, map = 0;
        for (long i = 0; i < contributions.shape[0]; i++)
        {
            using var scope = torch.NewDisposeScope();
            var (c, h, w) = (contributions.shape[1], contributions.shape[2], contributions.shape[3]);
            var x = contributions[i].reshape(c, h * w).t().to(torch.ScalarType.Float64);
            var centred = x - x.mean([0], keepdim: true);
            var sigma = torch.linalg.svdvals(centred).data<double>().ToArray();
            var delta = 2 * (Relative(chain) + h * w * c * U) * x.norm().item<double>();   // both runs
            var bound = delta * (1 + Math.Sqrt(2) * sigma[0] / (sigma[0] - sigma[1]));
            var p = centred.matmul(torch.linalg.svd(centred, fullMatrices: false).Vh[0]);
            var range = Math.Min(p.max().item<double>(), (-p).max().item<double>());   // ReLU keeps one half: the smaller, either sign
            projection = Math.Max(projection, bound);
            map = Math.Max(map, 4 * bound / range);
        }
        return (projection, map);
    }

    /// <summary>
    /// The length of the forward chain of <paramref name="model"/>: the fan-in of every convolution (in/groups × kernel
    /// area) and linear layer, summed over the whole module. Summing parallel branches (a residual block's shortcut) as
    /// if they were in sequence overestimates, which errs on the safe side.
    /// </summary>
    public static int ForwardChain(Module model) =>
        model.modules().Sum(m => m switch
        {
            Conv2d conv => (int)(conv.weight!.shape[1] * conv.weight.shape[2] * conv.weight.shape[3]),
            Linear linear => (int)linear.weight!.shape[1],
            _ => 0,
        });

    // LeNet (the fixtures' and the notebook's) at its target layer conv.4, the ReLU after the second convolution.
    /// <summary>Activations at conv.4: convolutions of 1×5×5 = 25 and 6×5×5 = 150 terms.</summary>
    public const int LeNetToConv4 = 25 + 150;

    /// <summary>
    /// The gradient of a logit at conv.4: back through the linears 84→10, 120→84 and 256→120 (a linear's input gradient
    /// sums over its outputs: 10, 84 and 120 terms; it depends on the weights and the ReLU masks, not on the activations).
    /// </summary>
    public const int LeNetGradientAtConv4 = 10 + 84 + 120;

    /// <summary>Grad-CAM's raw conv.4 map: activations, the logit's gradient, its mean over 8×8 = 64, the sum over 16 channels: 469.</summary>
    public const int LeNetConv4Map = LeNetToConv4 + LeNetGradientAtConv4 + 64 + 16;

    /// <summary>LeNet's logits: reductions of 25, 150, 256, 120 and 84 terms from the pixels (what ForwardChain gives).</summary>
    public const int LeNetLogits = LeNetToConv4 + LeNetConv4ToLogits;

    /// <summary>The rest of the forward from conv.4 to a logit: linears of 256, 120 and 84 terms.</summary>
    public const int LeNetConv4ToLogits = 256 + 120 + 84;

    /// <summary>
    /// Every CAM method on LeNet's conv.4, by its longest chain: activations (175), then the weights — Grad-CAM++'s
    /// gradient cubed (3 × 214, the longest; a power k multiplies a relative error by k), Score-CAM's masked forwards
    /// (175 + 460 and a soft-max over 10), Ablation-CAM's ablated forwards (460) — then the spatial mean over 8×8 = 64
    /// and the channel sum over 16, and the bilinear upsampling (4 terms): n = 175 + 642 + 64 + 16 + 4 = 901.
    /// </summary>
    public const int LeNetConv4Cam = LeNetToConv4 + 3 * LeNetGradientAtConv4 + 64 + 16 + 4;
}
