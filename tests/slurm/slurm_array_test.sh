#!/usr/bin/env bash
# A real Slurm: a one-node cluster on localhost (munged, slurmctld, slurmd,
# all configured in a temporary folder), the recipe docs/scale-out/pixpool-array.sbatch
# submitted as a 4-task job array with sbatch --wait, then:
#   - pixpool status says every file is done, in 4 shards;
#   - every input is in exactly one shard's report (merge-reports replaces no row);
#   - the outputs are byte-identical to one unsplit run.
# Installs Debian's slurm-wlm and munge when they are missing. When Slurm
# cannot run here, exits 77 (CTest: skipped) with the reason on stdout.
#
# Usage: slurm_array_test.sh PIXPOOL_BINARY SOURCE_DIR
set -euo pipefail
pixpool=$1
source_dir=$2
recipe=$source_dir/docs/scale-out/pixpool-array.sbatch

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; exit 1; }

# --- Slurm and munge, from Debian ------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
   ! command -v munged >/dev/null; then
  [ "$(id -u)" -eq 0 ] || skip "slurm-wlm and munge are not installed, and installing them needs root"
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed, and there is no apt-get"
  echo "installing slurm-wlm and munge from Debian"
  export DEBIAN_FRONTEND=noninteractive
  # The packages' scripts would start system-wide daemons; this test starts its own.
  no_start=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && no_start=1
  fi
  installed=0
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null 2>&1 && installed=1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null && installed=1; } || true
  [ -n "$no_start" ] && rm -f /usr/sbin/policy-rc.d
  [ "$installed" = 1 ] || skip "apt-get could not install slurm-wlm and munge"
fi
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs as their user; this test runs as $(id -un)"

work=$(mktemp -d /tmp/pixpool-slurm-XXXXXX)
pids=()
stop_daemons() {
  # Only what this test started, by its process id: slurmd, slurmctld, munged.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop_daemons EXIT
show_logs() { tail -n 20 "$work"/log/* 2>/dev/null || true; }

# --- munge: a fresh key, its own socket -------------------------------------
mkdir -p "$work/log" "$work/state" "$work/spool" "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
munged --force --key-file="$work/munge/munge.key" --socket="$socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed" ||
  { show_logs; skip "munged would not start (see its log above)"; }
pids+=("$(cat "$work/munge/munged.pid")")
munge -S "$socket" -n | unmunge -S "$socket" >/dev/null || skip "munge cannot encode and decode a credential here"

# --- slurm.conf for one node on localhost -----------------------------------
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    if port_is_free "$port" && port_is_free "$((port + 1))"; then echo "$port"; return; fi
  done
  return 1
}
port=$(free_port) || skip "no free TCP port pair on 127.0.0.1"
host=$(hostname -s)
cpus=$(nproc)
export SLURM_CONF=$work/slurm.conf
# No cgroups and no systemd here: processes are tracked through /proc
# (proctrack/linuxproc), tasks are not bound (task/none), nothing is accounted.
cat >"$SLURM_CONF" <<EOF
ClusterName=pixpooltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=("$!")
slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.out" 2>&1 &
pids+=("$!")
state=
for _ in $(seq 60); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { show_logs; skip "slurmctld and slurmd started but the node is not idle after 30 s (state '$state'; logs above)"; }
echo "slurm: one node '$host' with $cpus CPUs, ports $port-$((port + 1))"

# --- the corpus: the sample images, three times, in a small tree -----------
corpus=$work/photos
mkdir -p "$corpus/2024/05" "$corpus/2024/06" "$corpus/2025"
n=0
for copy in 1 2 3; do
  for image in astronaut.jpg camera.png chelsea.png coffee.jpg retina.webp rocket.webp; do
    case $((n % 3)) in 0) dir=2024/05 ;; 1) dir=2024/06 ;; 2) dir=2025 ;; esac
    cp "$source_dir/sample_images/$image" "$corpus/$dir/${copy}_$image"
    n=$((n + 1))
  done
done
echo "corpus: $n images"

# --- the recipe as a 4-task array, and one unsplit run to compare with -----
out=$work/out
sbatch --wait --array=0-3 --cpus-per-task=1 --output="$work/log/task-%A_%a.log" \
  --export="ALL,PIXPOOL=$pixpool,INPUT=$corpus,OUTPUT=$out,FILTERS=gaussian_blur:sigma=2 grayscale" \
  "$recipe" || { tail -n 20 "$work"/log/task-*.log; fail "sbatch --wait: some array task failed (logs above)"; }
"$pixpool" run "$corpus" -r -o "$work/whole" -f gaussian_blur:sigma=2 -f grayscale -q ||
  fail "the unsplit run failed"

# --- checks -----------------------------------------------------------------
ls "$work"/log/task-*_{0,1,2,3}.log >/dev/null || fail "not every array task left its log"
status=$("$pixpool" status "$out") || { echo "$status"; fail "pixpool status: not all done"; }
echo "$status"
grep -qx "all: $n files: $n done, 0 failed, 0 missing" <<<"$status" || fail "status does not count $n done"
[ "$(grep -c '^shard [0-3]/4: ' <<<"$status")" -eq 4 ] || fail "status does not show 4 shards"
[ "$(ls -A "$out" | grep -c '^\.pixpool-journal\.shard-[0-3]-of-4\.jsonl$')" -eq 4 ] || fail "not 4 shard journals"

merged=$("$pixpool" merge-reports "$out.reports"/report-*-of-4.jsonl) || fail "merge-reports: not all ok"
[ "$(grep -c '"input"' <<<"$merged")" -eq "$n" ] || fail "the merged report has not one row per input"
grep -q '"files":'"$n"',"ok":'"$n"',' <<<"$merged" || fail "merged summary: $(tail -1 <<<"$merged")"
grep -q '"rows_replaced_by_a_later_report":0' <<<"$merged" || fail "an input was in two shards' reports"

diff -r --exclude='.pixpool-journal*' "$work/whole" "$out" || fail "split and unsplit outputs differ"
echo "ok: $n files in 4 Slurm array tasks, each once, byte-identical to the unsplit run"
