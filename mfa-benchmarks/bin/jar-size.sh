#!/usr/bin/env bash
# Size of the runnable jar (mfa-runner/target/mfa-monitor.jar), as built and without each optional provider module
# (GitHub, AWS, Slack: those the runner bundles at the time), each variant checked with `java -jar VARIANT plugins`.
# Needs python3. Method: see jar_variants.py.
#
#   mfa-benchmarks/bin/jar-size.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
mvn -q -B -pl mfa-runner -am package dependency:tree -DskipTests -DoutputFile=target/dependency-tree.txt
python3 "$repo/mfa-benchmarks/bin/jar_variants.py" "$repo" mfa-runner/target/mfa-monitor.jar \
    mfa-runner/target/dependency-tree.txt mfa-benchmarks/target/jar-variants
