#!/usr/bin/env sh
# Relay throughput vs a bare SendMessageBatch loop into ElasticMQ. Usage (from the repository root):
#   functions-aws/bench/relay.sh [messages] [concurrency x rows per claim x slices in flight, ...] [rounds]
# e.g. functions-aws/bench/relay.sh 100000 8x100x1,8x100x2,8x500x1,8x500x2 3 (the defaults; slices in flight 1 = no pipelining)
set -eu
cd "$(dirname "$0")/../.."
./mvnw -o -q -B -pl functions-aws -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/functions-aws/target/bench-classpath.txt"
cd functions-aws
exec java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.inlet.aws.bench.RelayBench \
  "${1:-100000}" "${2:-8x100x1,8x100x2,8x500x1,8x500x2}" "${3:-3}"
