#!/usr/bin/env bash
# Re-generates the API baseline from the SPI as it is in this work tree (see README.md beside this file).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl mfa-spi -Djapicmp.skip=true package
jars=(mfa-spi/target/mfa-spi-*.jar)
if [ "${#jars[@]}" -ne 1 ]; then
  echo "expected one mfa-spi jar in mfa-spi/target, found: ${jars[*]}" >&2
  exit 1
fi
cp "${jars[0]}" mfa-spi/api-baseline/mfa-spi-baseline.jar
echo "mfa-spi/api-baseline/mfa-spi-baseline.jar re-generated from ${jars[0]}"
