#!/usr/bin/env sh
# Per-invocation cost of the default span export (INLET_TRACING=xray vs off) on the real S3 handler.
# Usage (from the repository root): functions-aws/bench/tracing-cost.sh [rounds] [invocations per round]
set -eu
cd "$(dirname "$0")/../.."
./mvnw -q -B -pl functions-aws -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/functions-aws/target/bench-classpath.txt"
cd functions-aws
exec java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.inlet.aws.bench.TracingCostBench \
  "${1:-6}" "${2:-40}"
