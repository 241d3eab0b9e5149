#!/usr/bin/env bash
# Whole-process figures of the distribution archive's launcher, as cron or a systemd timer starts it:
# `bin/mfa-monitor run` on a copy of the quickstart (steady state: the state exists, nothing to alert), beside two
# floors measured in the same run, `java -version` and a hello-world jar, and the runnable jar as it was started before
# the launcher (`java -jar mfa-monitor.jar run`, Java's defaults). Wall and CPU time (user + sys of the process and its
# children), median of RUNS runs after one untimed run each; the commands take turns, so a slower spell of a shared
# machine hits all of them alike. With mfa-benchmarks/target/benchmarks.jar built, also steady GitHub and AWS runs
# against the tests' fake services (GITHUB_MEMBERS, IAM_USERS: 1000 each). Then the sizes of lib/ and of each plugin
# directory.
#
#   mfa-benchmarks/bin/distribution-startup.sh [RUNS] [DISTRIBUTION_DIR]
#       (defaults: 10, mfa-runner/target/mfa-monitor-VERSION/)
#
# Build first: mvn -q -B -pl mfa-runner -am package -DskipTests. Needs bash, coreutils, a JDK (javac and jar build the
# hello-world jar) and nothing else.
set -euo pipefail

runs=${1:-10}
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=${2:-$(ls -d "$repo"/mfa-runner/target/mfa-monitor-*/ 2>/dev/null | head -1)}
dist=${dist%/}
[[ -x $dist/bin/mfa-monitor ]] || { echo "no distribution at '$dist': build it with mvn -q -B -pl mfa-runner -am package -DskipTests" >&2; exit 2; }
jar=$repo/mfa-runner/target/mfa-monitor.jar

work=$(mktemp -d "${TMPDIR:-/tmp}/mfa-dist-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/quickstart" "$work/quickstart"
rm -rf "$work/quickstart/state"
cp -r "$repo/examples/quickstart" "$work/quickstart-jar"
rm -rf "$work/quickstart-jar/state"
export MFA_MONITOR_CACHE=$work/cache
unset JAVA_OPTS MFA_MONITOR_JVM_FLAGS MFA_MONITOR_PLUGINS

# The hello-world floor: a class that prints one line, in a jar.
mkdir -p "$work/hello"
cat >"$work/hello/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
EOF
javac -d "$work/hello" "$work/hello/Hello.java"
jar --create --file "$work/hello.jar" --main-class Hello -C "$work/hello" Hello.class

names=("java -version" "java -jar hello.jar" "bin/mfa-monitor run (quickstart)" "java -jar mfa-monitor.jar run (quickstart)")
commands=(
    "java -version"
    "java -jar $work/hello.jar"
    "$dist/bin/mfa-monitor run --config $work/quickstart/mfa-monitor.yaml"
    "java -jar $jar run --config $work/quickstart-jar/mfa-monitor.yaml"
)

# GitHub and AWS steady runs against the tests' fakes on 127.0.0.1 (served by a process of their own), when the
# benchmarks jar is built (mvn -q -B -pl mfa-benchmarks -am package -DskipTests).
members=${GITHUB_MEMBERS:-1000}
iam_users=${IAM_USERS:-1000}
benchmarks_jar=$repo/mfa-benchmarks/target/benchmarks.jar
if [[ -f $benchmarks_jar ]]; then
    mkfifo "$work/fakes.in"
    java -cp "$benchmarks_jar" dev.mfamonitor.benchmarks.FakeServices "$work/fakes" "$members" "$iam_users" \
        <"$work/fakes.in" >"$work/fakes.out" 2>&1 &
    exec 3>"$work/fakes.in"
    trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
    for ((i = 0; i < 600; i++)); do
        grep -q '^ready' "$work/fakes.out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q '^ready' "$work/fakes.out" || { echo "the fakes did not start:" >&2; cat "$work/fakes.out" >&2; exit 1; }
    names+=("bin/mfa-monitor run (GitHub, $members members)" "bin/mfa-monitor run (AWS, $iam_users IAM users)")
    commands+=("$dist/bin/mfa-monitor run --config $work/fakes/github.yaml" "$dist/bin/mfa-monitor run --config $work/fakes/aws.yaml")
fi

# once COMMAND: runs it, output to a file; an unexpected exit code stops the benchmark with what it printed.
once() {
    if ! $1 >"$work/out" 2>&1; then
        echo "'$1' failed; it printed:" >&2
        cat "$work/out" >&2
        exit 1
    fi
}

# timed COMMAND: "WALL CPU" in ms (bash's own clock: TIMEFORMAT, real and user + sys of the children).
timed() {
    local TIMEFORMAT='%3R %3U %3S' t
    t=$( { time once "$1"; } 2>&1 )
    awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "$(java -version 2>&1 | head -1); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $runs runs after one"
for c in "${commands[@]}"; do once "$c"; done # the first run of each: the baseline, and the launcher's archive
declare -A wall cpu
for ((i = 0; i < runs; i++)); do
    for k in "${!commands[@]}"; do
        read -r w u < <(timed "${commands[$k]}")
        wall[$k]+="$w "
        cpu[$k]+="$u "
    done
done
declare -a wall_median cpu_median
for k in "${!commands[@]}"; do
    wall_median[$k]=$(tr ' ' '\n' <<<"${wall[$k]}" | grep . | median)
    cpu_median[$k]=$(tr ' ' '\n' <<<"${cpu[$k]}" | grep . | median)
done
printf '%-44s %9s %9s %16s\n' "command" "wall ms" "cpu ms" "wall / hello"
for k in "${!commands[@]}"; do
    printf '%-44s %9d %9d %16s\n' "${names[$k]}" "${wall_median[$k]}" "${cpu_median[$k]}" \
        "$(awk -v a="${wall_median[$k]}" -v b="${wall_median[1]}" 'BEGIN { printf "%.2f", a / b }')"
done
ls "$MFA_MONITOR_CACHE" | sed 's/^/class-data archive: /'

echo
echo "sizes (bytes of the jars):"
size() { du -b -c "$@" | tail -1 | cut -f1; }
printf '  %-24s %10d\n' "lib/ (the runner)" "$(size "$dist"/lib/*.jar)"
for p in "$dist"/plugins/*/; do
    printf '  %-24s %10d\n' "plugins/$(basename "$p")/" "$(size "$p"*.jar)"
done
printf '  %-24s %10d\n' "lib/ + github + slack" "$(size "$dist"/lib/*.jar "$dist"/plugins/github/*.jar "$dist"/plugins/slack/*.jar)"
printf '  %-24s %10d\n' "runnable jar" "$(stat -c %s "$jar")"
