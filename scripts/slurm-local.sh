#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the Slurm executor's tests and for trying `--executor slurm` here:
#   scripts/slurm-local.sh install        Debian's slurm-wlm and munge (as root; nothing when present)
#   scripts/slurm-local.sh start DIR      munged (if not running), then slurmctld and slurmd with DIR/slurm.conf
#   scripts/slurm-local.sh stop DIR       stops the daemons this script started in DIR
# `start` prints `export SLURM_CONF=DIR/slurm.conf`: sbatch, squeue, scancel and bindbench find the cluster through it.
# Everything the cluster writes (state, spool, logs, the finished jobs' record) stays in DIR. Needs root, since
# slurmd starts jobs as their submitting user.
set -euo pipefail

die() { echo "slurm-local: $*" >&2; exit 1; }

install() {
  if command -v slurmctld >/dev/null && command -v munged >/dev/null; then return 0; fi
  [ "$(id -u)" = 0 ] || die "slurm-wlm and munge are missing and installing them needs root: sudo apt-get install -y slurm-wlm munge"
  command -v apt-get >/dev/null || die "slurm-wlm and munge are missing and this machine has no apt-get"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null) \
    || die "apt-get could not install slurm-wlm and munge"
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  [ -f /etc/munge/munge.key ] || die "/etc/munge/munge.key is missing (reinstall munge: it creates the key)"
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged || die "munged did not start"
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "munged started but does not answer"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir=$1
  [ "$(id -u)" = 0 ] || die "starting slurmctld and slurmd needs root"
  command -v slurmctld >/dev/null || die "slurmctld is missing: run '$0 install' first"
  mkdir -p "$dir/state" "$dir/spool"
  dir=$(cd "$dir" && pwd)
  start_munge
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  # A little under the machine's memory, or slurmd registers the node as invalid.
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  cat >"$dir/slurm.conf" <<EOF
ClusterName=bindbench-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
# Finished jobs stay visible to squeue/scontrol for 10 minutes, and are recorded in a text file (no slurmdbd here).
MinJobAge=600
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
KillWait=5
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -f "$SLURM_CONF" || die "slurmctld did not start: see $dir/slurmctld.log"
  slurmd -f "$SLURM_CONF" || die "slurmd did not start: see $dir/slurmd.log"
  for _ in $(seq 100); do
    if [ "$(sinfo -h -o %T 2>/dev/null | head -1)" = idle ]; then echo "export SLURM_CONF=$SLURM_CONF"; return 0; fi
    sleep 0.2
  done
  die "the node did not become idle within 20 s: see $dir/slurmctld.log and $dir/slurmd.log"
}

stop() {
  local dir=$1 pid
  for daemon in slurmd slurmctld; do
    if [ -f "$dir/$daemon.pid" ] && pid=$(cat "$dir/$daemon.pid") && kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

case "${1:-}" in
  install) install ;;
  start) [ -n "${2:-}" ] || die "usage: $0 start DIR"; start "$2" ;;
  stop) [ -n "${2:-}" ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 install | start DIR | stop DIR" ;;
esac
