#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the cluster tests (tests/SharpCam.Tests/Cluster).
#   local-slurm.sh start DIR   writes DIR/slurm.conf, starts slurmctld and slurmd (PIDs in DIR), waits until the
#                              node is idle; prints the SLURM_CONF to export for every client command
#   local-slurm.sh stop DIR    stops both daemons by their PIDs
# Debian 12's slurm-wlm 22.05 without systemd: proctrack/linuxproc (the cgroup default fails and still reports
# jobs COMPLETED), NodeName = `hostname -s`, RealMemory at most the real memory, no munge (auth/none, cred/none).
# Ports come from the environment (SHARPCAM_SLURM_PORT, default 16817/16818) so two clusters need not collide.
set -euo pipefail
cmd=${1:?usage: local-slurm.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: local-slurm.sh start|stop DIR}")
port=${SHARPCAM_SLURM_PORT:-16817}

stop() {
  for daemon in slurmd slurmctld; do
    if [ -f "$dir/$daemon.pid" ]; then
      pid=$(cat "$dir/$daemon.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$dir/$daemon.pid"
    fi
  done
}

case "$cmd" in
  start)
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null || { echo "slurm-wlm is not installed" >&2; exit 3; }
    mkdir -p "$dir/state" "$dir/spool"
    node=$(hostname -s)
    mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=sharpcam-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/none
CredType=cred/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmUser=root
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -i
    slurmd
    for _ in $(seq 100); do
      if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then echo "$SLURM_CONF"; exit 0; fi
      sleep 0.1
    done
    echo "the one-node Slurm cluster did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
    stop
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: local-slurm.sh start|stop DIR" >&2; exit 2 ;;
esac
