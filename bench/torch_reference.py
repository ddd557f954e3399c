"""PyTorch's own costs on this machine, for bench/SharpCam.Bench's ratios (Debian's python3-torch, oneDNN on):
per model and batch, the median no-grad forward in seconds per image, and the input gradient of a class score with
frozen weights as a multiple of the forward run right before it (the floor for Guided Backprop and FullGrad).
With --pytorch-grad-cam DIR (a checkout of jacobgil/pytorch-grad-cam, not vendored), the same methods as
SharpCam's bench, seconds per image and × forward, measured the same way.

    /usr/bin/python3 bench/torch_reference.py [--models resnet50,vgg16] [--batches 1,8] [--repetitions 5]
                                              [--forward-only] [--pytorch-grad-cam DIR] [--threads N] [--cpu-time]
"""
import argparse
import statistics
import sys
import time
import types

import torch
import torchvision

parser = argparse.ArgumentParser()
parser.add_argument("--models", default="resnet50,vgg16")
parser.add_argument("--batches", default="1,8")
parser.add_argument("--repetitions", type=int, default=5)
parser.add_argument("--forward-only", action="store_true")
parser.add_argument("--pytorch-grad-cam")
parser.add_argument("--cpu-time", action="store_true")
parser.add_argument("--threads", type=int, help="intra-op threads (Debian's build starts with 1 here)")
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)

LAYERS = {"resnet18": "layer4", "resnet50": "layer4", "vgg16": "features.29"}


def timed(run):
    """Wall seconds, or with --cpu-time the process's CPU seconds (at --threads 1: the work, not the wait for a core)."""
    clock = time.process_time if args.cpu_time else time.perf_counter
    start = clock()
    run()
    return clock() - start


def paired(method, forward, repetitions):
    """Median seconds of `method` and the median of its ratios to the forward run right before it (as the C# bench)."""
    forward()
    method()
    times, ratios = [], []
    for _ in range(repetitions):
        f = timed(forward)
        times.append(timed(method))
        ratios.append(times[-1] / f)
    return statistics.median(times), statistics.median(ratios)


def input_gradient(model, x, classes):
    x = x.detach().requires_grad_()
    model(x).gather(1, classes[:, None]).sum().backward()
    return x.grad


def grad_cam_methods(model, name, root):
    sys.path.insert(0, root)
    try:
        import ttach  # noqa: F401
    except ImportError:  # not packaged in Debian; only aug_smooth runs its transforms, never on the measured path
        class Unused:
            def __init__(self, *args, **kwargs):
                pass
        stub = sys.modules["ttach"] = types.ModuleType("ttach")
        stub.Compose = stub.HorizontalFlip = stub.Multiply = Unused  # BaseCAM builds its default transforms
    from pytorch_grad_cam import GradCAM, FullGrad, GuidedBackpropReLUModel
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
    layer = dict(model.named_modules())[LAYERS[name]]
    methods = {"gradcam": lambda: GradCAM(model, [layer]), "fullgrad": lambda: FullGrad(model, [])}
    if name == "resnet50":
        methods["gradcam at layer3"] = lambda: GradCAM(model, [model.layer3])
    runs = {}
    for label, make in methods.items():
        cam = make()
        runs[label] = lambda x, classes, cam=cam: cam(x, [ClassifierOutputTarget(int(c)) for c in classes])
    guided = GuidedBackpropReLUModel(model, device="cpu")
    # pytorch-grad-cam's Guided Backprop takes one image at a time.
    runs["guidedbackprop"] = lambda x, classes: [guided(x[i:i + 1], int(classes[i])) for i in range(len(x))]
    return runs


print(f"PyTorch {torch.__version__}, oneDNN {torch.backends.mkldnn.is_available()}, threads {torch.get_num_threads()}, "
      f"capability {torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else '?'}")
print()
print("| model | batch | method | s / image | × forward |")
print("|---|---:|---|---:|---:|")
for name in args.models.split(","):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)().eval()
    for batch in map(int, args.batches.split(",")):
        for p in model.parameters():
            p.requires_grad_(False)
        x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(1))
        classes = torch.arange(batch) * 7 % 1000

        def forward():
            with torch.no_grad():
                model(x)
        forward()
        seconds = statistics.median(timed(forward) for _ in range(args.repetitions))
        print(f"| {name} | {batch} | forward (no_grad) | {seconds / batch:.4f} | 1.00 |", flush=True)
        if args.forward_only:
            continue
        seconds, ratio = paired(lambda: input_gradient(model, x, classes), forward, args.repetitions)
        print(f"| {name} | {batch} | input gradient (floor) | {seconds / batch:.4f} | {ratio:.2f} |", flush=True)
        if args.pytorch_grad_cam:
            for p in model.parameters():  # as its users run it: pytorch-grad-cam's backward needs a graph
                p.requires_grad_(True)
            for label, run in grad_cam_methods(model, name, args.pytorch_grad_cam).items():
                seconds, ratio = paired(lambda: run(x, classes), forward, args.repetitions)
                print(f"| {name} | {batch} | pytorch-grad-cam {label} | {seconds / batch:.4f} | {ratio:.2f} |", flush=True)
