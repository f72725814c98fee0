#!/usr/bin/env sh
# Relay throughput vs a bare SendMessageBatch loop into ElasticMQ. Usage (from the repository root):
#   functions-aws/bench/relay.sh [messages] [concurrency x rows per claim, ...]
# e.g. functions-aws/bench/relay.sh 100000 1x500,8x500,8x1000 (the default variants)
set -eu
cd "$(dirname "$0")/../.."
./mvnw -q -B -pl functions-aws -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/functions-aws/target/bench-classpath.txt"
cd functions-aws
exec java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.inlet.aws.bench.RelayBench \
  "${1:-100000}" ${2:+"$2"}
