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

# Median wall seconds and max peak RSS (MiB) of a command over $RUNS runs.
measure() {
  python3 - "$RUNS" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
walls, rss = [], []
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    walls.append(time.perf_counter() - t)
    if r.returncode not in (0, 3):
        sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    rss.append(int(r.stderr.strip().splitlines()[-1]) / 1024)
print(f"{statistics.median(walls):.3f} {max(rss):.0f}")
PY
}

printf "%-8s %6s %10s %10s %7s %10s %10s\n" corpus files parse_s scan_s ratio parse_MiB scan_MiB
for corpus in stdlib django; do
  if [ "$corpus" = stdlib ]; then dir="$STDLIB"; else dir="$DJANGO"; fi
  files=$("$BIN" bench-parse "$dir" | awk '{print $2}')
  # Interleave, so a burst of load on the machine hits both sides alike.
  read -r parse_s parse_mb < <(measure "$BIN" bench-parse "$dir")
  read -r scan_s scan_mb < <(measure "$BIN" scan "$dir" --format json)
  ratio=$(python3 -c "print(f'{$scan_s/$parse_s:.2f}')")
  printf "%-8s %6s %10s %10s %7s %10s %10s\n" "$corpus" "$files" "$parse_s" "$scan_s" "${ratio}x" "$parse_mb" "$scan_mb"
done
