#!/usr/bin/env bash
# Submits a SharpCam run as N shards plus a merge job that waits for all of them:
#   RUN=/shared/runs/val50k examples/slurm/submit.sh 16 --model resnet50 --weights W.pth --images /shared/val
# prints the merge job's id; `sacct -j ID` or the job's output file tells when the merged run is ready.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
shards=${1:?usage: submit.sh N [explain options...]}; shift
: "${RUN:?set RUN to the run folder on shared storage}"
mkdir -p "$RUN/logs"
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" --output="$RUN/logs/shard-%a.out" \
  "$here/explain-array.sbatch" "$@")
sbatch --parsable --export=ALL --dependency="afterok:$array" --output="$RUN/logs/merge.out" "$here/merge.sbatch"
