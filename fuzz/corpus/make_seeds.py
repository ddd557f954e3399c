"""Writes the seed corpora of fuzz/corpus/<target>/ (python3 fuzz/corpus/make_seeds.py from the repository root).

Seeds are small (afl mutates small files best): the small real fixtures of tests/fixtures are copied as they are, and
each format also gets a tiny file written here by the real writer (torch.save, torch's legacy writer) or, where
Debian's Python has no writer (safetensors, TorchSharp's Module.save), by the format's specification with the
values SharpCam's own writers produce. Run once; the outputs are committed and the CI replay reads them.
"""
import collections, gzip, io, json, os, shutil, struct, zipfile

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
FIX = os.path.join(ROOT, "tests", "fixtures")


def out(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


def copy(target, *relative):
    for rel in relative:
        with open(os.path.join(FIX, rel), "rb") as f:
            out(target, os.path.basename(rel), f.read())


def tiny_state():
    torch.manual_seed(0)
    return collections.OrderedDict([("fc.weight", torch.randn(2, 3)), ("fc.bias", torch.zeros(2)),
                                    ("bn.num_batches_tracked", torch.tensor(3))])


def saved(obj, **kw):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **kw)
    return buffer.getvalue()


# pickle-zip: torch.save zip (.pth) and a Lightning-style .ckpt, plus the small fixtures (dtypes, a malicious pickle,
# the hostile files of issue 9).
state = tiny_state()
out("pickle-zip", "tiny.pth", saved(state))
out("pickle-zip", "tiny_view.pth", saved({"a": torch.arange(6.0).reshape(2, 3).t(), "b": torch.arange(6.0)[2:]}))
out("pickle-zip", "tiny.ckpt", saved({"epoch": 1, "global_step": 10, "pytorch-lightning_version": "2.1.0",
                                      "state_dict": collections.OrderedDict(("model." + k, v) for k, v in state.items()),
                                      "hyper_parameters": {"lr": 0.001, "num_classes": 2, "name": "tiny", "sizes": [1, 2]}}))
copy("pickle-zip", "checkpoints/dtypes.pth", "checkpoints/dtypes_big_endian.pth", "checkpoints/malicious.pth",
     "hostile/hparams_graph.ckpt", "hostile/long1_numel.pth", "hostile/strides_overflow.pth")

# torch-legacy: the pre-1.6 format.
out("torch-legacy", "tiny_legacy.pth", saved(state, _use_new_zipfile_serialization=False))
out("torch-legacy", "tiny_legacy_ckpt.pth", saved({"state_dict": state, "epoch": 2}, _use_new_zipfile_serialization=False))


