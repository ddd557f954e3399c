#!/usr/bin/env bash
# Batch-1 forwards of SharpCam (TorchSharp, libtorch 2.10) and PyTorch (Debian's python3-torch), timed alternately:
# each round runs one process of each with the same intra-op thread count, and prints their median seconds per image.
#   bash bench/forward_vs_pytorch.sh [ROUNDS] [THREADS] [--cpu-time]
# Needs bench/SharpCam.Bench built in Release (dotnet build -c Release bench/SharpCam.Bench).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; threads=${2:-2}; clock=${3:-}
bench=${SHARPCAM_BENCH:-bench/SharpCam.Bench/bin/Release/net10.0/linux-x64/SharpCam.Bench.dll}
# CPU time counts OpenMP's spinning threads too, which on a loaded machine is most of it: make them sleep instead.
[ -n "$clock" ] && export OMP_WAIT_POLICY=passive
for round in $(seq "$rounds"); do
  for model in resnet18 resnet50; do
    sharp=$(dotnet "$bench" --models "$model" --methods none --batches 1 --repetitions 7 --no-flatness --threads "$threads" $clock | grep "^| $model" | cut -d'|' -f5)
    torch=$(/usr/bin/python3 bench/torch_reference.py --models "$model" --batches 1 --repetitions 7 --forward-only --threads "$threads" $clock | grep "^| $model" | cut -d'|' -f5)
    echo "round $round $model threads $threads: SharpCam $sharp s, PyTorch $torch s, ratio $(echo "$sharp / $torch" | bc -l | cut -c1-5)"
  done
done
