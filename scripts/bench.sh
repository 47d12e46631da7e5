#!/usr/bin/env bash
# Scan speed as a ratio to a bare tree-sitter parse of the same files, measured
# in the same run (these machines are shared and noisy: compare ratios, not seconds).
#
# Corpora: the CPython standard library on this machine, and Django 5.1.4's
# source from PyPI (downloaded here at run time into $BENCH_CACHE, never committed).
#
#   scripts/bench.sh            # 5 runs each, median wall time and peak memory
#   RUNS=9 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/portfolio-audit-bench}
mkdir -p "$CACHE"

cargo build --release --quiet
BIN=target/release/portfolio-audit

STDLIB=$(python3 -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
DJANGO="$CACHE/Django-5.1.4"
if [ ! -d "$DJANGO" ]; then
  python3 -m pip download --quiet --no-deps --no-binary :all: "django==5.1.4" -d "$CACHE"
  tar -xzf "$CACHE"/[Dd]jango-5.1.4.tar.gz -C "$CACHE"
  [ -d "$DJANGO" ] || mv "$CACHE/django-5.1.4" "$DJANGO"
fi

# Runs the parse and the scan alternately $RUNS times each (so a burst of load
# on the machine hits both alike); prints the median wall seconds, the ratios
# of the medians of wall time and of CPU time (user + system, which other
# load on a shared machine disturbs less), and peak memory (MiB).
measure_pair() {
  python3 - "$RUNS" "$BIN" "$1" <<'PY'
import statistics, subprocess, sys, time
runs, binary, corpus = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {"parse": [binary, "bench-parse", corpus], "scan": [binary, "scan", corpus, "--format", "json"]}
wall = {k: [] for k in cmds}
cpu = {k: [] for k in cmds}
rss = {k: [] for k in cmds}
for _ in range(runs):
    for k, cmd in cmds.items():
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%U %S %M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall[k].append(time.perf_counter() - t)
        if r.returncode not in (0, 3):
            sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
        user, system, kb = r.stderr.strip().splitlines()[-1].split()
        cpu[k].append(float(user) + float(system))
        rss[k].append(int(kb) / 1024)
med = lambda d, k: statistics.median(d[k])
p, s = med(wall, "parse"), med(wall, "scan")
cp, cs = med(cpu, "parse"), med(cpu, "scan")
print(f"{p:.3f} {s:.3f} {s / p:.2f}x {cs / cp:.2f}x {max(rss['parse']):.0f} {max(rss['scan']):.0f}")
PY
}

printf "%-8s %6s %9s %9s %10s %9s %10s %9s\n" corpus files parse_s scan_s wall_ratio cpu_ratio parse_MiB scan_MiB
for corpus in stdlib django; do
  if [ "$corpus" = stdlib ]; then dir="$STDLIB"; else dir="$DJANGO"; fi
  files=$("$BIN" bench-parse "$dir" | awk '{print $2}')
  read -r parse_s scan_s ratio cpu_ratio parse_mb scan_mb < <(measure_pair "$dir")
  printf "%-8s %6s %9s %9s %10s %9s %10s %9s\n" "$corpus" "$files" "$parse_s" "$scan_s" "$ratio" "$cpu_ratio" "$parse_mb" "$scan_mb"
done