# safetensors: the format's specification (8-byte length, JSON header padded to 8, data), as SafetensorsFile.Save writes.
def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    names = {np.float32: "F32", np.int64: "I64", np.float16: "F16", np.uint8: "U8", np.bool_: "BOOL"}
    for name, array in tensors.items():
        raw = array.tobytes()
        header[name] = {"dtype": names[array.dtype.type], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


arrays = {k: v.numpy() for k, v in state.items()}
out("safetensors", "tiny.safetensors", safetensors(arrays, {"format": "pt"}))
out("safetensors", "dtypes_small.safetensors", safetensors({"h": np.ones(2, np.float16), "u": np.arange(3, dtype=np.uint8),
                                                          "b": np.array([True, False])}))
copy("safetensors", "checkpoints/dtypes.safetensors", "hostile/header_too_long.safetensors")


# torchsharp-dat: TorchSharp's Module.save (LEB128 count; per entry a BinaryWriter string, LEB128 dtype, rank and
# dimensions, raw bytes), joined to its JSON sidecar as CheckpointHarness.WithSidecar does.
def leb128(n):
    b = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        b.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(b)


def torchsharp(tensors):
    codes = {np.float32: 6, np.int64: 4, np.uint8: 0}
    data = leb128(len(tensors))
    for name, array in tensors.items():
        key = name.encode()
        data += leb128(len(key)) + key + leb128(codes[array.dtype.type]) + leb128(array.ndim)
        data += b"".join(leb128(d) for d in array.shape) + array.tobytes()
    return data


SEPARATOR = b"\n--sharpcam-dat--\n"
sidecar = json.dumps({"Architecture": "lenet", "NumClasses": 10, "Epoch": 6, "Step": 1000,
                      "HyperParameters": {"lr": 0.001, "batch_size": 32, "seed": 42}, "ClassNames": list("0123456789")},
                     indent=2).encode()
dat = torchsharp(arrays)
out("torchsharp-dat", "tiny_with_sidecar", sidecar + SEPARATOR + dat)
out("torchsharp-dat", "tiny_no_sidecar.dat", dat)
out("torchsharp-dat", "tiny_bad_sidecar", sidecar[:40] + SEPARATOR + dat)   # the case: a torn sidecar

# onnx: the small fixtures.
copy("onnx", "onnx/unsupported_op.onnx", "onnx/nhwc_handmade.onnx", "onnx/vgg11_op11.onnx", "onnx/resnet18_op11.onnx")

# idx: the first digits and labels of the bundled MNIST sample, raw and gzip.
with gzip.open(os.path.join(ROOT, "data", "mnist-sample", "t10k-images-idx3-ubyte.gz")) as f:
    images = f.read()
with gzip.open(os.path.join(ROOT, "data", "mnist-sample", "t10k-labels-idx1-ubyte.gz")) as f:
    labels = f.read()
few_images = struct.pack(">iiii", 0x0803, 2, 28, 28) + images[16:16 + 2 * 784]
few_labels = struct.pack(">ii", 0x0801, 2) + labels[8:10]
out("idx", "images-2.idx3-ubyte", few_images)
out("idx", "labels-2.idx1-ubyte", few_labels)
out("idx", "images-2.idx3-ubyte.gz", gzip.compress(few_images, mtime=0))
out("idx", "labels-2.idx1-ubyte.gz", gzip.compress(few_labels, mtime=0))
out("idx", "images-tiny.idx3-ubyte", struct.pack(">iiii", 0x0803, 1, 2, 2) + bytes([0, 64, 128, 255]))

# photos of every format, for the header reader, the full read and the explorer's uploads.
photos = ["images/decoding/" + n for n in sorted(os.listdir(os.path.join(FIX, "images", "decoding")))
          if n.rsplit(".", 1)[-1] in ("jpg", "png", "bmp", "webp") and os.path.getsize(os.path.join(FIX, "images", "decoding", n)) <= 8000]
photos += ["serve/" + n for n in sorted(os.listdir(os.path.join(FIX, "serve"))) if not n.endswith(".py")]
photos += ["zoo/images/exif_rotate90.jpg", "zoo/images/rgba.png"]
for target in ("image-header", "image-read", "upload"):
    copy(target, *photos)

# labels: the notebook's literal (first classes), the tricky literal, JSON list and object, plain lines.
with open(os.path.join(FIX, "zoo", "labels", "imagenet_dict_literal.txt"), "rb") as f:
    literal = f.read().split(b"\n")
out("labels", "imagenet_head.txt", b"\n".join(literal[:4]).rstrip(b",") + b"}\n")
copy("labels", "zoo/labels/tricky_literal.txt")
out("labels", "list_literal.txt", b"# digits\n['zero', \"one\", 'two\\'s', u'three',\n 'f' 'our']\n")
out("labels", "list.json", b'["cat", "dog", "bird"]')
out("labels", "object.json", b'{"0": "cat", "1": "dog"}')
out("labels", "plain.txt", b"cat\ndog\r\nbird\n")

# manifest: the documented example; journal: its items as a run journals them (one JSON line per finished item).
with open(os.path.join(FIX, "reports", "manifest-doc-example.json"), "rb") as f:
    manifest = f.read()
out("manifest", "doc-example.json", manifest)
doc = json.loads(manifest)
lines = [{"position": i, "item": item, "loss": 0.25 + i, "metrics": {"drop": 0.1}} for i, item in enumerate(doc["items"])]
lines.append({"position": len(lines), "skipped": {"id": "0009-broken", "source": "photos/broken.jpg", "reason": "damaged"}})
out("journal", "journal.jsonl", b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines))
out("journal", "torn.jsonl", b"".join(json.dumps(line).encode() + b"\n" for line in lines[:1]) + b'{"position": 1, "it')

# request-params: the page's own queries.
for i, q in enumerate(["", "sort=rank&offset=0&limit=60", "true=3&pred=5&mistakes=1", "min=0.25&max=0.9&sort=confidence-desc",
                       "sort=index&offset=120&limit=60", "true=&pred=&min=&limit=200"]):
    out("request-params", f"query{i}", q.encode())
