#!/usr/bin/env bash
# Whole-process start-up: the median wall time of `java -jar mfa-monitor.jar run` on a copy of the quickstart, as a
# cron job or systemd timer would start it, without and with application class-data sharing (AppCDS).
#
#   mfa-benchmarks/bin/startup.sh [RUNS] [JAR]        (defaults: 10, mfa-runner/target/mfa-monitor.jar)
#
# Build the jar first: mvn -q -B -pl mfa-runner -am package -DskipTests
# Each variant gets one untimed run first (the baseline run of the quickstart, and the AppCDS training run), then
# RUNS timed steady-state runs. Extra JVM options for every run: JAVA_OPTS. Times are taken with `date +%s%N`, so
# nothing beyond bash, coreutils and java is needed.
set -euo pipefail

runs=${1:-10}
repo=$(cd "$(dirname "$0")/../.." && pwd)
jar=$(realpath "${2:-$repo/mfa-runner/target/mfa-monitor.jar}")
[[ -f $jar ]] || { echo "no jar at $jar: build it with mvn -q -B -pl mfa-runner -am package -DskipTests" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mfa-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One fresh copy of the quickstart per variant, so that every variant times the same steady-state run.
fresh_config() {
    rm -rf "$work/quickstart"
    cp -r "$repo/examples/quickstart" "$work/quickstart"
    rm -rf "$work/quickstart/state"
    echo "$work/quickstart/mfa-monitor.yaml"
}

# run_once CONFIG JVM_OPTION...: one run, its output discarded; fails loudly on an unexpected exit code.
run_once() {
    local config=$1; shift
    local code=0
    java ${JAVA_OPTS:-} "$@" -jar "$jar" run --config "$config" >"$work/last.log" 2>&1 || code=$?
    if [[ $code -ne 0 ]]; then
        echo "mfa-monitor exited $code; its output:" >&2
        cat "$work/last.log" >&2
        exit 1
    fi
}

# median_ms NAME JVM_OPTION...: RUNS timed runs after one untimed run; prints and returns the median in ms.
median_ms() {
    local name=$1; shift
    local config times=() start end
    config=$(fresh_config)
    run_once "$config" "$@"
    for ((i = 0; i < runs; i++)); do
        start=$(date +%s%N)
        run_once "$config" "$@"
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    local median
    median=$(echo "$sorted" | awk -v n="$runs" '{ a[NR] = $1 } END { if (n % 2) print a[(n + 1) / 2]; else print int((a[n / 2] + a[n / 2 + 1]) / 2) }')
    printf '%-48s median %5d ms   (min %d, max %d, %d runs)\n' "$name" "$median" \
        "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$runs"
}

echo "jar: $jar ($(stat -c %s "$jar") bytes); $(java -version 2>&1 | head -1); $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"

median_ms "default JVM"

# AppCDS: one training run dumps the classes it loaded; later runs map them instead of loading and verifying.
archive="$work/mfa-monitor.jsa"
training=$(fresh_config)
run_once "$training" -XX:ArchiveClassesAtExit="$archive"
echo "AppCDS archive: $(stat -c %s "$archive") bytes"
median_ms "AppCDS (-XX:SharedArchiveFile)" -XX:SharedArchiveFile="$archive"
median_ms "AppCDS + -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" -XX:SharedArchiveFile="$archive" \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
