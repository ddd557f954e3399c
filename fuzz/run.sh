#!/usr/bin/env bash
# Fuzzes one of SharpCam's readers of untrusted bytes with afl++ and SharpFuzz (docs/FUZZING.md).
#   fuzz/run.sh --list              the targets
#   fuzz/run.sh TARGET SECONDS      install what is missing (apt afl++, the sharpfuzz dotnet tool), build and
#                                   instrument the harness, fuzz TARGET for SECONDS, print
#                                   "TARGET: N execs, N crashes, N hangs"; exit 0 only with no crash and no hang.
# Findings are left in fuzz/out/findings/TARGET/default/{crashes,hangs}; replay one with
#   fuzz/out/bin/SharpCam.Fuzz TARGET FILE
# A later run of the same target starts from the seeds and the queue earlier runs grew, so coverage builds up across
# runs (fuzz/out/history.log keeps every run's numbers).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=${SHARPCAM_FUZZ_OUT:-$here/out}

build() {
  # Built once per source change: publish, then hard-link the output (libtorch is ~600 MB) and instrument private
  # copies of SharpCam's own assemblies; the rest (TorchSharp, SkiaSharp, .NET) is left uninstrumented.
  dotnet publish "$here/SharpCam.Fuzz" -c Release -o "$out/publish" --nologo -v quiet >&2
  local stamp; stamp=$(cat "$out"/publish/SharpCam*.dll | sha256sum | cut -c1-16)
  if [[ ! -f "$out/bin/.stamp" || $(cat "$out/bin/.stamp") != "$stamp" ]]; then
    rm -rf "$out/bin"
    cp -al "$out/publish" "$out/bin"
    for dll in SharpCam.dll SharpCam.Server.dll SharpCam.Fuzz.Targets.dll; do
      rm "$out/bin/$dll" && cp "$out/publish/$dll" "$out/bin/$dll"
      "$out/tools/sharpfuzz" "$out/bin/$dll" >&2
    done
    echo "$stamp" > "$out/bin/.stamp"
  fi
}

install() {
  command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++; } >&2
  [[ -x "$out/tools/sharpfuzz" ]] || dotnet tool install --tool-path "$out/tools" SharpFuzz.CommandLine --version 2.3.0 >&2
}

targets() { "$out/publish/SharpCam.Fuzz" --list; }

# Everything runs from main, so bash has read the whole file before it starts: editing run.sh while a run is going
# cannot make the running one execute a shifted mix of old and new lines.
main() {
  if [[ ${1:-} == --list ]]; then install; build; targets; return 0; fi
  if [[ $# -ne 2 || ! $2 =~ ^[0-9]+$ ]]; then echo "usage: fuzz/run.sh --list | fuzz/run.sh TARGET SECONDS" >&2; return 2; fi
  target=$1 seconds=$2
  install
  build
  targets | grep -qx "$target" || { echo "unknown target '$target'; fuzz/run.sh --list names them" >&2; exit 2; }
  dict=$(grep -A0 "\"$target\"" "$here/SharpCam.Fuzz.Targets/FuzzTargets.cs" | sed -E 's/.*"'"$target"'", "([a-z]+)".*/\1/')

  findings="$out/findings/$target"
  seeds="$here/corpus/$target"
  if [[ -d "$findings/default/queue" ]]; then
    # Continue from what earlier runs found: their queue joins the seeds of a fresh afl run (so this run's counts are
    # its own); the earlier run's folder, findings included, moves to findings-earlier/.
    seeds="$out/seeds/$target"
    rm -rf "$seeds" && mkdir -p "$seeds" "$out/findings-earlier"
    cp "$here/corpus/$target"/* "$seeds"/
    find "$findings/default/queue" -maxdepth 1 -type f -name 'id:*' -exec cp {} "$seeds"/ \;
    mv "$findings" "$out/findings-earlier/$target-$(date +%Y%m%d-%H%M%S)"
  fi
  mkdir -p "$findings"
  # The harness's scratch files: afl kills its children at the end, so they cannot remove their own; run.sh does.
  local scratch="$out/tmp/$target"
  rm -rf "$scratch" && mkdir -p "$scratch"
  # -t 2000: a hang is an input taking over 2 s. -m none: afl's -m limits address space, which the .NET runtime
  # cannot start under; the 512 MiB limit is the harness's own (peak resident set, MemoryLimit.cs). The managed heap
  # cap (1 GiB) only keeps a runaway allocation from taking the machine: at 512 MiB it refused a 311 MB buffer the
  # reader reserved but never touched (resident memory stayed at 38 MB), which is not memory used.
  # AFL_NO_AFFINITY: the machine is shared; afl must not pin a core.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_FORKSRV_INIT_TMOUT=120000 \
  TMPDIR="$scratch" DOTNET_GCHeapHardLimit=0x40000000 DOTNET_TieredPGO=0 SHARPCAM_FUZZ_WARMUP="$here/corpus/$target" \
    afl-fuzz -i "$seeds" -o "$findings" -t 2000 -m none -x "$here/dict/$dict.dict" -V "$seconds" \
    -- "$out/bin/SharpCam.Fuzz" "$target" > "$findings/afl.log" 2>&1 || { tail -30 "$findings/afl.log" >&2; exit 1; }

  rm -rf "$scratch"
  stats="$findings/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  execs=$(stat execs_done) crashes=$(stat saved_crashes) hangs=$(stat saved_hangs)
  echo "$(date -u +%FT%TZ) $target: $(stat run_time) s, map density $(stat bitmap_cvg), edges $(stat edges_found), corpus $(stat corpus_count)" | tee -a "$out/history.log"
  echo "$target: $execs execs, $crashes crashes, $hangs hangs" | tee -a "$out/history.log"
  [[ $crashes == 0 && $hangs == 0 ]]
}

main "$@"; exit
