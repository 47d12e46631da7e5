#!/usr/bin/env bash
# Scan speed as a ratio to a bare tree-sitter parse of the same files, measured
# in the same run (these machines are shared and noisy: compare ratios, not seconds).
#
# Corpora: the CPython standard library on this machine, Django 5.1.4's
# source from PyPI (downloaded here at run time into $BENCH_CACHE, never
# committed), and 50,000 small modules written there at run time.
#
# Then the persistent cache: a warm re-scan of an unchanged repository, and of
# one with a changed file, against a cold scan (--no-cache), in the same run:
# each corpus as a working tree, and Django committed to git and read at a
# revision (--rev HEAD).
#
# Then a cohort in shards: Django's contrib apps as one git repository each,
# scanned in one run and as N shards (--shard K/N, one after the other, as N
# machines would run them) then merged; the merge must print the run's bytes.
#
# Then start-up: an empty folder, and small repositories with their history
# (a fixture committed to git), against `--version` (the process alone), the
# median of 10 x $RUNS runs each.
#
#   scripts/bench.sh            # 5 runs each, median wall time and peak memory
#   RUNS=9 scripts/bench.sh
#   ONLY=cache scripts/bench.sh # only the cache's table (ONLY=parse, shard, startup: only that one)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/portfolio-audit-bench}
mkdir -p "$CACHE"

cargo build --release --quiet
BIN=target/release/portfolio-audit

