#!/usr/bin/env sh
# Cold start of the S3 handler, url-connection-client versus the CRT client, plus a baseline that only
# builds the SDK clients. Usage (from the repository root): functions-aws/bench/cold-start.sh [runs]
set -eu
cd "$(dirname "$0")/../.."
# one reactor run, so inlet-common (and its test-jar) come from this checkout, not from ~/.m2
./mvnw -q -B -pl functions-aws -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/functions-aws/target/bench-classpath.txt"
cd functions-aws
exec java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.inlet.aws.bench.ColdStartBench "$@"
