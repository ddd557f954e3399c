using TorchSharp;
using static TorchSharp.torch;

// Reproduction for docs/ONEDNN-BACKWARD.md: libtorch's input gradient of one float32 conv2d (oneDNN backward-data,
// whichever kernel oneDNN picks) against the exact one, conv_transpose2d of the same upstream gradient in float64
// (ATen's own kernel: oneDNN takes float32 only). TorchSharp only, no SharpCam code. Prints one line per shape with the
// largest error over three identical calls (a wrong kernel was seen to vary from call to call) and a derived bound.
//   dotnet run -c Release --project bench/ConvBackwardRepro -- [--threads N] [--parallel] [--weight-grad] [--bias]
//   ONEDNN_VERBOSE=1 names the kernel; ONEDNN_MAX_CPU_ISA=SSE41|AVX2|AVX512_CORE and ATEN_CPU_CAPABILITY pick the ISA.
// --parallel runs every shape on two .NET threads at once (as xunit runs test classes); --weight-grad and --bias make
// the weight and a bias require gradients (a model that is not frozen).
(int N, int C, int H, int O, int K, int S, int P, int D, int G)[] shapes =
[
    (16, 1, 28, 6, 5, 1, 0, 1, 1), (16, 3, 28, 6, 5, 1, 0, 1, 1), (16, 6, 28, 6, 5, 1, 0, 1, 1),   // the LeNet-like test
    (1, 3, 224, 64, 7, 2, 3, 1, 1), (1, 64, 56, 64, 3, 1, 1, 1, 1), (1, 64, 56, 128, 3, 2, 1, 1, 1),  // ResNet
    (1, 64, 56, 256, 1, 1, 0, 1, 1), (1, 256, 56, 128, 1, 2, 0, 1, 1), (8, 64, 56, 64, 3, 1, 1, 1, 1),
    (1, 3, 224, 64, 3, 1, 1, 1, 1), (1, 512, 14, 512, 3, 1, 1, 1, 1),                                  // VGG
    (1, 64, 56, 64, 3, 1, 2, 2, 1), (1, 64, 56, 64, 3, 1, 1, 1, 32),                                   // dilated, grouped
    (1, 16, 16, 16, 3, 1, 1, 1, 1), (1, 8, 16, 8, 3, 1, 1, 1, 1), (1, 17, 16, 5, 3, 1, 1, 1, 1),      // odd channel counts
];
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
if (Option("--threads") is { } threads) set_num_threads(int.Parse(threads));
bool weightGrad = args.Contains("--weight-grad"), bias = args.Contains("--bias");
int copies = args.Contains("--parallel") ? 2 : 1;
Console.WriteLine($"libtorch threads {get_num_threads()}, {copies} caller thread(s), weight grad {weightGrad}, bias {bias}");
Console.WriteLine("| thread | N | C | H | O | k | stride | pad | dilation | groups | max |error| (3 calls) | bound | ok |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
int failures = 0;
Parallel.For(0, copies, new ParallelOptions { MaxDegreeOfParallelism = copies }, thread =>
{
    var generator = new Generator((ulong)(3 + thread));
    foreach (var (n, c, h, o, k, s, p, d, g) in shapes)
    {
        using var scope = NewDisposeScope();
        long[] stride = [s, s], padding = [p, p], dilation = [d, d];
        var w = (randn(o, c / g, k, k, generator: generator) / Math.Sqrt(c / g * k * k)).requires_grad_(weightGrad);
        var b = bias ? randn(o, generator: generator).requires_grad_(weightGrad) : null;
        var x = randn(n, c, h, h, generator: generator).requires_grad_();
        Tensor? upstream = null, exact = null, bound = null;
        var errors = new List<double>();
        for (int call = 0; call < 3; call++)
        {
            x.grad?.zero_();
            var y = nn.functional.conv2d(x, w, b, stride, padding, dilation, g);
            upstream ??= randn(y.shape, generator: generator);
            y.backward([upstream]);
            if (exact is null)
            {
                var outputPadding = h - ((y.shape[2] - 1) * s - 2 * p + d * (k - 1) + 1);
                Tensor Transposed(Tensor gradient, Tensor weight) => nn.functional.conv_transpose2d(gradient.to(ScalarType.Float64),
                    weight.detach().to(ScalarType.Float64), null, stride, padding, [outputPadding, outputPadding], dilation, g);
                exact = Transposed(upstream, w);
                // Each element sums m = (O/g)·k² products: any float32 order is within γ_m·Σ|w·g| (+ one rounding).
                double m = o / g * k * k, u = Math.Pow(2, -24);
                bound = Transposed(upstream.abs(), w.abs()) * (m * u / (1 - m * u) + u);
            }
            var error = (x.grad!.to(ScalarType.Float64) - exact).abs();
            errors.Add(error.isnan().any().item<bool>() ? double.NaN : error.max().item<double>());
            if (error.isnan().any().item<bool>() || (error > bound!).any().item<bool>()) Interlocked.Increment(ref failures);
        }
        var ok = errors.All(e => !double.IsNaN(e)) && (x.grad!.to(ScalarType.Float64) - exact!).abs().le(bound!).all().item<bool>();
        Console.WriteLine($"| {thread} | {n} | {c} | {h} | {o} | {k} | {s} | {p} | {d} | {g} | " +
                          $"{string.Join(", ", errors.Select(e => e.ToString("g3")))} | {bound!.max().item<double>():g3} | {(ok ? "yes" : "NO")} |");
    }
});
Console.WriteLine(failures == 0 ? "all input gradients within the float32 bound" : $"{failures} calls outside the float32 bound");
return failures == 0 ? 0 : 1;
