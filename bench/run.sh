#!/usr/bin/env bash
# Runs the benchmarks of anonymous-auth-filter and writes bench/RESULTS.md. See bench/README.md.
#
#   bench/run.sh            # everything: JMH micro-benchmarks, load (wrk), flood; ~8 minutes on 2 cores
#   bench/run.sh jmh        # only the JMH micro-benchmarks (also: load, flood; several may be given)
#   QUICK=1 bench/run.sh    # short iterations everywhere (~3 minutes): a smoke test, not numbers to quote
#   JMH_ARGS='-p payload=v3-gzip' bench/run.sh jmh FilterBenchmark   # extra JMH options / benchmark regex
#
# Needs JDK 17+, Maven 3.8+, and wrk for the load benchmark (installed with apt-get when missing and
# running as root). Builds and installs the filter from this checkout first; the benchmarks then run
# with this checkout's target/classes ahead of anything in ~/.m2.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
RESULTS="$BENCH/target/results"
cd "$BENCH"

phases=()
jmh_regex=()
for arg in "$@"; do
  case "$arg" in
    jmh|load|flood) phases+=("$arg") ;;
    *) jmh_regex+=("$arg") ;;
  esac
done
[ ${#phases[@]} -eq 0 ] && phases=(jmh load flood)
has() { [[ " ${phases[*]} " == *" $1 "* ]]; }
log() { printf '[run.sh] %s\n' "$*" >&2; }

if has load && ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing wrk"
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    log "wrk is missing: apt-get install wrk (or run as root)"; exit 1
  fi
fi

build() {
  (cd "$ROOT" && mvn -B -q install -DskipTests) && mvn -B -q package -DskipTests
}
log "building the filter ($(git -C "$ROOT" rev-parse --short HEAD)) and the benchmarks"
# ~/.m2 may be shared with other checkouts installing the same snapshot: one retry.
build || { log "build failed, retrying once"; build; }
FILTER_JAR_RE='/dev/anonauth/anonymous-auth-filter/'
CP="$ROOT/target/classes:$BENCH/target/classes:$(tr ':' '\n' < target/classpath.txt | grep -v "$FILTER_JAR_RE" | paste -sd: -)"

rm -rf "$RESULTS" && mkdir -p "$RESULTS"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU use over one second (top's second frame), not ps's lifetime average.
busiest() { top -b -n 2 -d 1 -w 200 | awk '/^top -/{frame++} frame==2 && $1 ~ /^[0-9]+$/ && $12 != "top" {printf "%s %s%%; ", $12, $9; if (++n == 4) exit}'; }
{
  echo "### Machine and run"
  echo
  echo "- run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench/RESULTS.md' || echo ' (uncommitted changes)'), phases: ${phases[*]}${QUICK:+ (QUICK: short iterations, not numbers to quote)}"
  echo "- CPU: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), RAM $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- JDK: $(java -version 2>&1 | sed -n 2p); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}' || true)"
  echo "- load average at start: $(loadavg); busiest processes over 1 s (none of them this run's): $(busiest)"
} > "$RESULTS/machine.md"

if has jmh; then
  log "JMH micro-benchmarks"
  quick=()
  [ -n "${QUICK:-}" ] && quick=(-wi 1 -i 2 -w 1 -r 1)
  # /tmp/jmh.lock is machine-wide: on a shared machine another checkout's JMH may hold it. Wait for it
  # (up to 10 minutes) rather than measure alongside it.
  for attempt in $(seq 1 40); do
    # shellcheck disable=SC2086
    java -cp "$CP" org.openjdk.jmh.Main "${jmh_regex[@]}" -prof gc "${quick[@]}" ${JMH_ARGS:-} \
      -rf json -rff "$RESULTS/jmh.json" > "$RESULTS/jmh.log" 2>&1 &
    jmh_pid=$!
    tail -n +1 --pid=$jmh_pid -f "$RESULTS/jmh.log" 2>/dev/null \
      | grep --line-buffered -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' | grep --line-buffered -v ':gc\.\(count\|time\|alloc\.rate \)' >&2 || true
    if wait $jmh_pid; then break; fi
    if grep -q 'Unable to acquire the JMH lock' "$RESULTS/jmh.log" && [ "$attempt" -lt 40 ]; then
      log "another JMH run holds /tmp/jmh.lock; waiting 15 s"; sleep 15
    else
      log "JMH failed, see $RESULTS/jmh.log"; tail -20 "$RESULTS/jmh.log" >&2; exit 1
    fi
  done
  echo "- after JMH: load average $(loadavg)" >> "$RESULTS/machine.md"
fi

if has load; then
  log "load benchmark (wrk)"
  echo "- before the load benchmark: load average $(loadavg); busiest processes over 1 s (none of them this run's): $(busiest)" >> "$RESULTS/machine.md"
  load_args=()
  [ -n "${QUICK:-}" ] && load_args=(--seconds 3 --rounds 2 --warmup 2)
  java -Xms1g -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" ${LOAD_JVM_OPTS:-} \
    dev.anonauth.bench.load.LoadBench --script "$BENCH/wrk/intake.lua" --out "$RESULTS/load.md" "${load_args[@]}" ${LOAD_ARGS:-} >/dev/null
  echo "- after the load benchmark: load average $(loadavg)" >> "$RESULTS/machine.md"
fi

if has flood; then
  log "flood benchmark"
  java -XX:+UseSerialGC -Xmx512m -Djdk.attach.allowAttachSelf=true -Djol.magicFieldOffset=true -cp "$CP" \
    dev.anonauth.bench.flood.FloodBench --out "$RESULTS/flood.md" 2>&1 >/dev/null | grep -v '^# WARNING' >&2 || true
fi

java -cp "$CP" dev.anonauth.bench.report.Report "$RESULTS" "$BENCH/RESULTS.md" > /dev/null
log "wrote $BENCH/RESULTS.md (parts in $RESULTS)"
