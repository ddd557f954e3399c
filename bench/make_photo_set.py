"""The streaming benchmark's photo set: N JPEGs made from the four sample photos (random crop of 50-100 % of each
side, random horizontal flip, long side 300-1000 px, quality 90), seeded, so every run measures the same files.

    /usr/bin/python3 bench/make_photo_set.py OUT_DIR N [SEED [MIN_SIDE MAX_SIDE]]

MIN_SIDE/MAX_SIDE change the long side's range (e.g. 64 128: small photos, for a memory measurement whose run time
should go to the pipeline rather than to decoding).
"""
import os
import random
import sys

from PIL import Image

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
out, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
min_side, max_side = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else (300, 1000)
samples = [Image.open(os.path.join(root, name)).convert("RGB") for name in sorted(os.listdir(root)) if name.endswith((".png", ".jpg"))]
os.makedirs(out, exist_ok=True)
for i in range(count):
    image = samples[i % len(samples)]
    w, h = image.size
    cw, ch = int(w * rng.uniform(0.5, 1.0)), int(h * rng.uniform(0.5, 1.0))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    crop = image.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
    side = rng.randint(min_side, max_side)
    scale = side / max(cw, ch)
    crop = crop.resize((max(1, round(cw * scale)), max(1, round(ch * scale))), Image.BILINEAR)
    crop.save(os.path.join(out, f"photo{i:05d}.jpg"), quality=90)