STDLIB=$(python3 -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
# 50,000 four-line modules in one project (100 packages of 500): the cost
# per file, next to the parse's.
SMALL="$CACHE/small-modules"
if [ ! -f "$SMALL/pyproject.toml" ]; then
  python3 - "$SMALL" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(100):
    pkg = os.path.join(root, "pkg", f"m{d}")
    os.makedirs(pkg, exist_ok=True)
    open(os.path.join(pkg, "__init__.py"), "w").close()
    for i in range(500):
        with open(os.path.join(pkg, f"mod{i}.py"), "w") as f:
            f.write(f"import os\n\ndef f{i}(x):\n    return os.path.join(x, '{i}')\n")
with open(os.path.join(root, "pyproject.toml"), "w") as f:
    f.write('[project]\nname = "small-modules"\n')
PY
fi
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
cmds = {"parse": [binary, "bench-parse", corpus], "scan": [binary, "scan", corpus, "--format", "json", "--no-cache"]}
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

# A cold scan (--no-cache) against warm ones with a cache of its own, run
# alternately $RUNS times each: the repository unchanged, then with one file
# changed before each run (a line appended: each of those runs misses).
# Prints the medians of wall time and their ratios to cold, and the ratios
# of the medians of CPU time (user + system).
measure_cache() {
  python3 - "$RUNS" "$BIN" "$@" <<'PY'
import pathlib, resource, statistics, subprocess, sys, tempfile, time
runs, binary, corpus, extra = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
cache = tempfile.mkdtemp(prefix="portfolio-audit-bench-cache-")
base = [binary, "scan", corpus, "--format", "json", "-q"] + extra
cold, warm = base + ["--no-cache"], base + ["--cache-dir", cache]
# The file changed: the first Python module, by path.
changed = sorted(pathlib.Path(corpus).rglob("*.py"))[0]
original = changed.read_bytes()
cpu = {"cold": [], "warm": [], "changed": []}
def children_cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime
def run(cmd, kind=None):
    t, c = time.perf_counter(), children_cpu()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in (0, 3):
        sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr.decode()}")
    if kind:
        cpu[kind].append(children_cpu() - c)
    return time.perf_counter() - t, r.stdout
at_rev = "--rev" in extra
run(warm)  # fills the cache
times = {"cold": [], "warm": [], "changed": []}
try:
    for i in range(runs):
        t, cold_out = run(cold, "cold"); times["cold"].append(t)
        t, out = run(warm, "warm"); times["warm"].append(t)
        assert out == cold_out, "a warm run must print what a cold run prints"
        changed.write_bytes(original + f"\n# bench edit {i}\n".encode())
        if at_rev:
            # At a revision, the change is a new commit.
            subprocess.run(["git", "-C", corpus, "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                            "commit", "-qam", f"edit {i}"], check=True)
        t, _ = run(warm, "changed"); times["changed"].append(t)
        if not at_rev:
            changed.write_bytes(original)
finally:
    if not at_rev:
        changed.write_bytes(original)
med = {k: statistics.median(v) for k, v in times.items()}
c = {k: statistics.median(v) for k, v in cpu.items()}
pct = lambda d, k: f"{100 * d[k] / d['cold']:.1f}%"
print(f"{med['cold']:.3f} {med['warm']:.3f} {pct(med, 'warm')} {pct(c, 'warm')} "
      f"{med['changed']:.3f} {pct(med, 'changed')} {pct(c, 'changed')}")
PY
}

# A cohort folder scanned in one run against N shards then a merge, run
# alternately $RUNS times each (no cache). Prints the repositories, the
# medians of the single run's wall time, of the slowest shard's (the wall
# time on N machines) and its ratio, of all shards' CPU time over the
# single run's, and of the merge's wall time and its ratio to the single run.
measure_shards() {
  python3 - "$RUNS" "$BIN" "$@" <<'PY'
import os, resource, statistics, subprocess, sys, tempfile, time
runs, binary, cohort, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
out = tempfile.mkdtemp(prefix="portfolio-audit-bench-shards-")
def run(cmd):
    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in (0, 3):
        sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr.decode()}")
    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (u1.ru_utime - u0.ru_utime) + (u1.ru_stime - u0.ru_stime)
    return time.perf_counter() - t, cpu, r.stdout
scan = [binary, "scan", cohort, "--format", "json", "-q", "--no-cache"]
m = {k: [] for k in ("single", "single_cpu", "slowest", "shards_cpu", "merge")}
for _ in range(runs):
    t, c, whole = run(scan); m["single"].append(t); m["single_cpu"].append(c)
    files, walls, cpus = [], [], []
    for k in range(1, n + 1):
        f = os.path.join(out, f"shard-{k}.json")
        t, c, _ = run(scan + ["--shard", f"{k}/{n}", "-o", f])
        files.append(f); walls.append(t); cpus.append(c)
    m["slowest"].append(max(walls)); m["shards_cpu"].append(sum(cpus))
    t, _, merged = run([binary, "merge", "--format", "json"] + files); m["merge"].append(t)
    assert merged == whole, "the merged shards must print the single run's report"
med = {k: statistics.median(v) for k, v in m.items()}
repos = len([d for d in os.listdir(cohort) if not d.startswith(".")])
print(f"{repos} {med['single']:.3f} {med['slowest']:.3f} {med['slowest'] / med['single']:.2f}x "
      f"{med['shards_cpu'] / med['single_cpu']:.2f}x {med['merge']:.3f} {100 * med['merge'] / med['single']:.1f}%")
PY
}

if [ -z "${ONLY:-}" ] || [ "$ONLY" = parse ]; then
  printf "%-8s %6s %9s %9s %10s %9s %10s %9s\n" corpus files parse_s scan_s wall_ratio cpu_ratio parse_MiB scan_MiB
  for corpus in stdlib django small; do
    case "$corpus" in
      stdlib) dir="$STDLIB" ;;
      django) dir="$DJANGO" ;;
      small) dir="$SMALL" ;;
    esac
    files=$("$BIN" bench-parse "$dir" | awk '{print $2}')
    read -r parse_s scan_s ratio cpu_ratio parse_mb scan_mb < <(measure_pair "$dir")
    printf "%-8s %6s %9s %9s %10s %9s %10s %9s\n" "$corpus" "$files" "$parse_s" "$scan_s" "$ratio" "$cpu_ratio" "$parse_mb" "$scan_mb"
  done
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = cache ]; then
  # Copies, so the corpora themselves are never edited; Django also as a git repository.
  work=$(mktemp -d)
  trap 'rm -rf "$work" "${cohort:-}"' EXIT
  cp -r "$STDLIB" "$work/stdlib"
  cp -r "$DJANGO" "$work/django"
  cp -r "$DJANGO" "$work/django-git"
  git -C "$work/django-git" init -q
  git -C "$work/django-git" add -A
  git -C "$work/django-git" -c user.name=bench -c user.email=bench@example.com commit -qm "Django 5.1.4"
  echo
  printf "%-8s %-9s %7s %7s %10s %9s %10s %11s %10s\n" corpus read_as cold_s warm_s warm/cold cpu_ratio changed_s changed/cold cpu_ratio
  for row in "stdlib worktree" "django worktree" "django git-rev"; do
    read -r corpus kind <<<"$row"
    if [ "$kind" = git-rev ]; then
      dir="$work/django-git"; extra=(--rev HEAD)
    else
      dir="$work/$corpus"; extra=()
    fi
    read -r cold_s warm_s warm_pct warm_cpu changed_s changed_pct changed_cpu < <(measure_cache "$dir" "${extra[@]}")
    printf "%-8s %-9s %7s %7s %10s %9s %10s %11s %10s\n" "$corpus" "$kind" "$cold_s" "$warm_s" "$warm_pct" "$warm_cpu" "$changed_s" "$changed_pct" "$changed_cpu"
  done
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = shard ]; then
  cohort=$(mktemp -d)
  trap 'rm -rf "${work:-}" "$cohort"' EXIT
  for app in "$DJANGO"/django/contrib/*/; do
    name=$(basename "$app")
    cp -r "$app" "$cohort/$name"
    git -C "$cohort/$name" init -q
    git -C "$cohort/$name" add -A
    git -C "$cohort/$name" -c user.name=bench -c user.email=bench@example.com commit -qm "$name"
  done
  echo
  printf "%-6s %5s %9s %10s %13s %15s %8s %12s\n" cohort repos single_s slowest_s slowest/single shards_cpu/cpu merge_s merge/single
  for n in 3 8; do
    read -r repos single slowest ratio cpu merge merge_pct < <(measure_shards "$cohort" "$n")
    printf "%-6s %5s %9s %10s %13s %15s %8s %12s\n" "N=$n" "$repos" "$single" "$slowest" "$ratio" "$cpu" "$merge" "$merge_pct"
  done
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = startup ]; then
  small=$(mktemp -d)
  trap 'rm -rf "${work:-}" "${cohort:-}" "$small"' EXIT
  mkdir "$small/empty"
  for repo in calculator-and-todo flask-blog; do
    cp -r "fixtures/portfolio/$repo" "$small/$repo"
    git -C "$small/$repo" init -q
    git -C "$small/$repo" add -A
    git -C "$small/$repo" -c user.name=bench -c user.email=bench@example.com commit -qm "$repo"
  done
  echo
  python3 - "$RUNS" "$BIN" "$small" <<'PY'
import os, statistics, subprocess, sys, time
runs, binary, small = int(sys.argv[1]) * 10, sys.argv[2], sys.argv[3]
def files(d):
    return sum(len(f) for r, _, f in os.walk(d) if "/.git" not in r + "/")
cases = [("--version", [binary, "--version"], None),
         ("rules list", [binary, "rules", "list"], None),
         ("empty folder", [binary, "scan", f"{small}/empty", "-q", "--no-cache", "--format", "json"], 0)]
for repo in ("calculator-and-todo", "flask-blog"):
    d = f"{small}/{repo}"
    cases.append((repo, [binary, "scan", d, "-q", "--no-cache", "--format", "json"], files(d)))
times = {name: [] for name, _, _ in cases}
for _ in range(runs):  # alternately, so load hits every case alike
    for name, cmd, _ in cases:
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times[name].append(time.perf_counter() - t)
base = statistics.median(times["--version"])
print(f"{'start-up':<22} {'files':>5} {'median_ms':>9} {'/--version':>10}")
for name, _, n in cases:
    m = statistics.median(times[name])
    print(f"{name:<22} {'' if n is None else n:>5} {1000 * m:>9.1f} {m / base:>9.1f}x")
PY
fi
