"""The reproduction of docs/ONEDNN-BACKWARD.md for a Python PyTorch build (bench/ConvBackwardRepro is the same for
libtorch through TorchSharp): the input gradient of one float32 conv2d (oneDNN backward-data, whichever kernel oneDNN
picks; ONEDNN_VERBOSE=1 / DNNL_VERBOSE=1 names it) against conv_transpose2d of the same upstream gradient in float64
(ATen's own kernel), with the float32 bound gamma_m * sum|w*g| (m = (O/g)*k*k products per element), three calls each.

    /usr/bin/python3 bench/conv_backward_repro.py [--threads N]
"""
import argparse

import torch
import torch.nn.functional as F

SHAPES = [  # (N, C, H, O, k, stride, padding, dilation, groups), as bench/ConvBackwardRepro
    (16, 1, 28, 6, 5, 1, 0, 1, 1), (16, 3, 28, 6, 5, 1, 0, 1, 1), (16, 6, 28, 6, 5, 1, 0, 1, 1),
    (1, 3, 224, 64, 7, 2, 3, 1, 1), (1, 64, 56, 64, 3, 1, 1, 1, 1), (1, 64, 56, 128, 3, 2, 1, 1, 1),
    (1, 64, 56, 256, 1, 1, 0, 1, 1), (1, 256, 56, 128, 1, 2, 0, 1, 1), (8, 64, 56, 64, 3, 1, 1, 1, 1),
    (1, 3, 224, 64, 3, 1, 1, 1, 1), (1, 512, 14, 512, 3, 1, 1, 1, 1),
    (1, 64, 56, 64, 3, 1, 2, 2, 1), (1, 64, 56, 64, 3, 1, 1, 1, 32),
    (1, 16, 16, 16, 3, 1, 1, 1, 1), (1, 8, 16, 8, 3, 1, 1, 1, 1), (1, 17, 16, 5, 3, 1, 1, 1, 1),
]

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int)
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)
print(f"PyTorch {torch.__version__}, threads {torch.get_num_threads()}")
print("| N | C | H | O | k | stride | pad | dilation | groups | max |error| (3 calls) | bound | ok |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
generator = torch.Generator().manual_seed(3)
failures = 0
for n, c, h, o, k, s, p, d, g in SHAPES:
    w = torch.randn(o, c // g, k, k, generator=generator) / (c // g * k * k) ** 0.5
    x = torch.randn(n, c, h, h, generator=generator, requires_grad=True)
    upstream = exact = bound = None
    errors, ok = [], True
    for call in range(3):
        x.grad = None
        y = F.conv2d(x, w, None, s, p, d, g)
        if upstream is None:
            upstream = torch.randn(y.shape, generator=generator)
            output_padding = h - ((y.shape[2] - 1) * s - 2 * p + d * (k - 1) + 1)
            transposed = lambda grad, weight: F.conv_transpose2d(grad.double(), weight.double(), None, s, p, output_padding, g, d)
            exact = transposed(upstream, w)
            m, u = o // g * k * k, 2.0 ** -24
            bound = transposed(upstream.abs(), w.abs()) * (m * u / (1 - m * u) + u)
        y.backward(upstream)
        error = (x.grad.double() - exact).abs()
        errors.append(error.max().item())
        ok = ok and not error.isnan().any().item() and bool((error <= bound).all())
    failures += not ok
    print(f"| {n} | {c} | {h} | {o} | {k} | {s} | {p} | {d} | {g} | {', '.join(f'{e:.3g}' for e in errors)} | "
          f"{bound.max().item():.3g} | {'yes' if ok else 'NO'} |")
print("all input gradients within the float32 bound" if failures == 0 else f"{failures} shapes outside the float32 bound")
